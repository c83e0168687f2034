// The window's loader and its history database: a history that could not be opened is
// tried again on the next load, so one bad moment does not leave the window without
// history, promote and rollback until it restarts.

#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "TestMain.h"

#include "history/HistoryStore.h"
#include "timeline/RepositoryLoader.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

class TestRepositoryLoader : public QObject {
    Q_OBJECT

private slots:
    void aHistoryThatFailedToOpenIsTriedAgainOnTheNextLoad() {
        const QString missing = RegistryServer::unavailableReason({});
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        RegistryServer server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        const QJsonObject image{{u"tags"_s, QJsonArray{u"v1.0.0"_s, u"production"_s}},
                                {u"format"_s, u"oci"_s},
                                {u"created"_s, u"2026-01-02T03:04:05Z"_s},
                                {u"labels"_s, QJsonObject{}},
                                {u"platforms"_s, QJsonArray{u"linux/amd64"_s}},
                                {u"layerSeed"_s, u"one"_s}};
        QString error;
        RegistrySeeder::seed(
            server, {{u"repository"_s, u"acme/api"_s}, {u"images"_s, QJsonArray{image}}}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));

        // The history's path is taken by a folder: opening it fails.
        QTemporaryDir dir;
        const QString location = dir.filePath(u"history.sqlite"_s);
        QVERIFY(QDir().mkpath(location));
        RepositoryLoader loader;
        loader.setHistoryLocation(location);
        QSignalSpy warnings(&loader, &RepositoryLoader::warning);
        QSignalSpy finished(&loader, &RepositoryLoader::finished);
        const QString repository = server.hostPort() + u"/acme/api"_s;
        loader.load(repository, {});
        QVERIFY(finished.wait(30000));
        QVERIFY(!loader.historyFacts(u"production"_s));
        bool said = false;
        for (const QList<QVariant>& warning : std::as_const(warnings))
            said |= warning.first().toString().contains(u"is not a file"_s);
        QVERIFY2(said, "the banner does not say what failed");

        // The folder is gone: the next load opens the history and records into it.
        QVERIFY(QDir(location).removeRecursively());
        loader.load(repository, {});
        QVERIFY(finished.wait(30000));
        const std::optional<RollbackFacts> facts = loader.historyFacts(u"production"_s);
        QVERIFY(facts);
        QCOMPARE(facts->history.size(), 1);
        HistoryStore reader; // of its own: what was stored, not what the loader holds
        QVERIFY(reader.open(location));
        const Result<QList<TagPosition>> production =
            reader.tagHistory(server.hostPort(), u"acme/api"_s, u"production"_s);
        QVERIFY(production);
        QCOMPARE(production->size(), 1);
    }
};

BERTH_TEST_MAIN(TestRepositoryLoader)
#include "tst_repositoryloader.moc"
