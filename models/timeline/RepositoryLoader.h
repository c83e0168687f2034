#pragma once

// Loads one repository for the window: reads its builds through the registry client,
// records the tag positions it saw in the history store (as `berthctl builds` does),
// and turns the store's positions into environment lanes. Only the newest load
// reports: starting another or cancelling drops whatever the previous one still sends.

#include "registry/BuildCollector.h"
#include "registry/RegistryOptions.h"
#include "timeline/EnvironmentLane.h"

#include <QObject>
#include <QPointer>

#include <memory>

namespace berth {

class HistoryStore;
class SqlManifestCache;
class RegistryClient;

struct LoadedRepository {
    QString repository; // host/path
    BuildCollection collection;
    QList<EnvironmentLane> lanes;
};

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
    bool isLoading() const { return m_loading; }
    QString repository() const { return m_repository; }

signals:
    void started(const QString& repository);
    void progressChanged(int finished, int total);
    void loaded(const berth::LoadedRepository& result);
    void failed(const QString& repository, const berth::Error& error);
    void cancelled(const QString& repository);
    void warning(const QString& text);
    // After loaded, failed or cancelled.
    void finished();

private:
    void openHistory();
    void finishLoad(quint64 generation, Result<BuildCollection> result);

    QString m_historyLocation;
    bool m_historyEnabled = true;
    bool m_historyTried = false;
    std::unique_ptr<HistoryStore> m_store;
    std::unique_ptr<SqlManifestCache> m_cache;
    qsizetype m_problemsShown = 0; // the cache keeps every problem; each is shown once
    QPointer<RegistryClient> m_client;
    QString m_repository;
    QString m_domain;
    quint64 m_generation = 0;
    bool m_loading = false;
};

} // namespace berth

Q_DECLARE_METATYPE(berth::LoadedRepository)
