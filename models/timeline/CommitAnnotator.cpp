#include "timeline/CommitAnnotator.h"

#include "core/WhenFinished.h"
#include "timeline/TimelineModel.h"

namespace berth {

CommitAnnotator::CommitAnnotator(TimelineModel* model, QObject* parent)
    : QObject(parent)
    , m_model(model) {
    connect(model, &TimelineModel::modelReset, this, &CommitAnnotator::refresh);
}

void CommitAnnotator::setClonePath(const QString& clonePath) {
    if (clonePath == m_clonePath)
        return;
    m_clonePath = clonePath;
    if (m_model)
        m_model->setCommits({}); // the old clone's answers say nothing about the new one
    refresh();
}

void CommitAnnotator::refresh() {
    const quint64 generation = ++m_generation;
    if (!m_model || m_clonePath.isEmpty() || m_model->builds().isEmpty()) {
        m_busy = false;
        return;
    }
    m_busy = true;
    whenFinished(
        this, CommitResolver::resolveBuildsAsync(m_clonePath, m_model->builds()),
        [this, generation](const QList<BuildCommit>& commits) { finish(generation, commits); });
}

void CommitAnnotator::finish(quint64 generation, const QList<BuildCommit>& commits) {
    if (generation != m_generation || !m_model)
        return; // a newer load or another clone asked since
    m_busy = false;
    m_model->setCommits(commits);
    int resolved = 0;
    for (const BuildCommit& commit : commits)
        resolved += commit.commit.ok() ? 1 : 0;
    emit annotated(resolved, int(commits.size()));
}

} // namespace berth
