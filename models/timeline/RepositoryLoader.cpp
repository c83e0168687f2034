#include "timeline/RepositoryLoader.h"

#include "history/HistoryAccess.h"
#include "history/HistoryStore.h"
#include "history/SqlManifestCache.h"
#include "registry/ImageReference.h"
#include "registry/RegistryClient.h"
#include "timeline/HistorySnapshot.h"
#include "timeline/LoadRecorder.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace berth {

// The registry read of one load, reached from the thread it runs on (only there).
struct LoadTicket {
    bool onHistoryThread = false; // set before the read starts, never changed
    QPointer<RegistryClient> client;
};

struct RepositoryLoader::Collected {
    BuildCollection collection;
    std::optional<RecordedLoad> recorded; // nullopt: no history was read
    QStringList cacheProblems;
};

RepositoryLoader::RepositoryLoader(QObject* parent)
    : QObject(parent) {
}

// The history thread goes first: nothing it runs may still reach this object.
RepositoryLoader::~RepositoryLoader() {
    m_history.reset();
}

void RepositoryLoader::setHistoryLocation(const QString& location) {
    m_historyLocation = location;
    m_history.reset();
}

void RepositoryLoader::setHistoryEnabled(bool enabled) {
    m_historyEnabled = enabled;
    if (!enabled)
        m_history.reset();
}

HistoryThread* RepositoryLoader::historyThread() {
    if (!m_historyEnabled)
        return nullptr;
    if (!m_history)
        m_history = std::make_unique<HistoryThread>(m_historyLocation);
    return m_history.get();
}

HistoryAccess* RepositoryLoader::history() {
    return historyThread();
}

std::optional<RollbackFacts> RepositoryLoader::historyFacts(const QString& tag) const {
    if (!m_shownFacts || m_shownFacts->repository != m_shown)
        return std::nullopt;
    RollbackFacts facts{{}, m_shownFacts->verdicts, m_shownFacts->actions, m_shownFacts->positions};
    for (const TagPosition& position : m_shownFacts->positions) {
        if (position.tag == tag)
            facts.history.append(position);
    }
    return facts;
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
    m_domain = reference->domain();
    m_repository = reference->repository();
    // The window clears another repository's view at once, so its history snapshot is
    // wanted again when it comes back.
    if (m_shown != m_repository)
        m_shown.clear();
    m_ticket = std::make_shared<LoadTicket>();
    HistoryThread* history = historyThread();
    if (!history) {
        collect(generation, m_domain, reference->path(), options, nullptr, this, m_ticket,
                [this, generation](Result<Collected> result) {
                    finishLoad(generation, std::move(result));
                });
        return;
    }
    // A history that could not be opened (a locked file, a server down) is tried again on
    // every load, so one bad moment does not cost history, promote and rollback for good.
    history->retryOpen();
    m_ticket->onHistoryThread = true;
    // A refresh of what is on screen needs no snapshot.
    if (m_shown != m_repository) {
        m_restorableGeneration = generation;
        restoreFromHistory(generation, m_repository);
    }
    history->start<Collected>(
        this,
        [this, generation, registry = m_domain, path = reference->path(), options,
         ticket = m_ticket](HistoryStore* store, const Error& unavailable, QObject* threadContext,
                            Callback<Collected> finish) {
            // Runs on the history thread: `this` is only used to connect signals, which
            // Qt queues to the GUI thread.
            if (!store) {
                // Without history the timeline still works; the lanes just have no past.
                QMetaObject::invokeMethod(this, [this, message = unavailable.message] {
                    emit warning(
                        u"History unavailable, lanes show only current positions: %1"_s.arg(
                            message));
                });
            }
            collect(generation, registry, path, options, store, threadContext, ticket,
                    std::move(finish));
        },
        [this, generation](Result<Collected> result) {
            finishLoad(generation, std::move(result));
        });
}

void RepositoryLoader::collect(quint64 generation, const QString& registry, const QString& path,
                               const RegistryOptions& options, HistoryStore* store, QObject* parent,
                               const std::shared_ptr<LoadTicket>& ticket,
                               Callback<Collected> done) {
    auto* client = new RegistryClient(registry, options, parent);
    ticket->client = client;
    // Queued when the client lives on the history thread; a load already replaced by
    // another says nothing.
    connect(client, &RegistryClient::progressChanged, this,
            [this, generation](int finished, int total) {
                if (generation == m_generation)
                    emit progressChanged(finished, total);
            });
    connect(client, &RegistryClient::registryWarning, this,
            [this, generation](const QString& text) {
                if (generation == m_generation)
                    emit warning(text);
            });
    std::shared_ptr<SqlManifestCache> cache;
    if (store)
        cache = std::make_shared<SqlManifestCache>(*store);
    auto* collector = new BuildCollector(client, cache.get(), TagClassifier(), client);
    collector->collect(
        path, collector,
        [client, cache, store, registry, done = std::move(done)](Result<BuildCollection> result) {
            client->deleteLater();
            if (!result)
                return done(result.error());
            Collected collected{std::move(result).value(), std::nullopt, {}};
            if (store) {
                collected.cacheProblems = cache->problems();
                collected.recorded = recordLoad(*store, registry, collected.collection);
            }
            done(std::move(collected));
        });
}

void RepositoryLoader::restoreFromHistory(quint64 generation, const QString& repository) {
    historyThread()->run<HistorySnapshot>(
        this,
        [repository](HistoryStore& store) -> Result<HistorySnapshot> {
            return readHistorySnapshot(store, repository);
        },
        [this, generation](Result<HistorySnapshot> snapshot) {
            // Too late once the registry's builds are shown or another load began; after
            // a failed read it is still what the user most needs to see. A store that
            // could not be opened is said by the load itself.
            if (generation != m_restorableGeneration || !snapshot)
                return;
            if (!snapshot->problem.isEmpty())
                emit warning(snapshot->problem);
            if (snapshot->repository)
                show(*snapshot->repository, snapshot->problem.isEmpty());
        });
}

void RepositoryLoader::reloadVerdicts() {
    if (!historyThread() || m_shown.isEmpty())
        return;
    historyThread()->run<VerdictsRead>(
        this,
        [repository = m_shown](HistoryStore& store) -> Result<VerdictsRead> {
            return readVerdicts(store, repository);
        },
        [this](Result<VerdictsRead> read) {
            if (!read)
                return emit warning(read.errorMessage());
            if (!read->problem.isEmpty())
                return emit warning(read->problem);
            if (m_shownFacts && m_shownFacts->repository == read->repository)
                m_shownFacts->verdicts = read->verdicts;
            emit verdictsRead(read->repository, read->verdicts);
        });
}

void RepositoryLoader::cancel() {
    if (const std::shared_ptr<LoadTicket> ticket = std::exchange(m_ticket, nullptr)) {
        // The client lives where its load runs; the history thread may be busy with the
        // database, so it hears of this later, and the generation drops its answer anyway.
        const auto stop = [ticket] {
            if (ticket->client) {
                ticket->client->cancelAll();
                ticket->client->deleteLater();
            }
        };
        if (ticket->onHistoryThread && m_history)
            m_history->runOnThread(stop);
        else
            stop();
    }
    if (!m_loading)
        return;
    ++m_generation; // whatever the aborted requests still deliver is dropped
    m_restorableGeneration = 0;
    m_loading = false;
    emit cancelled(m_repository);
    emit finished();
}

void RepositoryLoader::finishLoad(quint64 generation, Result<Collected> result) {
    if (generation != m_generation)
        return;
    m_ticket.reset();
    if (!result) {
        m_loading = false;
        emit failed(m_repository, result.error());
        emit finished();
        return;
    }
    Collected& collected = result.value();
    for (const QString& text : collected.cacheProblems)
        emit warning(text);
    LoadedRepository repository{m_repository, std::move(collected.collection), {}, {}, {}, {}, {}};
    if (const std::optional<RecordedLoad>& recorded = collected.recorded) {
        for (const QString& text : recorded->warnings)
            emit warning(text);
        for (const QString& text : recorded->settled)
            emit information(text);
        repository.positions = recorded->positions;
        repository.verdicts = recorded->verdicts;
        repository.actions = recorded->actions;
    }
    publish(std::move(repository), collected.recorded && collected.recorded->historyRead);
}

void RepositoryLoader::publish(LoadedRepository repository, bool historyRead) {
    m_loading = false;
    m_restorableGeneration = 0;
    repository.lanes = environmentLanes(repository.collection, repository.positions);
    show(repository, historyRead);
    emit loaded(repository);
    emit finished();
}

void RepositoryLoader::show(const LoadedRepository& repository, bool historyRead) {
    m_shown = repository.repository;
    if (historyRead)
        m_shownFacts = repository;
    else
        m_shownFacts.reset();
    if (repository.isFromHistory())
        emit restored(repository);
}

} // namespace berth
