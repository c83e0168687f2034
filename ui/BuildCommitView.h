#pragma once

// The selected build's git commit, in the details panel: short id (a link to the
// remote's web view when there is one), summary, author and date. When the clone lacks
// the commit it offers to fetch the clone's remotes, with progress. The clone is read
// in a worker thread; an answer for a build no longer shown is dropped.

#include "core/Result.h"
#include "git/CommitInfo.h"
#include "git/RemoteLocation.h"

#include <QWidget>

#include <optional>

class QLabel;
class QProgressBar;
class QPushButton;

namespace berth {
class GitFetcher;
struct FetchProgress;
} // namespace berth

namespace berth::ui {

class BuildCommitView : public QWidget {
    Q_OBJECT
public:
    enum class State {
        NoClone,    // no clone linked to the repository
        NoRevision, // the build names no commit
        Resolving,
        Resolved,
        Missing,   // the clone does not have the commit: fetch offered
        Ambiguous, // the short id starts more than one object
        Failed,    // anything else (unreadable clone, not a commit, fetch failure)
    };
    Q_ENUM(State)

    explicit BuildCommitView(QWidget* parent = nullptr);

    void setClonePath(const QString& clonePath);
    QString clonePath() const { return m_clonePath; }
    void showRevision(const QString& revision);
    void clear();

    State state() const { return m_state; }
    // The commit shown, when state() is Resolved.
    std::optional<CommitInfo> commit() const { return m_commit; }
    bool isFetching() const;

signals:
    void stateChanged(berth::ui::BuildCommitView::State state);
    void linkCloneRequested();
    // A fetch finished: the clone may now hold commits other views asked for in vain.
    void cloneFetched();

private:
    struct Lookup {
        Result<CommitInfo> commit = Error{};
        std::optional<RemoteLocation> web;
    };

    void resolve();
    void showLookup(const Lookup& lookup);
    void setState(State state, const QString& text);
    void startFetch();
    void showFetchProgress(const FetchProgress& progress);

    QLabel* m_text;
    QPushButton* m_fetch;
    QProgressBar* m_progress;
    GitFetcher* m_fetcher;
    QString m_clonePath;
    QString m_revision;
    bool m_shown = false;
    quint64 m_generation = 0;
    State m_state = State::NoClone;
    std::optional<CommitInfo> m_commit;
};

} // namespace berth::ui
