#include "board/BoardLoader.h"

#include "history/HistoryAccess.h"
#include "history/HistoryStore.h"
#include "history/SqlManifestCache.h"
#include "registry/BuildCollector.h"
#include "registry/ImageReference.h"
#include "registry/RegistryClient.h"
#include "timeline/HistorySnapshot.h"
#include "timeline/LoadRecorder.h"

#include <QHash>
#include <QPointer>

using namespace Qt::StringLiterals;

namespace berth {

// One load: what it was asked, and how far it got. Touched only on the window's thread.
struct BoardLoader::Load {
    QStringList repositories;
    RegistryOptions options;
    RefreshRule rule;
    int readsAtOnce = 4;
    int started = 0;
    int finished = 0;
    bool cancelled = false;
    bool answered = false; // some registry answer arrived: the history snapshot is late
};

// The clients, one per registry, where the reads run (the history thread). They outlive a
// load, so the next refresh finds their connections open and their tokens fresh.
struct BoardLoader::ThreadSide {
    QHash<QString, QPointer<RegistryClient>> clients;

    RegistryClient* clientFor(const QString& registry, const RegistryOptions& options,
                              QObject* parent) {
        QPointer<RegistryClient>& client = clients[registry];
        if (!client)
            client = new RegistryClient(registry, options, parent);
        return client;
    }

    void cancelAll() {
        for (const QPointer<RegistryClient>& client : std::as_const(clients)) {
            if (client)
                client->cancelAll();
        }
    }

    void clear() {
        for (const QPointer<RegistryClient>& client : std::as_const(clients)) {
            if (client) {
                client->cancelAll();
                client->deleteLater();
            }
        }
        clients.clear();
    }
};

namespace {

struct BoardRead {
    LoadedRepository repository;
    QStringList warnings;
    QStringList alarms; // immutable tags found moved
};

// One repository read where `store` lives (null: no history), recorded there; answers once.
void readAndRecord(const QString& repository, const RefreshRule& rule, HistoryStore* store,
                   RegistryClient* client, QObject* parent, Callback<BoardRead> done) {
    const Result<ImageReference> reference = ImageReference::parse(repository);
    if (!reference)
        return done(reference.error());
    std::shared_ptr<SqlManifestCache> cache;
    if (store)
        cache = std::make_shared<SqlManifestCache>(*store);
    auto* collector = new BuildCollector(client, cache.get(), TagClassifier(), parent);
    QMap<QString, KnownTag> known;
    if (store) {
        const Result<QList<TagPosition>> positions =
            store->positionsOfRepository(reference->domain(), reference->path());
        if (positions) {
            known = knownTagsOf(positions.value());
            collector->setKnownTags(known, rule);
        }
    }
    collector->collect(reference->path(), collector,
                       [collector, cache, store, known, registry = reference->domain(),
                        name = reference->repository(), done](Result<BuildCollection> collection) {
                           collector->deleteLater();
                           if (!collection)
                               return done(collection.error());
                           BoardRead read;
                           read.repository.repository = name;
                           read.repository.collection = std::move(collection).value();
                           read.warnings = read.repository.collection.warnings;
                           for (const MovedImmutableTag& moved :
                                movedImmutableTags(known, read.repository.collection.tagDigests))
                               read.alarms.append(immutableMoveText(name, moved));
                           if (store) {
                               read.warnings.append(cache->problems());
                               const RecordedLoad recorded =
                                   recordLoad(*store, registry, read.repository.collection);
                               read.warnings.append(recorded.warnings);
                               read.repository.positions = recorded.positions;
                               read.repository.verdicts = recorded.verdicts;
                               read.repository.actions = recorded.actions;
                           }
                           read.repository.lanes = environmentLanes(read.repository.collection,
                                                                    read.repository.positions);
                           done(std::move(read));
                       });
}

} // namespace

BoardLoader::BoardLoader(HistoryFor history, QObject* parent)
    : QObject(parent)
    , m_history(std::move(history))
    , m_threadSide(std::make_shared<ThreadSide>()) {
}

BoardLoader::~BoardLoader() {
    cancel();
    // The clients live where the reads ran and go there; a history thread already gone took
    // them with it.
    if (HistoryThread* history = m_history())
        history->runOnThread([side = m_threadSide] { side->clear(); });
    else
        m_threadSide->clear();
}

void BoardLoader::load(const QStringList& repositories, const RegistryOptions& options,
                       const RefreshRule& rule, int readsAtOnce) {
    cancel();
    auto load = std::make_shared<Load>();
    load->repositories = repositories;
    load->options = options;
    load->rule = rule;
    load->readsAtOnce = std::max(1, readsAtOnce);
    m_load = load;
    m_loading = true;
    emit repositoriesListed(repositories);
    emit progressChanged(0, static_cast<int>(repositories.size()));
    if (repositories.isEmpty()) {
        m_loading = false;
        emit finished(false);
        return;
    }
    if (HistoryThread* history = m_history()) {
        // A history that could not be opened is tried again on every load.
        history->retryOpen();
        restoreFromHistory(load);
    }
    readMore(load);
}

void BoardLoader::loadProject(const Project& project, const RegistryOptions& options,
                              const RefreshRule& rule) {
    if (!project.usesCatalog())
        return load(project.repositories, options, rule);
    cancel();
    auto listing = std::make_shared<Load>(); // stands for the load until the list arrives
    m_load = listing;
    m_loading = true;
    auto work = [side = m_threadSide, project, options](HistoryStore*, const Error&,
                                                        QObject* threadContext,
                                                        Callback<QStringList> finish) {
        side->clientFor(project.registry, options, threadContext)
            ->listRepositories(threadContext, [project, finish](Result<QStringList> names) {
                if (!names)
                    return finish(names.error().withMessage(
                        u"The catalog of %1 could not be read (%2); a registry without a "
                        u"catalog needs the project's repositories named one by one."_s.arg(
                            project.registry, names.errorMessage())));
                QStringList repositories;
                for (const QString& name : names.value()) {
                    if (name.startsWith(project.catalogPath))
                        repositories.append(project.registry + u'/' + name);
                }
                finish(repositories);
            });
    };
    auto done = [this, listing, options, rule](Result<QStringList> repositories) {
        if (listing != m_load)
            return;
        m_load.reset();
        m_loading = false;
        if (!repositories) {
            emit projectFailed(repositories.errorMessage());
            emit finished(false);
            return;
        }
        load(repositories.value(), options, rule);
    };
    if (HistoryThread* history = m_history())
        return history->start<QStringList>(this, std::move(work), std::move(done));
    work(nullptr, Error{}, this, std::move(done));
}

void BoardLoader::cancel() {
    if (!m_load)
        return;
    const std::shared_ptr<Load> load = std::exchange(m_load, nullptr);
    load->cancelled = true;
    if (HistoryThread* history = m_history())
        history->runOnThread([side = m_threadSide] { side->cancelAll(); });
    else
        m_threadSide->cancelAll();
    if (m_loading) {
        m_loading = false;
        emit finished(true);
    }
}

void BoardLoader::restoreFromHistory(const std::shared_ptr<Load>& load) {
    m_history()->run<QList<HistorySnapshot>>(
        this,
        [repositories = load->repositories](HistoryStore& store) -> Result<QList<HistorySnapshot>> {
            QList<HistorySnapshot> snapshots;
            for (const QString& repository : repositories)
                snapshots.append(readHistorySnapshot(store, repository));
            return snapshots;
        },
        [this, load](Result<QList<HistorySnapshot>> snapshots) {
            // Too late once the load is replaced or a registry answer is on screen.
            if (load != m_load || load->answered || !snapshots)
                return;
            QList<LoadedRepository> lastSeen;
            for (const HistorySnapshot& snapshot : snapshots.value()) {
                if (!snapshot.problem.isEmpty())
                    emit warning(snapshot.problem);
                if (snapshot.repository)
                    lastSeen.append(*snapshot.repository);
            }
            if (!lastSeen.isEmpty())
                emit restored(lastSeen);
        });
}

void BoardLoader::readMore(const std::shared_ptr<Load>& load) {
    while (load->started < load->repositories.size() &&
           load->started - load->finished < load->readsAtOnce)
        readRepository(load, load->started++);
}

void BoardLoader::readRepository(const std::shared_ptr<Load>& load, int index) {
    const QString repository = load->repositories.at(index);
    const QString registry = repository.section(u'/', 0, 0);
    auto work = [side = m_threadSide, repository, registry, options = load->options,
                 rule = load->rule](HistoryStore* store, const Error&, QObject* threadContext,
                                    Callback<BoardRead> finish) {
        readAndRecord(repository, rule, store, side->clientFor(registry, options, threadContext),
                      threadContext, std::move(finish));
    };
    auto done = [this, load, repository](Result<BoardRead> read) {
        if (load != m_load || load->cancelled)
            return;
        load->answered = true;
        ++load->finished;
        if (read) {
            for (const QString& text : read->warnings)
                emit warning(u"%1: %2"_s.arg(repository, text));
            for (const QString& text : read->alarms)
                emit alarm(text);
            emit repositoryLoaded(read->repository);
        } else {
            emit repositoryFailed(repository, read.errorMessage());
        }
        emit progressChanged(load->finished, static_cast<int>(load->repositories.size()));
        if (load->finished == load->repositories.size()) {
            m_loading = false;
            m_load.reset();
            emit finished(false);
            return;
        }
        readMore(load);
    };
    if (HistoryThread* history = m_history())
        return history->start<BoardRead>(this, std::move(work), std::move(done));
    work(nullptr, Error{}, this, [this, done](Result<BoardRead> read) {
        // Answered from the event loop, as the history thread's answers are.
        QMetaObject::invokeMethod(
            this, [done, read = std::move(read)]() mutable { done(std::move(read)); },
            Qt::QueuedConnection);
    });
}

} // namespace berth
