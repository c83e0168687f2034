// berthctl's history commands end to end: a real docker-registry on loopback, the
// real berthctl binary, and the history on SQLite and on PostgreSQL
// (BERTH_TEST_POSTGRES_URL, started by scripts/test).

#include "HostileFixtures.h"
#include "HostileRegistry.h"
#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "TestDatabases.h"
#include "TestMain.h"

#include "history/HistorySchema.h"
#include "history/HistoryStore.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>
#include <pwd.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

const QString kRepository = u"acme/payment-api"_s;

QJsonObject image(const QStringList& tags, const QString& created, const QString& seed) {
    return QJsonObject{{u"tags"_s, QJsonArray::fromStringList(tags)},
                       {u"format"_s, u"oci"_s},
                       {u"created"_s, created},
                       {u"labels"_s, QJsonObject{}},
                       {u"platforms"_s, QJsonArray{u"linux/amd64"_s}},
                       {u"layerSeed"_s, seed}};
}

// Three builds, nine tags; `moves` re-points tags after pushing.
QJsonObject releaseSpec(const QJsonArray& moves = {}) {
    return QJsonObject{{u"repository"_s, kRepository},
                       {u"images"_s, QJsonArray{image({u"v1.0.0"_s, u"a3f2c8d"_s, u"dev"_s},
                                                      u"2026-01-02T03:04:05Z"_s, u"first"_s),
                                                image({u"v1.1.0"_s, u"staging"_s, u"latest"_s},
                                                      u"2026-02-03T04:05:06Z"_s, u"second"_s),
                                                image({u"v1.2.0"_s, u"production"_s, u"v1"_s},
                                                      u"2026-03-04T05:06:07Z"_s, u"third"_s)}},
                       {u"moves"_s, moves}};
}

struct Run {
    int exitCode = -1;
    QByteArray out;
    QString err;
};

// Runs statements on a connection of the test's own, outside the store under test.

} // namespace

class TestBerthctlHistory : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<RegistryServer> m_server;
    QString m_skip;
    TestDatabases m_databases;
    QStringList m_digests; // seeded images' digests, in spec order

    static void addBackends() { TestDatabases::addBackendColumn(); }

    QString freshLocation(const QString& backend) {
        return m_databases.freshLocation(backend, m_dir->filePath(u"history.sqlite"_s), &m_skip);
    }

    // Starts and seeds the registry; false with m_skip set when it cannot run here.
    bool startSeededRegistry() {
        const QString missing = RegistryServer::unavailableReason({});
        if (!missing.isEmpty()) {
            m_skip = missing;
            return false;
        }
        m_server = std::make_unique<RegistryServer>();
        if (!m_server->start()) {
            m_skip = u"the registry did not start: "_s + m_server->errorString();
            return false;
        }
        return seed(releaseSpec());
    }

    bool seed(const QJsonObject& spec) {
        QString error;
        const QJsonObject seeded = RegistrySeeder::seed(*m_server, spec, &error);
        if (!error.isEmpty()) {
            qWarning("seeding failed: %s", qPrintable(error));
            return false;
        }
        m_digests.clear();
        for (const QJsonValue& entry : seeded.value(u"images"_s).toArray())
            m_digests.append(entry.toObject().value(u"digest"_s).toString());
        return true;
    }

    QString repository() const { return m_server->hostPort() + u'/' + kRepository; }

    QProcess* startCtl(const QStringList& arguments, const QString& database = {}) {
        auto* process = new QProcess(this);
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"DOCKER_CONFIG"_s, m_dir->path()); // anonymous, not the developer's
        if (!database.isEmpty())
            environment.insert(u"BERTH_DATABASE"_s, database);
        process->setProcessEnvironment(environment);
        process->start(QStringLiteral(BERTHCTL_PATH), arguments);
        return process;
    }

    Run finish(QProcess* process) {
        Run run;
        if (process->waitForFinished(120000) && process->exitStatus() == QProcess::NormalExit)
            run.exitCode = process->exitCode();
        run.out = process->readAllStandardOutput();
        run.err = QString::fromUtf8(process->readAllStandardError());
        process->deleteLater();
        return run;
    }

    Run ctl(const QStringList& arguments, const QString& database = {}) {
        return finish(startCtl(arguments, database));
    }

private slots:
    void initTestCase() { m_databases.createPostgres(u"berthctlhistory"_s); }
    void cleanupTestCase() { m_databases.dropPostgres(); }
    void init() {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }
    void cleanup() {
        m_server.reset();
        m_dir.reset();
    }

    void anObservationOlderThanTheHistoryIsRefused() {
        const QString location = freshLocation(u"sqlite"_s);
        if (location.isEmpty() || !startSeededRegistry())
            QSKIP(qPrintable(m_skip));
        const QStringList db{u"--db"_s, location};
        const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
        QCOMPARE(ctl(QStringList{u"record"_s, repository(), u"--seen-at"_s, now} + db).exitCode, 0);
        QVERIFY(seed(releaseSpec({QJsonObject{{u"tag"_s, u"production"_s}, {u"toImage"_s, 0}}})));
        // Seen a day earlier than what the history already holds: it would pass for the
        // newest position of production and mislead a rollback.
        const QString yesterday = QDateTime::currentDateTimeUtc().addDays(-1).toString(Qt::ISODate);
        const Run late =
            ctl(QStringList{u"record"_s, repository(), u"--seen-at"_s, yesterday} + db);
        QCOMPARE(late.exitCode, 2);
        QVERIFY2(late.err.contains(u"older than the last observation"_s), qPrintable(late.err));
        const Run history =
            ctl(QStringList{u"history"_s, repository(), u"production"_s, u"--json"_s} + db);
        QCOMPARE(QJsonDocument::fromJson(history.out).array().size(), 1);
        // A later time is recorded as usual.
        const QString later = QDateTime::currentDateTimeUtc().addSecs(60).toString(Qt::ISODate);
        QCOMPARE(ctl(QStringList{u"record"_s, repository(), u"--seen-at"_s, later} + db).exitCode,
                 0);
        const Run after =
            ctl(QStringList{u"history"_s, repository(), u"production"_s, u"--json"_s} + db);
        QCOMPARE(QJsonDocument::fromJson(after.out).array().size(), 2);
    }

    void recordTwiceAroundAMoveShowsBothPositions_data() {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<bool>("viaEnvironment");
        QTest::newRow("sqlite --db") << u"sqlite"_s << false;
        QTest::newRow("sqlite BERTH_DATABASE") << u"sqlite"_s << true;
        QTest::newRow("postgresql --db") << u"postgresql"_s << false;
    }
    void recordTwiceAroundAMoveShowsBothPositions() {
        QFETCH(QString, backend);
        QFETCH(bool, viaEnvironment);
        const QString location = freshLocation(backend);
        if (location.isEmpty() || !startSeededRegistry())
            QSKIP(qPrintable(m_skip));
        const QStringList db = viaEnvironment ? QStringList() : QStringList{u"--db"_s, location};
        const QString environment = viaEnvironment ? location : QString();

        Run first = ctl(QStringList{u"record"_s, repository()} + db, environment);
        QVERIFY2(first.exitCode == 0, qPrintable(first.err));
        QVERIFY2(first.out.contains("9 new positions, 0 unchanged"), first.out.constData());

        QVERIFY(seed(releaseSpec({QJsonObject{{u"tag"_s, u"production"_s}, {u"toImage"_s, 0}}})));
        Run second = ctl(QStringList{u"record"_s, repository()} + db, environment);
        QVERIFY2(second.exitCode == 0, qPrintable(second.err));
        QVERIFY2(second.out.contains("1 new positions, 8 unchanged"), second.out.constData());

        Run history =
            ctl(QStringList{u"history"_s, repository(), u"production"_s, u"--json"_s} + db,
                environment);
        QVERIFY2(history.exitCode == 0, qPrintable(history.err));
        const QJsonArray positions = QJsonDocument::fromJson(history.out).array();
        QCOMPARE(positions.size(), 2);
        QCOMPARE(positions[0][u"digest"_s].toString(), m_digests[0]); // where it moved to
        QCOMPARE(positions[1][u"digest"_s].toString(), m_digests[2]); // where it was
        for (const QJsonValue& position : positions) {
            QVERIFY(QDateTime::fromString(position[u"firstSeen"_s].toString(), Qt::ISODateWithMs)
                        .isValid());
            QVERIFY(QDateTime::fromString(position[u"lastSeen"_s].toString(), Qt::ISODateWithMs)
                        .isValid());
        }
        QVERIFY(positions[0][u"firstSeen"_s].toString() >= positions[1][u"lastSeen"_s].toString());
        // Each digest with every tag the history has seen on it.
        QCOMPARE(positions[0][u"tags"_s].toArray(),
                 QJsonArray({u"a3f2c8d"_s, u"dev"_s, u"production"_s, u"v1.0.0"_s}));
        QCOMPARE(positions[1][u"tags"_s].toArray(),
                 QJsonArray({u"production"_s, u"v1"_s, u"v1.2.0"_s}));

        Run table = ctl(QStringList{u"history"_s, repository(), u"production"_s} + db, environment);
        QCOMPARE(table.exitCode, 0);
        QVERIFY(table.out.contains(QByteArray(m_digests[0].toLatin1() + "  a3f2c8d, dev, v1.0.0")));
        QVERIFY(table.out.contains(QByteArray(m_digests[2].toLatin1() + "  v1, v1.2.0")));
    }

    void secondBuildsRunGetsNoManifestOrConfig_data() { addBackends(); }
    void secondBuildsRunGetsNoManifestOrConfig() {
        QFETCH(QString, backend);
        const QString location = freshLocation(backend);
        if (location.isEmpty() || !startSeededRegistry())
            QSKIP(qPrintable(m_skip));
        const QStringList arguments{u"builds"_s, repository(), u"--json"_s, u"--db"_s, location};
        Run cold = ctl(arguments);
        QVERIFY2(cold.exitCode == 0, qPrintable(cold.err));
        // Probe, tag list, 9 HEADs, 3 manifests, 3 configs.
        QVERIFY(m_server->waitForRequestCount(int(m_server->requestLog().size())));
        const QStringList coldRequests = m_server->requestLog();
        QCOMPARE(coldRequests.filter(u"GET /v2/acme/payment-api/blobs/"_s).size(), 3);

        const int before = int(coldRequests.size());
        Run warm = ctl(arguments);
        QVERIFY2(warm.exitCode == 0, qPrintable(warm.err));
        // Probe, tag list and 9 HEADs: the whole warm refresh.
        QVERIFY(m_server->waitForRequestCount(before + 11));
        const QStringList requests = m_server->requestLog().mid(before);
        QCOMPARE(requests.filter(u"HEAD /v2/acme/payment-api/manifests/"_s).size(), 9);
        QVERIFY2(requests.filter(u"GET /v2/acme/payment-api/manifests/"_s).isEmpty(),
                 qPrintable(requests.join(u'\n')));
        QVERIFY2(requests.filter(u"GET /v2/acme/payment-api/blobs/"_s).isEmpty(),
                 qPrintable(requests.join(u'\n')));
        // The cache answers exactly what the registry did.
        QCOMPARE(QJsonDocument::fromJson(warm.out), QJsonDocument::fromJson(cold.out));
    }

    void concurrentRecordersLoseNothing_data() { addBackends(); }
    void concurrentRecordersLoseNothing() {
        QFETCH(QString, backend);
        const QString location = freshLocation(backend);
        if (location.isEmpty() || !startSeededRegistry())
            QSKIP(qPrintable(m_skip));
        constexpr int kProcesses = 4;
        QList<QProcess*> processes;
        for (int i = 0; i < kProcesses; ++i)
            processes.append(
                startCtl({u"record"_s, repository(), u"--json"_s, u"--db"_s, location}));
        int newPositions = 0;
        int unchanged = 0;
        for (QProcess* process : processes) {
            const Run run = finish(process);
            QVERIFY2(run.exitCode == 0, qPrintable(run.err));
            const QJsonObject summary = QJsonDocument::fromJson(run.out).object();
            newPositions += summary[u"newPositions"_s].toInt();
            unchanged += summary[u"unchanged"_s].toInt();
        }
        // Serialised, not lost: each tag is new exactly once, then seen unchanged.
        QCOMPARE(newPositions, 9);
        QCOMPARE(unchanged, 9 * (kProcesses - 1));
        HistoryStore store;
        QVERIFY(store.open(location));
        QCOMPARE(store.positionsOfRepository(m_server->hostPort(), kRepository)->size(), 9);
    }

    void pendingActionsAreReconciled_data() { addBackends(); }
    void pendingActionsAreReconciled() {
        QFETCH(QString, backend);
        const QString location = freshLocation(backend);
        if (location.isEmpty() || !startSeededRegistry())
            QSKIP(qPrintable(m_skip));
        qint64 landed = 0;
        qint64 lost = 0;
        qint64 young = 0;
        {
            HistoryStore store;
            QVERIFY(store.open(location));
            Action action;
            action.registry = m_server->hostPort();
            action.repository = kRepository;
            action.transport = u"registry"_s;
            action.tag = u"production"_s; // the registry shows it arrived
            action.toDigest = m_digests[2];
            landed = store.beginAction(action).value();
            action.tag = u"staging"_s; // an hour old and the tag is elsewhere: it failed
            action.toDigest = m_digests[0];
            action.time = QDateTime::currentDateTimeUtc().addSecs(-3600);
            lost = store.beginAction(action).value();
            action.tag = u"latest"_s; // just begun: maybe another process is still at it
            action.time = QDateTime::currentDateTimeUtc();
            young = store.beginAction(action).value();
        }
        Run record = ctl({u"record"_s, repository(), u"--json"_s, u"--db"_s, location});
        QVERIFY2(record.exitCode == 0, qPrintable(record.err));
        QCOMPARE(QJsonDocument::fromJson(record.out).object()[u"reconciledActions"_s].toInt(), 2);

        Run audit = ctl({u"audit"_s, repository(), u"--json"_s, u"--db"_s, location});
        QVERIFY2(audit.exitCode == 0, qPrintable(audit.err));
        QMap<qint64, QJsonObject> byId;
        for (const QJsonValue& entry : QJsonDocument::fromJson(audit.out).array())
            byId.insert(entry[u"id"_s].toInteger(), entry.toObject());
        QCOMPARE(byId.size(), 3);
        QCOMPARE(byId[landed][u"state"_s].toString(), u"succeeded"_s);
        QCOMPARE(byId[lost][u"state"_s].toString(), u"failed"_s);
        QVERIFY(byId[lost][u"error"_s].toString().contains(m_digests[1]));
        QCOMPARE(byId[young][u"state"_s].toString(), u"pending"_s);
        QCOMPARE(ctl({u"audit"_s, u"--db"_s, location}).exitCode, 0);
    }

    // Every manifest answer is a 500 (no retry wait: Retry-After 0), or only some are.
    void unreadTagsFailTheRun_data() {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("failing"); // "head-all", "head-one", "get-all"
        QTest::addColumn<bool>("allowPartial");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("summary");
        for (const QString& command : {u"record"_s, u"builds"_s}) {
            const QByteArray c = command.toLatin1();
            QTest::addRow("%s: every HEAD 500", c.constData())
                << command << u"head-all"_s << false << 1 << u"Read 0 of 2 tags"_s;
            QTest::addRow("%s: every HEAD 500, --allow-partial", c.constData())
                << command << u"head-all"_s << true << 1 << u"Read 0 of 2 tags"_s;
            QTest::addRow("%s: every manifest GET 500, --allow-partial", c.constData())
                << command << u"get-all"_s << true << 1 << u"Read 0 of 2 tags"_s;
            QTest::addRow("%s: one HEAD 500", c.constData())
                << command << u"head-one"_s << false << 1 << u"Read 1 of 2 tags"_s;
            QTest::addRow("%s: one HEAD 500, --allow-partial", c.constData())
                << command << u"head-one"_s << true << 0 << u"Read 1 of 2 tags"_s;
        }
    }
    void unreadTagsFailTheRun() {
        QFETCH(QString, command);
        QFETCH(QString, failing);
        QFETCH(bool, allowPartial);
        QFETCH(int, exitCode);
        QFETCH(QString, summary);
        HostileRegistry registry;
        QVERIFY(registry.listen());
        const QByteArray manifest = ImageManifest;
        const QByteArray digest =
            "sha256:" + QCryptographicHash::hash(manifest, QCryptographicHash::Sha256).toHex();
        const HeaderList headers{{"Content-Type", OciManifestType},
                                 {"Docker-Content-Digest", digest}};
        const HostileAnswer broken = HostileAnswer::json(
            500, R"({"errors":[{"code":"UNKNOWN","message":"storage backend down"}]})",
            {{"Retry-After", "0"}});
        registry.setAnswer("GET", TagsPath,
                           HostileAnswer::json(200, R"({"name":"acme/app","tags":["v1","v2"]})"));
        for (const QString& tag : {u"v1"_s, u"v2"_s}) {
            const bool headFails =
                failing == u"head-all"_s || (failing == u"head-one"_s && tag == u"v2"_s);
            registry.setAnswer("HEAD", manifestPath(tag),
                               headFails ? broken : HostileAnswer::json(200, manifest, headers));
        }
        registry.setAnswer("GET", manifestPath(QString::fromLatin1(digest)),
                           failing == u"get-all"_s ? broken
                                                   : HostileAnswer::json(200, manifest, headers));
        registry.setAnswer(
            "GET",
            u"/v2/acme/app/blobs/sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"_s,
            HostileAnswer::json(200, "{}"));
        QStringList arguments{command, registry.hostPort() + u"/acme/app"_s, u"--db"_s,
                              m_dir->filePath(u"history.sqlite"_s)};
        if (allowPartial)
            arguments << u"--allow-partial"_s;
        // The registry answers from this process's event loop: wait without blocking it.
        QProcess* process = startCtl(arguments);
        QSignalSpy finished(process, &QProcess::finished);
        QVERIFY(finished.wait(60000));
        QCOMPARE(process->exitStatus(), QProcess::NormalExit);
        const Run run{process->exitCode(), process->readAllStandardOutput(),
                      QString::fromUtf8(process->readAllStandardError())};
        QVERIFY2(run.exitCode == exitCode,
                 qPrintable(u"exit %1: %2"_s.arg(run.exitCode).arg(run.err)));
        QVERIFY2(run.err.contains(summary + u" of "_s + registry.hostPort() + u"/acme/app; "_s),
                 qPrintable(run.err));
        QVERIFY2(run.err.contains(failing == u"head-one"_s ? u"(first, v2: "_s : u"(first, v1: "_s),
                 qPrintable(run.err));
        QVERIFY2(run.err.contains(u"HTTP 500"_s), qPrintable(run.err));
    }

    void actionsNameTheirActor_data() {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QString>("berthActor");
        QTest::addColumn<QString>("expected"); // empty: the OS account of this process
        QTest::newRow("no USER or LOGNAME") << QStringList() << QString() << QString();
        QTest::newRow("BERTH_ACTOR")
            << QStringList() << u"https://ci.example/jobs/41"_s << u"https://ci.example/jobs/41"_s;
        QTest::newRow("--actor beats BERTH_ACTOR")
            << QStringList{u"--actor"_s, u"release-bot"_s} << u"https://ci.example/jobs/41"_s
            << u"release-bot"_s;
    }
    void actionsNameTheirActor() {
        QFETCH(QStringList, options);
        QFETCH(QString, berthActor);
        QFETCH(QString, expected);
        if (expected.isEmpty())
            expected = QString::fromLocal8Bit(getpwuid(geteuid())->pw_name);
        const QString location = freshLocation(u"sqlite"_s);
        if (!startSeededRegistry())
            QSKIP(qPrintable(m_skip));
        QVERIFY(ctl({u"record"_s, repository(), u"--db"_s, location}).exitCode == 0);
        auto* mark = new QProcess(this);
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"DOCKER_CONFIG"_s, m_dir->path());
        for (const QString& name : {u"USER"_s, u"LOGNAME"_s, u"USERNAME"_s, u"BERTH_ACTOR"_s})
            environment.remove(name);
        if (!berthActor.isEmpty())
            environment.insert(u"BERTH_ACTOR"_s, berthActor);
        mark->setProcessEnvironment(environment);
        mark->start(QStringLiteral(BERTHCTL_PATH),
                    QStringList{u"mark"_s, repository(), u"v1.1.0"_s, u"bad"_s, u"--env"_s,
                                u"production"_s, u"--reason"_s, u"500s"_s, u"--db"_s, location} +
                        options);
        const Run marked = finish(mark);
        QVERIFY2(marked.exitCode == 0, qPrintable(marked.err));

        const Run audit = ctl({u"audit"_s, repository(), u"--json"_s, u"--db"_s, location});
        QVERIFY2(audit.exitCode == 0, qPrintable(audit.err));
        const QJsonArray actions = QJsonDocument::fromJson(audit.out).array();
        QCOMPARE(actions.size(), 1);
        QCOMPARE(actions[0][u"user"_s].toString(), expected);
        // The digest with the tags it is known by.
        QCOMPARE(actions[0][u"toTags"_s].toArray(),
                 QJsonArray({u"latest"_s, u"staging"_s, u"v1.1.0"_s}));
        const Run table = ctl({u"audit"_s, repository(), u"--db"_s, location});
        QVERIFY2(table.out.contains("(latest, staging, v1.1.0)"), table.out.constData());
        QVERIFY2(table.out.contains(QByteArray(expected.toUtf8() + '@')), table.out.constData());
    }

    void refusedDatabaseExitsWithRefusedCode() {
        const QString path = m_dir->filePath(u"notes.txt"_s);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not a database\n");
        file.close();
        Run run =
            ctl({u"history"_s, u"localhost:5000/acme/app"_s, u"production"_s, u"--db"_s, path});
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains(path) && run.err.contains(u"not a Berth history database"_s),
                 qPrintable(run.err));
    }
};

BERTH_TEST_MAIN(TestBerthctlHistory)
#include "tst_berthctlhistory.moc"
