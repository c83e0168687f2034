#include "BuildCommitView.h"

#include "core/WhenFinished.h"
#include "git/CloneWebView.h"
#include "git/CommitResolver.h"
#include "git/GitError.h"
#include "git/GitFetcher.h"

#include <QDesktopServices>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::StringLiterals;

namespace berth::ui {

namespace {

const QString kLinkCloneHref = u"berth:link-clone"_s;

} // namespace

BuildCommitView::BuildCommitView(QWidget* parent)
    : QWidget(parent)
    , m_text(new QLabel(this))
    , m_fetch(new QPushButton(u"Fetch"_s, this))
    , m_progress(new QProgressBar(this))
    , m_fetcher(new GitFetcher(this)) {
    setObjectName(u"buildCommit"_s);
    m_text->setObjectName(u"commitField"_s);
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText);
    m_text->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_text->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_fetch->setObjectName(u"fetchButton"_s);
    m_fetch->setToolTip(u"git fetch every remote of the clone, with your git credentials"_s);
    m_progress->setObjectName(u"fetchProgress"_s);
    m_progress->setTextVisible(true);
    m_fetch->hide();
    m_progress->hide();

    auto* row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_fetch);
    row->addWidget(m_progress, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_text);
    layout->addLayout(row);

    connect(m_text, &QLabel::linkActivated, this, [this](const QString& link) {
        if (link == kLinkCloneHref)
            emit linkCloneRequested();
        else
            QDesktopServices::openUrl(QUrl(link));
    });
    connect(m_fetch, &QPushButton::clicked, this, &BuildCommitView::startFetch);
    connect(m_fetcher, &GitFetcher::progressChanged, this, &BuildCommitView::showFetchProgress);
    clear();
}

bool BuildCommitView::isFetching() const {
    return m_fetcher->isRunning();
}

void BuildCommitView::setClonePath(const QString& clonePath) {
    if (clonePath == m_clonePath)
        return;
    m_fetcher->cancel();
    m_clonePath = clonePath;
    if (m_shown)
        resolve();
}

void BuildCommitView::showRevision(const QString& revision) {
    m_revision = revision;
    m_shown = true;
    resolve();
}

void BuildCommitView::clear() {
    ++m_generation;
    m_shown = false;
    m_revision.clear();
    m_commit.reset();
    setState(State::NoClone, QString());
}

void BuildCommitView::resolve() {
    const quint64 generation = ++m_generation;
    m_commit.reset();
    if (m_clonePath.isEmpty()) {
        setState(State::NoClone, u"No git clone is linked to this repository. "
                                 u"<a href=\"%1\">Link git clone…</a>"_s.arg(kLinkCloneHref));
        return;
    }
    if (m_revision.isEmpty()) {
        setState(State::NoRevision, u"The build names no commit (no revision label, SHA tag or "
                                    u"branch-SHA tag)."_s);
        return;
    }
    setState(State::Resolving,
             u"Looking up %1 in the clone…"_s.arg(m_revision.left(12).toHtmlEscaped()));
    const auto deliver = [this, generation](const Lookup& lookup) {
        if (generation == m_generation) // else another build or clone was chosen meanwhile
            showLookup(lookup);
    };
    whenFinished(this, QtConcurrent::run([clone = m_clonePath, revision = m_revision] {
                     Lookup lookup;
                     const Result<GitRepository> repository = GitRepository::open(clone);
                     if (!repository) {
                         lookup.commit = repository.error();
                         return lookup;
                     }
                     lookup.commit = CommitResolver(repository.value()).resolve(revision);
                     if (lookup.commit)
                         lookup.web = CloneWebView::of(clone);
                     return lookup;
                 }),
                 deliver);
}

void BuildCommitView::showLookup(const Lookup& lookup) {
    const QString revision = m_revision.left(12).toHtmlEscaped();
    if (!lookup.commit) {
        const Error& error = lookup.commit.error();
        if (error.code == GitErrorCode::NotInClone) {
            setState(
                State::Missing,
                u"Commit <b>%1</b> is not in the clone — fetch its remotes to look again."_s.arg(
                    revision));
        } else if (error.code == GitErrorCode::Ambiguous) {
            setState(
                State::Ambiguous,
                u"<b>%1</b> is ambiguous in the clone: more than one object starts with it."_s.arg(
                    revision));
        } else {
            setState(State::Failed, error.message.toHtmlEscaped());
        }
        setToolTip(error.message);
        return;
    }
    const CommitInfo& commit = lookup.commit.value();
    m_commit = commit;
    QString id = u"<code>%1</code>"_s.arg(commit.shortId);
    if (lookup.web) {
        const QUrl url = lookup.web->commitUrl(commit.id);
        id = u"<a href=\"%1\">%2</a>"_s.arg(url.toString(QUrl::FullyEncoded).toHtmlEscaped(), id);
    }
    const QString when = commit.time.toLocalTime().toString(u"yyyy-MM-dd HH:mm"_s);
    setState(State::Resolved, u"%1 <b>%2</b><br>%3 · %4"_s.arg(id, commit.summary.toHtmlEscaped(),
                                                               commit.authorName.toHtmlEscaped(),
                                                               when.toHtmlEscaped()));
    setToolTip(u"%1\n%2 <%3>\n\n%4"_s.arg(commit.id, commit.authorName, commit.authorEmail,
                                          commit.message.trimmed()));
}

void BuildCommitView::setState(State state, const QString& text) {
    m_text->setText(text);
    m_text->setVisible(!text.isEmpty());
    setToolTip(QString());
    m_fetch->setVisible(state == State::Missing || isFetching());
    m_fetch->setEnabled(!isFetching());
    m_progress->setVisible(isFetching());
    const bool changed = state != m_state;
    m_state = state;
    if (changed)
        emit stateChanged(state);
}

void BuildCommitView::startFetch() {
    if (m_clonePath.isEmpty() || isFetching())
        return;
    m_progress->setRange(0, 0); // busy until the server says how many objects
    m_progress->setFormat(u"Connecting…"_s);
    const QString clone = m_clonePath;
    m_fetcher->fetch(clone, this, [this, clone](Result<FetchSummary> summary) {
        m_progress->hide();
        if (clone != m_clonePath)
            return; // the clone was changed meanwhile; the new one is being read
        if (!summary) {
            setState(State::Failed, u"Fetching the clone's remotes failed: %1"_s.arg(
                                        summary.errorMessage().toHtmlEscaped()));
            m_fetch->show();
            return;
        }
        emit cloneFetched();
        if (m_shown)
            resolve();
    });
    m_fetch->setEnabled(false);
    m_progress->show();
}

void BuildCommitView::showFetchProgress(const FetchProgress& progress) {
    const QString remote = u"%1 (%2/%3)"_s.arg(progress.remote)
                               .arg(progress.remoteIndex + 1)
                               .arg(progress.remoteCount);
    if (progress.totalObjects == 0) {
        m_progress->setRange(0, 0);
        m_progress->setFormat(u"Fetching %1…"_s.arg(remote));
        return;
    }
    // Received and indexed objects each count for half, as git's own progress shows both.
    const quint64 total = progress.totalObjects * 2;
    const quint64 done = progress.receivedObjects + progress.indexedObjects;
    m_progress->setRange(0, 1000);
    m_progress->setValue(int(done * 1000 / total));
    m_progress->setFormat(u"Fetching %1: %2 of %3 objects"_s.arg(remote)
                              .arg(progress.receivedObjects)
                              .arg(progress.totalObjects));
}

} // namespace berth::ui
