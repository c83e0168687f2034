// The window's board loader against a real docker-registry on loopback and a real SQLite
// history on its own thread: twenty repositories paint from the history before the registry
// answers, then refresh a few at a time asking only what can have moved; a cancelled load
// says nothing more; a catalog project lists its repositories, and a registry that refuses
// its catalog (as Docker Hub does) still shows a project of named repositories. The board
// state marks an environment moved outside Berth, not one Berth moved.

#include "AsyncWait.h"
#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "TestMain.h"

#include "board/BoardLoader.h"
#include "board/BoardState.h"
#include "history/HistoryAccess.h"
#include "history/HistoryStore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

constexpr int kRepositories = 20;

QJsonArray releaseImages(const QString& service) {
    return {RegistrySeeder::image({u"v1.0.0"_s, u"production"_s}, service + u"-1"_s),
            RegistrySeeder::image({u"v1.0.1"_s}, service + u"-hotfix"_s),
            RegistrySeeder::image({u"v1.1.0"_s, u"staging"_s}, service + u"-2"_s)};
}

const BoardCell* cellIn(const BoardRow& row, const QString& environment) {
    for (const BoardCell& cell : row.cells) {
        if (cell.environment == environment)
            return &cell;
    }
    return nullptr;
}

} // namespace

class TestBoardLoader : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<RegistryServer> m_server;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<HistoryThread> m_history;
    QStringList m_repositories;

    BoardLoader::HistoryFor historyFor() {
        return [this] { return m_history.get(); };
    }

    QString historyFile() const { return m_dir->filePath(u"history.sqlite"_s); }

    RegistryOptions options() const {
        RegistryOptions options;
        options.dockerConfigDir = m_dir->path(); // no config.json: anonymous
        return options;
    }

    bool seed(const QString& path, const QJsonArray& images) {
        return RegistrySeeder::seedRepository(*m_server, path, images);
    }

    // Every repository read once, as `loader` answers them (in the order they arrive).
    static QList<LoadedRepository> loadAll(BoardLoader& loader, const QStringList& repositories,
                                           const RegistryOptions& options) {
        QList<LoadedRepository> loaded;
        QMetaObject::Connection connection = QObject::connect(
            &loader, &BoardLoader::repositoryLoaded,
            [&loaded](const LoadedRepository& repository) { loaded.append(repository); });
        QSignalSpy finished(&loader, &BoardLoader::finished);
        loader.load(repositories, options);
        if (!finished.wait(60000))
            qWarning("the board load did not finish");
        QObject::disconnect(connection);
        return loaded;
    }

private slots:
    void init() {
        const QString missing = RegistryServer::unavailableReason({});
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        m_server = std::make_unique<RegistryServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_history = std::make_unique<HistoryThread>(historyFile());
        m_repositories.clear();
        for (int i = 1; i <= kRepositories; ++i) {
            const QString path = u"shop/service-%1"_s.arg(i, 2, 10, QChar(u'0'));
            QVERIFY(seed(path, releaseImages(path)));
            m_repositories.append(m_server->hostPort() + u'/' + path);
        }
    }

    void cleanup() {
        m_history.reset();
        m_server.reset();
        m_dir.reset();
    }

    void paintsFromTheHistoryFirstThenRefreshesWhatCanMove() {
        {
            BoardLoader first(historyFor());
            QSignalSpy restored(&first, &BoardLoader::restored);
            const QList<LoadedRepository> loaded = loadAll(first, m_repositories, options());
            QCOMPARE(loaded.size(), kRepositories);
            QCOMPARE(restored.size(), 0); // nothing was in the history yet
            for (const LoadedRepository& repository : loaded)
                QVERIFY(repository.collection.fromHistory.isEmpty()); // every tag asked
        }
        BoardLoader again(historyFor());
        QStringList events; // "restored" and each repository's read, in the order they came
        QList<LoadedRepository> lastSeen;
        connect(&again, &BoardLoader::restored, this,
                [&events, &lastSeen](const QList<LoadedRepository>& repositories) {
                    events.append(u"restored"_s);
                    lastSeen = repositories;
                });
        QSignalSpy progress(&again, &BoardLoader::progressChanged);
        const QList<LoadedRepository> loaded = [&] {
            connect(&again, &BoardLoader::repositoryLoaded, this,
                    [&events](const LoadedRepository&) { events.append(u"loaded"_s); });
            return loadAll(again, m_repositories, options());
        }();
        QCOMPARE(loaded.size(), kRepositories);
        QVERIFY2(!events.isEmpty() && events.first() == u"restored"_s,
                 qPrintable(events.join(u' ')));
        QCOMPARE(events.count(u"restored"_s), 1);
        QCOMPARE(lastSeen.size(), kRepositories);
        QVERIFY(lastSeen.first().isFromHistory());
        // Progress per repository, ending at all of them.
        QCOMPARE(progress.last().at(0).toInt(), kRepositories);
        QCOMPARE(progress.last().at(1).toInt(), kRepositories);
        // Warm: the release tags just checked come from the history, but for the rolling
        // sweep's share (one of three); environments are always asked.
        for (const LoadedRepository& repository : loaded) {
            const QStringList& rested = repository.collection.fromHistory;
            QVERIFY2(rested.size() == 2, qPrintable(rested.join(u' ')));
            for (const QString& tag : rested)
                QVERIFY2(tag.startsWith(u"v1."_s), qPrintable(tag));
        }
        BoardState state;
        state.reset(m_repositories, {u"dev"_s, u"staging"_s, u"production"_s});
        for (const LoadedRepository& repository : loaded)
            state.show(repository);
        QCOMPARE(state.rows().size(), kRepositories);
        QVERIFY(state.columns().contains(u"production"_s));
        const BoardCell* production = cellIn(state.row(m_repositories.first()), u"production"_s);
        QVERIFY(production);
        QCOMPARE(production->version, u"v1.0.0"_s);
        QCOMPARE(production->upstream, u"staging"_s);
    }

    void marksAnEnvironmentMovedOutsideBerth() {
        BoardLoader loader(historyFor());
        BoardState state;
        state.reset(m_repositories, {u"dev"_s, u"staging"_s, u"production"_s});
        for (const LoadedRepository& repository : loadAll(loader, m_repositories, options()))
            state.show(repository);

        // service-01's production is retagged by hand; service-02's by a release Berth
        // audited (its row written through a connection of the test's own).
        QVERIFY(seed(u"shop/service-01"_s,
                     {RegistrySeeder::image({u"production"_s}, u"shop/service-01-hotfix"_s)}));
        QString error;
        const QJsonObject moved = RegistrySeeder::seed(
            *m_server,
            {{u"repository"_s, u"shop/service-02"_s},
             {u"images"_s,
              QJsonArray{RegistrySeeder::image({u"production"_s}, u"shop/service-02-hotfix"_s)}}},
            &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        {
            HistoryStore store;
            QVERIFY(store.open(historyFile()).ok());
            Action action;
            action.registry = m_server->hostPort();
            action.repository = u"shop/service-02"_s;
            action.tag = u"production"_s;
            action.toDigest = moved[u"images"_s][0][u"digest"_s].toString();
            action.transport = u"registry"_s;
            const Result<qint64> id = store.beginAction(action);
            QVERIFY(id.ok());
            QVERIFY(store.finishAction(id.value(), ActionState::Succeeded).ok());
        }
        for (const LoadedRepository& repository : loadAll(loader, m_repositories, options()))
            state.show(repository);
        const BoardCell* byHand = cellIn(state.row(m_repositories.at(0)), u"production"_s);
        const BoardCell* byBerth = cellIn(state.row(m_repositories.at(1)), u"production"_s);
        const BoardCell* untouched = cellIn(state.row(m_repositories.at(2)), u"production"_s);
        QVERIFY(byHand && byBerth && untouched);
        QCOMPARE(byHand->version, u"v1.0.1"_s);
        QVERIFY(byHand->movedOutsideBerth);
        QVERIFY(!byBerth->movedOutsideBerth);
        QVERIFY(!untouched->movedOutsideBerth);
        QVERIFY(boardCellText(*byHand).contains(u"moved outside Berth"_s));
    }

    void aReleaseOverwrittenIsAnAlarm() {
        BoardLoader loader(historyFor());
        QCOMPARE(loadAll(loader, m_repositories.mid(2, 1), options()).size(), 1);
        QVERIFY(seed(u"shop/service-03"_s,
                     {RegistrySeeder::image({u"v1.0.0"_s}, u"shop/service-03-rebuilt"_s)}));
        QSignalSpy alarms(&loader, &BoardLoader::alarm);
        QSignalSpy finished(&loader, &BoardLoader::finished);
        loader.load(m_repositories.mid(2, 1), options(), RefreshRule{.full = true});
        QVERIFY(finished.wait(60000));
        QCOMPARE(alarms.size(), 1);
        QVERIFY2(
            alarms.first().at(0).toString().contains(u"shop/service-03:v1.0.0 was overwritten"_s),
            qPrintable(alarms.first().at(0).toString()));
        // Said once: the history now knows where it points.
        loader.load(m_repositories.mid(2, 1), options(), RefreshRule{.full = true});
        QVERIFY(finished.wait(60000));
        QCOMPARE(alarms.size(), 1);
    }

    void aCancelledLoadSaysNothingMore() {
        BoardLoader loader(historyFor());
        QSignalSpy loaded(&loader, &BoardLoader::repositoryLoaded);
        QSignalSpy finished(&loader, &BoardLoader::finished);
        loader.load(m_repositories, options());
        QVERIFY(loader.isLoading());
        loader.cancel();
        QVERIFY(!loader.isLoading());
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.first().at(0).toBool(), true);
        QTest::qWait(1000);
        QCOMPARE(loaded.size(), 0);
        QCOMPARE(finished.size(), 1);
        // The next load works as ever.
        QCOMPARE(loadAll(loader, m_repositories.mid(0, 3), options()).size(), 3);
    }

    void aCatalogProjectListsItsRepositories() {
        QVERIFY(seed(u"other/tool"_s, {RegistrySeeder::image({u"production"_s}, u"tool"_s)}));
        BoardLoader loader(historyFor());
        QSignalSpy listed(&loader, &BoardLoader::repositoriesListed);
        QSignalSpy loaded(&loader, &BoardLoader::repositoryLoaded);
        QSignalSpy finished(&loader, &BoardLoader::finished);
        const Result<Project> project =
            Project::fromText(u"shop"_s, m_server->hostPort() + u"/shop/"_s);
        QVERIFY2(project.ok(), qPrintable(project.errorMessage()));
        loader.loadProject(project.value(), options());
        QVERIFY(finished.wait(60000));
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed.first().at(0).toStringList(), m_repositories);
        QCOMPARE(loaded.size(), kRepositories);
    }

    void aRegistryWithoutACatalogTakesNamedRepositories() {
        RegistryServer::Options serverOptions;
        serverOptions.auth = RegistryServer::Auth::Token;
        serverOptions.catalogDenied = true;
        const QString missing = RegistryServer::unavailableReason(serverOptions);
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        RegistryServer hub(serverOptions);
        QVERIFY2(hub.start(), qPrintable(hub.errorString()));
        for (const QString& path : {u"team/api"_s, u"team/web"_s})
            QVERIFY(RegistrySeeder::seedRepository(hub, path, releaseImages(path)));
        RegistryOptions login = options();
        const QByteArray auth =
            (serverOptions.username + u':' + serverOptions.password).toUtf8().toBase64();
        QFile config(m_dir->filePath(u"config.json"_s));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(
            QJsonDocument(
                QJsonObject{{u"auths"_s,
                             QJsonObject{{hub.hostPort(),
                                          QJsonObject{{u"auth"_s, QString::fromLatin1(auth)}}}}}})
                .toJson());
        config.close();

        BoardLoader loader(historyFor());
        QSignalSpy failed(&loader, &BoardLoader::projectFailed);
        QSignalSpy finished(&loader, &BoardLoader::finished);
        loader.loadProject(Project::fromText(u"team"_s, hub.hostPort() + u"/team/"_s).value(),
                           login);
        QVERIFY(finished.wait(60000));
        QCOMPARE(failed.size(), 1);
        QVERIFY2(failed.first().at(0).toString().contains(u"named one by one"_s),
                 qPrintable(failed.first().at(0).toString()));

        const Result<Project> named = Project::fromText(
            u"team"_s, hub.hostPort() + u"/team/api, "_s + hub.hostPort() + u"/team/web"_s);
        QVERIFY2(named.ok(), qPrintable(named.errorMessage()));
        QVERIFY(!named->usesCatalog());
        QList<LoadedRepository> loaded;
        connect(&loader, &BoardLoader::repositoryLoaded, this,
                [&loaded](const LoadedRepository& repository) { loaded.append(repository); });
        loader.loadProject(named.value(), login);
        QVERIFY(finished.wait(60000));
        QCOMPARE(loaded.size(), 2);
        BoardState state;
        state.reset(named->repositories, {u"dev"_s, u"staging"_s, u"production"_s});
        for (const LoadedRepository& repository : loaded)
            state.show(repository);
        QCOMPARE(cellIn(state.row(named->repositories.at(1)), u"staging"_s)->version, u"v1.1.0"_s);
    }
};

BERTH_TEST_MAIN(TestBoardLoader)
#include "tst_boardloader.moc"
