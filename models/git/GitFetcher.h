#pragma once

// Runs `git fetch` for every remote of a clone through libgit2, in a worker thread,
// with progress and cancellation, so a build whose commit is missing can be resolved
// after a click instead of a trip to the terminal.
//
// Credentials: ssh remotes use the user's ssh agent (SSH_AUTH_SOCK); http(s) remotes
// ask the user's git credential helpers through `git credential fill` with terminal
// prompts disabled (so the git command must be installed for authenticated https);
// credentials in the URL itself work as libgit2 takes them. Nothing is ever stored.
// Shallow clones: libgit2 1.5 cannot deepen them; fetching only brings new tips.

#include "core/Callback.h"
#include "git/FetchProgress.h"

#include <QFutureWatcher>
#include <QObject>

#include <atomic>
#include <functional>
#include <memory>

namespace berth {

class GitFetcher : public QObject {
    Q_OBJECT
public:
    explicit GitFetcher(QObject* parent = nullptr);
    // Cancels a running fetch and waits for the worker, which stops at libgit2's next
    // progress call.
    ~GitFetcher() override;

    // One fetch at a time; a second call while one runs fails at once. progressChanged
    // arrives queued on this object's thread.
    void fetch(const QString& clonePath, QObject* context, Callback<FetchSummary> done);
    void cancel();
    bool isRunning() const;

    // The work itself, in the calling thread: `cancelled` is polled from libgit2's
    // callbacks, `progress` is called from them (throttled).
    static Result<FetchSummary> fetchNow(const QString& clonePath,
                                         const std::atomic<bool>& cancelled,
                                         const std::function<void(const FetchProgress&)>& progress);

signals:
    void progressChanged(const berth::FetchProgress& progress);

private:
    std::shared_ptr<std::atomic<bool>> m_cancelled;
    QFutureWatcher<Result<FetchSummary>>* m_watcher = nullptr;
};

} // namespace berth
