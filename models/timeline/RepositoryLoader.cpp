#include "timeline/RepositoryLoader.h"

#include "core/WhenFinished.h"
#include "history/HistoryStore.h"
#include "history/SqlManifestCache.h"
#include "registry/ImageReference.h"
#include "registry/RegistryClient.h"
#include "timeline/HistorySnapshot.h"
#include "timeline/LoadRecorder.h"

#include <QDateTime>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::StringLiterals;

namespace berth {

RepositoryLoader::RepositoryLoader(QObject* parent)
    : QObject(parent) {
}

// The cache refers to the store, so it goes first.
RepositoryLoader::~RepositoryLoader() {
    m_cache.reset();
}

void RepositoryLoader::setHistoryLocation(const QString& location) {
    m_historyLocation = location;
    m_historyTried = false;
    m_cache.reset();
    m_store.reset();
    m_problemsShown = 0;
}

void RepositoryLoader::setHistoryEnabled(bool enabled) {
    m_historyEnabled = enabled;
}

HistoryStore* RepositoryLoader::history() {
    openHistory();
    return m_store.get();
}

void RepositoryLoader::openHistory() {
    if (m_historyTried || !m_historyEnabled)
        return;
    m_historyTried = true;
    auto store = std::make_unique<HistoryStore>();
    const Status opened = store->open(m_historyLocation);
    if (!opened) {
        // Without history the timeline still works; the lanes just have no past.
        emit warning(u"History unavailable, lanes show only current positions: %1"_s.arg(
            opened.error().message));
        return;
    }
    m_store = std::move(store);
    m_cache = std::make_unique<SqlManifestCache>(*m_store);
}

void RepositoryLoader::load(const QString& repository, const RegistryOptions& options) {
    cancel();
    const Result<ImageReference> reference = ImageReference::parse(repository);
    const quint64 generation = ++m_generation;
    m_restorableGeneration = 0;
    m_repository = repository;
    m_loading = true;
    emit started(repository);
    if (!reference) {
        m_loading = false;
        emit failed(repository, reference.error());
        emit finished();
        return;
    }
    // A history that could not be opened (a locked file, a server down) is tried again on
    // every load, so one bad moment does not cost history, promote and rollback for good.
    if (!m_store)
        m_historyTried = false;
    openHistory();
    m_domain = reference->domain();
    m_repository = reference->repository();
    // The window clears another repository's view at once, so its history snapshot is
    // wanted again when it comes back.
    if (m_shown != m_repository)
        m_shown.clear();
    // After openHistory, so the schema is already created or migrated when the worker's
    // own connection opens it. A refresh of what is on screen needs no snapshot.
    if (m_store && m_shown != m_repository) {
        m_restorableGeneration = generation;
        restoreFromHistory(generation, m_repository);
    }
    m_client = new RegistryClient(m_domain, options, this);
    connect(m_client, &RegistryClient::progressChanged, this, &RepositoryLoader::progressChanged);
    connect(m_client, &RegistryClient::registryWarning, this, &RepositoryLoader::warning);
    auto* collector = new BuildCollector(m_client, m_cache.get(), TagClassifier(), m_client);
    collector->collect(reference->path(), collector,
                       [this, generation](Result<BuildCollection> result) {
                           finishLoad(generation, std::move(result));
                       });
}

void RepositoryLoader::restoreFromHistory(quint64 generation, const QString& repository) {
    whenFinished(this, QtConcurrent::run(readHistorySnapshot, m_historyLocation, repository),
                 [this, generation](const HistorySnapshot& snapshot) {
                     // Too late once the registry's builds are shown or another load began;
                     // after a failed read it is still what the user most needs to see.
                     if (generation != m_restorableGeneration)
                         return;
                     if (!snapshot.problem.isEmpty())
                         emit warning(snapshot.problem);
                     if (snapshot.repository) {
                         m_shown = snapshot.repository->repository;
                         emit restored(*snapshot.repository);
                     }
                 });
}

void RepositoryLoader::reloadVerdicts() {
    openHistory();
    if (!m_store || m_shown.isEmpty())
        return;
    whenFinished(this, QtConcurrent::run(readVerdicts, m_historyLocation, m_shown),
                 [this](const VerdictsRead& read) {
                     if (!read.problem.isEmpty())
                         emit warning(read.problem);
                     else
                         emit verdictsRead(read.repository, read.verdicts);
                 });
}

void RepositoryLoader::cancel() {
    if (!m_loading) {
        if (m_client)
            m_client->deleteLater();
        return;
    }
    ++m_generation; // whatever the aborted requests still deliver is dropped
    m_restorableGeneration = 0;
    m_loading = false;
    if (m_client) {
        m_client->cancelAll();
        m_client->deleteLater();
    }
    emit cancelled(m_repository);
    emit finished();
}

void RepositoryLoader::finishLoad(quint64 generation, Result<BuildCollection> result) {
    if (generation != m_generation)
        return;
    if (!result) {
        m_loading = false;
        emit failed(m_repository, result.error());
        emit finished();
        return;
    }
    if (!m_store)
        return publish(std::move(result).value(), {}, {});
    const QStringList problems = m_cache->problems();
    for (qsizetype i = m_problemsShown; i < problems.size(); ++i)
        emit warning(problems.at(i));
    m_problemsShown = problems.size();
    // Recording is database work: on a worker, with the load still cancellable meanwhile.
    // Started before the continuation is made, which takes the collection away.
    QFuture<RecordedLoad> recording =
        QtConcurrent::run(recordLoad, m_historyLocation, m_domain, result.value());
    whenFinished(
        this, std::move(recording),
        [this, generation, collection = std::move(result).value()](const RecordedLoad& recorded) {
            if (generation != m_generation)
                return;
            for (const QString& text : recorded.warnings)
                emit warning(text);
            for (const QString& text : recorded.settled)
                emit information(text);
            publish(collection, recorded.positions, recorded.verdicts);
        });
}

void RepositoryLoader::publish(const BuildCollection& collection,
                               const QList<TagPosition>& positions,
                               const QList<Verdict>& verdicts) {
    m_loading = false;
    m_restorableGeneration = 0;
    LoadedRepository repository{m_repository, collection, {}, {}, verdicts};
    repository.lanes = environmentLanes(repository.collection, positions);
    m_shown = repository.repository;
    emit loaded(repository);
    emit finished();
}

} // namespace berth
