#include "policy/PolicySource.h"

#include "core/WhenFinished.h"

#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

TagPolicy noClonePolicy() {
    return TagPolicy::defaults(u"built-in defaults (no git clone linked)"_s);
}

} // namespace

PolicySource::PolicySource(QObject* parent)
    : QObject(parent)
    , m_policy(noClonePolicy()) {
}

void PolicySource::setClonePath(const QString& clonePath) {
    if (clonePath == m_clonePath)
        return;
    m_clonePath = clonePath;
    reload();
}

void PolicySource::reload() {
    const quint64 generation = ++m_generation;
    if (m_clonePath.isEmpty()) {
        m_reading = false;
        return apply(noClonePolicy(), {});
    }
    m_reading = true;
    // libgit2 work: never on the GUI thread. Each read opens its own repository object.
    whenFinished(this, QtConcurrent::run(&readTagPolicy, m_clonePath),
                 [this, generation, clonePath = m_clonePath](const Result<TagPolicy>& read) {
                     if (generation != m_generation)
                         return;
                     m_reading = false;
                     apply(read, clonePath);
                 });
}

void PolicySource::apply(const Result<TagPolicy>& read, const QString& clonePath) {
    m_answeredPath = clonePath;
    if (read) {
        m_policy = read.value();
        m_problem.clear();
    } else {
        m_problem = read.errorMessage();
        m_policy = TagPolicy::defaults(
            u"built-in defaults (the policy of %1 cannot be read)"_s.arg(m_clonePath));
    }
    emit policyChanged();
}

} // namespace berth
