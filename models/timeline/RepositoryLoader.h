#pragma once

// Loads one repository for the window: first what the history store last saw of it (so it
// paints while the registry is still being asked), then its builds read through the
// registry client, recording the tag positions it saw in the history store (as `berthctl
// builds` does) and turning the store's positions into environment lanes. Only the newest
// load reports: starting another or cancelling drops whatever the previous one still sends.
//
// The window's database work all runs on one history thread (HistoryThread), the registry
// read of a load included, since its manifest cache is the store: a slow connect, a keychain
// prompt or a table locked by another session never stalls the GUI thread.

#include "registry/RegistryOptions.h"
#include "release/RollbackPlanner.h"
#include "timeline/LoadedRepository.h"

#include <QObject>
#include <QPointer>

#include <memory>

namespace berth {

class HistoryAccess;
class HistoryStore;
class HistoryThread;
class RegistryClient;
struct LoadTicket;

class RepositoryLoader : public QObject {
    Q_OBJECT
public:
    explicit RepositoryLoader(QObject* parent = nullptr);
    ~RepositoryLoader() override;

    // Where the history lives (HistoryStore::open's syntax). Empty: the default file.
    void setHistoryLocation(const QString& location);
    const QString& historyLocation() const { return m_historyLocation; }
    // Without history, lanes show only where environments are now and nothing is recorded.
    void setHistoryEnabled(bool enabled);
    // Where the window's database work runs (opened on first use, on its own thread);
    // nullptr when history is off. Promotions, verdicts and the audit log share it.
    HistoryAccess* history();
    // The same, for work that runs on as long as it likes there (the release board's reads).
    HistoryThread* historyThread();
    // What the history knew of the shown repository when it was last read, for planning a
    // release of `tag` without asking the database again; nullopt when the history could
    // not be read for it (or history is off).
    std::optional<RollbackFacts> historyFacts(const QString& tag) const;

    // `repository` is host/path, e.g. "localhost:5000/acme/app".
    void load(const QString& repository, const RegistryOptions& options);
    void cancel();
    // Reads the verdicts on the shown repository's builds again (after one was recorded),
    // on a worker; verdictsRead answers. Nothing happens without history.
    void reloadVerdicts();
    bool isLoading() const { return m_loading; }
    QString repository() const { return m_repository; }

signals:
    void started(const QString& repository);
    void progressChanged(int finished, int total);
    // What the history store last saw, before the registry answered; only when the
    // store knows the repository and the registry has not answered first.
    void restored(const berth::LoadedRepository& lastSeen);
    void loaded(const berth::LoadedRepository& result);
    void failed(const QString& repository, const berth::Error& error);
    void cancelled(const QString& repository);
    void warning(const QString& text);
    // News that is no problem, e.g. a pending release settled by this load.
    void information(const QString& text);
    // After loaded, failed or cancelled.
    void finished();
    // reloadVerdicts' answer, for `repository` (host/path).
    void verdictsRead(const QString& repository, const QList<berth::Verdict>& verdicts);

private:
    struct Collected;

    void restoreFromHistory(quint64 generation, const QString& repository);
    // Reads the registry (and records what it saw) where `store` lives: on the history
    // thread, or on this one without history (store null).
    void collect(quint64 generation, const QString& registry, const QString& path,
                 const RegistryOptions& options, HistoryStore* store, QObject* parent,
                 const std::shared_ptr<LoadTicket>& ticket, Callback<Collected> done);
    void finishLoad(quint64 generation, Result<Collected> result);
    // The load is done: lanes from the stored positions, loaded and finished.
    void publish(LoadedRepository repository, bool historyRead);
    void show(const LoadedRepository& repository, bool historyRead);

    QString m_historyLocation;
    bool m_historyEnabled = true;
    std::unique_ptr<HistoryThread> m_history;
    std::shared_ptr<LoadTicket> m_ticket;         // the running load's registry read
    std::optional<LoadedRepository> m_shownFacts; // positions, verdicts, audit of m_shown
    QString m_repository;
    QString m_shown; // the repository the last loaded or restored signal carried
    QString m_domain;
    quint64 m_generation = 0;
    quint64 m_restorableGeneration = 0; // the load whose history snapshot may still show
    bool m_loading = false;
};

} // namespace berth
