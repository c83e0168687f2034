#pragma once

// Loads the repositories of a release board for the window: first what the history store
// last saw of each (one pass on the history thread, so the board paints before the registry
// is asked anything), then each repository read from the registry a few at a time and
// recorded as the timeline records it. A refresh asks only about the tags that can have
// moved (RefreshPlan.h). One client per registry, living on the history thread, serves all
// of that registry's repositories, so they share its connections and its token. Only the
// newest load reports: starting another or cancelling drops what the previous one sends.

#include "board/Projects.h"
#include "registry/RefreshPlan.h"
#include "registry/RegistryOptions.h"
#include "timeline/LoadedRepository.h"

#include <QObject>
#include <QStringList>

#include <functional>
#include <memory>

namespace berth {

class HistoryThread;

class BoardLoader : public QObject {
    Q_OBJECT
public:
    // Where the window's database work runs, asked each time it is needed (the window may
    // move its history elsewhere, and may be gone first when it closes); nullptr: no history,
    // so nothing paints first and every refresh asks about every tag.
    using HistoryFor = std::function<HistoryThread*()>;

    explicit BoardLoader(HistoryFor history, QObject* parent = nullptr);
    ~BoardLoader() override;

    // Repositories are host/path. Reads `readsAtOnce` repositories at a time.
    void load(const QStringList& repositories, const RegistryOptions& options,
              const RefreshRule& rule = {}, int readsAtOnce = 4);
    // A project: a catalog project's repositories are listed first (repositoriesListed
    // names them), an explicit list is loaded as it is.
    void loadProject(const Project& project, const RegistryOptions& options,
                     const RefreshRule& rule = {});
    void cancel();
    bool isLoading() const { return m_loading; }

signals:
    // The repositories a load reads, in their order, before anything is read.
    void repositoriesListed(const QStringList& repositories);
    // The project's repositories could not be listed; nothing else is read.
    void projectFailed(const QString& message);
    // What the history last saw of the repositories it knows, before any registry answer.
    void restored(const QList<berth::LoadedRepository>& lastSeen);
    void repositoryLoaded(const berth::LoadedRepository& repository);
    void repositoryFailed(const QString& repository, const QString& message);
    void warning(const QString& text);
    // An immutable tag (a release, a SHA) answered with another build than the history last
    // saw: a release was overwritten. Said once, by the read that finds it.
    void alarm(const QString& text);
    // Repositories answered (loaded or failed) of all asked for.
    void progressChanged(int finished, int total);
    // After every repository answered, or the load was cancelled.
    void finished(bool cancelled);

private:
    struct Load;
    struct ThreadSide;

    void restoreFromHistory(const std::shared_ptr<Load>& load);
    void readMore(const std::shared_ptr<Load>& load);
    void readRepository(const std::shared_ptr<Load>& load, int index);

    HistoryFor m_history;
    std::shared_ptr<ThreadSide> m_threadSide; // touched only where the reads run
    std::shared_ptr<Load> m_load;             // the newest load
    bool m_loading = false;
};

} // namespace berth
