#include "GitLink.h"

#include "BuildCommitView.h"
#include "CommitLogPanel.h"
#include "DetailsPanel.h"

#include "core/WhenFinished.h"
#include "git/CloneRemotes.h"
#include "git/CloneSettings.h"
#include "policy/PolicySource.h"
#include "timeline/CommitAnnotator.h"
#include "timeline/TimelineModel.h"

#include <QAction>
#include <QFileDialog>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::StringLiterals;

namespace berth::ui {

namespace {

const QString kSourceLabel = u"org.opencontainers.image.source"_s;

} // namespace

GitLink::GitLink(TimelineModel* timeline, DetailsPanel* details, CommitLogPanel* log,
                 QWidget* window)
    : QObject(window)
    , m_timeline(timeline)
    , m_details(details)
    , m_log(log)
    , m_window(window)
    , m_annotator(new CommitAnnotator(timeline, this))
    , m_policy(new PolicySource(this))
    , m_action(new QAction(u"Link git clone…"_s, this)) {
    m_action->setObjectName(u"linkCloneAction"_s);
    m_action->setToolTip(u"Choose the local git clone of this repository's source, to see "
                         u"each build's commit and what a promotion ships"_s);
    m_action->setEnabled(false);
    connect(m_action, &QAction::triggered, this, &GitLink::chooseClone);
    connect(details, &DetailsPanel::linkCloneRequested, this, &GitLink::chooseClone);
    connect(details, &DetailsPanel::cloneFetched, this, [this] {
        m_annotator->refresh();
        if (!m_shownDigest.isEmpty())
            m_log->showBuild(*m_timeline, m_shownDigest);
    });
    // Promotions plan with the defaults meanwhile; the person learns why, and where.
    connect(m_policy, &PolicySource::policyChanged, this, [this] {
        if (!m_policy->problem().isEmpty())
            emit message(u"The tag policy is not in force: %1 Promotions wait until it is "
                         u"fixed; rollbacks and tag health follow the built-in defaults."_s.arg(
                             m_policy->problem()),
                         true);
    });
    // A load may bring the first build naming its source: time to propose a clone.
    connect(timeline, &TimelineModel::modelReset, this, &GitLink::proposeClone);
}

void GitLink::setCloneOverride(const QString& repository, const QString& clonePath) {
    m_override = clonePath;
    m_overrideRepository = clonePath.isEmpty() ? QString() : repository;
    if (!m_repository.isEmpty())
        apply(cloneOf(m_repository));
}

bool GitLink::overridden() const {
    return !m_override.isEmpty() && m_repository == m_overrideRepository;
}

QString GitLink::cloneOf(const QString& repository) const {
    if (!m_override.isEmpty() && repository == m_overrideRepository)
        return m_override;
    return CloneSettings::cloneFor(repository);
}

void GitLink::setRepository(const QString& repository) {
    if (repository == m_repository)
        return;
    m_repository = repository;
    m_shownDigest.clear();
    m_action->setEnabled(!repository.isEmpty());
    apply(cloneOf(repository));
}

void GitLink::showBuild(const QString& digest) {
    m_shownDigest = digest;
    if (digest.isEmpty())
        m_log->clear();
    else
        m_log->showBuild(*m_timeline, digest);
}

bool GitLink::isBusy() const {
    return m_annotator->isBusy() || m_log->isBusy() ||
           m_details->commitView()->state() == BuildCommitView::State::Resolving;
}

void GitLink::apply(const QString& clonePath) {
    m_clonePath = clonePath;
    m_annotator->setClonePath(clonePath);
    m_details->setGitClone(clonePath);
    m_log->setClonePath(clonePath);
    m_policy->setClonePath(clonePath);
}

void GitLink::chooseClone() {
    if (m_repository.isEmpty())
        return;
    const QString chosen = QFileDialog::getExistingDirectory(
        m_window, u"Git clone of %1's source"_s.arg(m_repository),
        m_clonePath.isEmpty() ? CloneSettings::knownClones().value(0) : m_clonePath);
    if (!chosen.isEmpty())
        linkClone(chosen);
}

void GitLink::linkClone(const QString& clonePath) {
    const QString repository = m_repository;
    // Opening the clone is git work: a worker checks it is one before it is saved.
    whenFinished(this, QtConcurrent::run([clonePath] { return CloneRemotes::list(clonePath); }),
                 [this, repository, clonePath](const Result<QList<RemoteEntry>>& remotes) {
                     if (!remotes) {
                         emit message(
                             u"%1 cannot be linked: %2"_s.arg(clonePath, remotes.errorMessage()),
                             true);
                         return;
                     }
                     CloneSettings::setCloneFor(repository, clonePath);
                     if (repository == m_repository && !overridden())
                         apply(clonePath);
                 });
}

void GitLink::proposeClone() {
    if (!m_clonePath.isEmpty() || m_repository.isEmpty() || m_proposedFor == m_repository)
        return;
    QString source;
    for (const Build& build : m_timeline->builds()) {
        source = build.labels.value(kSourceLabel);
        if (!source.isEmpty())
            break;
    }
    if (source.isEmpty() || CloneSettings::knownClones().isEmpty())
        return;
    m_proposedFor = m_repository;
    const QString repository = m_repository;
    whenFinished(
        this, CloneSettings::proposeAsync(source),
        [this, repository, source](const QStringList& clones) {
            if (clones.isEmpty() || repository != m_repository || !m_clonePath.isEmpty())
                return;
            apply(clones.first());
            emit message(
                u"Showing commits from %1: its remote is the images' source %2. Use "
                u"\"Link git clone…\" to keep it or choose another."_s.arg(clones.first(), source),
                false);
        });
}

} // namespace berth::ui
