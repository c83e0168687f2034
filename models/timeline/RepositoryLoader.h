#pragma once

// Loads one repository for the window: first what the history store last saw of it
// (read on a worker thread, so it paints while the registry is still being asked), then
// its builds read through the registry client, recording the tag positions it saw in the
// history store (as `berthctl builds` does, on a worker thread too) and turning the
// store's positions into environment lanes. Only the newest load reports: starting another or
// cancelling drops whatever the previous one still sends.

#include "registry/RegistryOptions.h"
#include "timeline/LoadedRepository.h"

#include <QObject>
#include <QPointer>

#include <memory>

namespace berth {

class HistoryStore;
class SqlManifestCache;
class RegistryClient;

class RepositoryLoader : public QObject {
    Q_OBJECT
public:
    explicit RepositoryLoader(QObject* parent = nullptr);
    ~RepositoryLoader() override;

    // Where the history lives (HistoryStore::open's syntax). Empty: the default file.
    void setHistoryLocation(const QString& location);
    // Without history, lanes show only where environments are now and nothing is recorded.
    void setHistoryEnabled(bool enabled);
    // The store loads record into, opened on first use; nullptr when history is off or
    // could not be opened. Promotions and the audit log share it (and its thread).
    HistoryStore* history();

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
    void openHistory();
    void restoreFromHistory(quint64 generation, const QString& repository);
    void finishLoad(quint64 generation, Result<BuildCollection> result);
    // The load is done: lanes from the stored positions, loaded and finished.
    void publish(const BuildCollection& collection, const QList<TagPosition>& positions,
                 const QList<Verdict>& verdicts);

    QString m_historyLocation;
    bool m_historyEnabled = true;
    bool m_historyTried = false;
    std::unique_ptr<HistoryStore> m_store;
    std::unique_ptr<SqlManifestCache> m_cache;
    qsizetype m_problemsShown = 0; // the cache keeps every problem; each is shown once
    QPointer<RegistryClient> m_client;
    QString m_repository;
    QString m_shown; // the repository the last loaded or restored signal carried
    QString m_domain;
    quint64 m_generation = 0;
    quint64 m_restorableGeneration = 0; // the load whose history snapshot may still show
    bool m_loading = false;
};

} // namespace berth
