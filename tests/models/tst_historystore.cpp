// The history store against SQLite (a file in a temporary directory) and a real
// PostgreSQL (BERTH_TEST_POSTGRES_URL, started by scripts/test): every test runs on
// both, each on a fresh database.

#include "TestDatabases.h"
#include "TestMain.h"

#include "history/HistorySchema.h"
#include "history/HistoryStore.h"
#include "history/SqlManifestCache.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QScopeGuard>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>
#include <QUrl>

#include <memory>
#include <pwd.h>
#include <unistd.h>
#include <vector>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

const QString kRegistry = u"127.0.0.1:5000"_s;
const QString kRepository = u"acme/payment-api"_s;
const QString kDigestA = u"sha256:"_s + QString(64, u'a');
const QString kDigestB = u"sha256:"_s + QString(64, u'b');
const QString kDigestC = u"sha256:"_s + QString(64, u'c');

QDateTime at(int hour, int minute = 0) {
    return QDateTime(QDate(2026, 5, 1), QTime(hour, minute), Qt::UTC);
}

// Runs statements on a connection of the test's own, outside the store under test.

struct FileSnapshot {
    QByteArray sha;
    QDateTime modified;
    bool operator==(const FileSnapshot&) const = default;
};

FileSnapshot snapshot(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return {QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256),
            QFileInfo(path).lastModified()};
}

} // namespace

class TestHistoryStore : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_skip;
    TestDatabases m_databases;

    // Adds one row per backend; PostgreSQL rows skip at run time when no server is given.
    static void addBackends() { TestDatabases::addBackendColumn(); }

    // A fresh, empty database of the backend; empty (and m_skip says why) when unavailable.
    QString freshLocation(const QString& backend) {
        return m_databases.freshLocation(backend, m_dir->filePath(u"history.sqlite"_s), &m_skip);
    }

private slots:
    void initTestCase() { m_databases.createPostgres(u"historystore"_s); }
    void cleanupTestCase() { m_databases.dropPostgres(); }
    void init() {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }
    void cleanup() { m_dir.reset(); }

    // Another process midway through a write on the file (here Python's sqlite3 holding a
    // write transaction open, as a second Berth creating the schema would): opening waits for
    // it instead of failing at once with "database is locked".
    void aWriteInProgressElsewhereIsWaitedFor() {
        const QString path = m_dir->filePath(u"shared.sqlite"_s);
        QProcess writer;
        writer.start(u"python3"_s, {u"-c"_s,
                                    u"import sqlite3, sys, time\n"
                                    u"c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
                                    u"c.execute('BEGIN IMMEDIATE')\n"
                                    u"print('holding', flush=True)\n"
                                    u"time.sleep(0.8)\n"
                                    u"c.execute('COMMIT')\n"_s,
                                    path});
        if (!writer.waitForStarted())
            QSKIP("python3 is not available here");
        QVERIFY(writer.waitForReadyRead(10000));
        QCOMPARE(writer.readLine().trimmed(), QByteArray("holding"));
        QElapsedTimer waited;
        waited.start();
        HistoryStore store;
        const Status opened = store.open(path);
        QVERIFY2(opened, qPrintable(opened.errorMessage()));
        QVERIFY2(waited.elapsed() >= 300, "opened while the other write was still under way");
        QVERIFY(writer.waitForFinished(10000));
        QCOMPARE(writer.exitCode(), 0);
        QVERIFY(store.recordObservations(u"localhost:5000"_s, u"acme/app"_s,
                                         {{u"v1"_s, u"sha256:"_s + QString(64, u'a')}},
                                         QDateTime::currentDateTimeUtc(), u"test"_s));
    }

    void migratesFromEmpty_data() { addBackends(); }
    void migratesFromEmpty() {
        QFETCH(QString, backend);
        const QString location = freshLocation(backend);
        if (location.isEmpty())
            QSKIP(qPrintable(m_skip));
        {
            HistoryStore store;
            const Status opened = store.open(location);
            QVERIFY2(opened.ok(), qPrintable(opened.errorMessage()));
            QCOMPARE(store.schemaVersion(), schema::kLatestVersion);
            QCOMPARE(store.location().isPostgres(), backend == u"postgresql"_s);
            QVERIFY(store.recordObservations(kRegistry, kRepository, {{u"v1"_s, kDigestA}}, at(1),
                                             u"test"_s));
        }
        // Opening an up-to-date database again changes nothing and loses nothing.
        HistoryStore again;
        QVERIFY2(again.open(location).ok(), "reopening failed");
        QCOMPARE(again.schemaVersion(), schema::kLatestVersion);
        QCOMPARE(again.tagHistory(kRegistry, kRepository, u"v1"_s)->size(), 1);
        if (backend == u"sqlite"_s)
            QVERIFY2(QFileInfo::exists(location + u"-wal"_s), "not in WAL mode");
    }

    void tagMovesAddRowsAndUnchangedTagsBumpLastSeen_data() { addBackends(); }
    void tagMovesAddRowsAndUnchangedTagsBumpLastSeen() {
        QFETCH(QString, backend);
        const QString location = freshLocation(backend);
        if (location.isEmpty())
            QSKIP(qPrintable(m_skip));
        HistoryStore store;
        QVERIFY2(store.open(location).ok(), "open failed");

        auto record = [&store](const QMap<QString, QString>& tags, const QDateTime& when) {
            return store.recordObservations(kRegistry, kRepository, tags, when, u"tester"_s);
        };
        Result<RecordSummary> first =
            record({{u"production"_s, kDigestA}, {u"staging"_s, kDigestB}}, at(1));
        QVERIFY2(first.ok(), qPrintable(first.errorMessage()));
        QCOMPARE(first->newPositions, 2);
        Result<RecordSummary> second =
            record({{u"production"_s, kDigestA}, {u"staging"_s, kDigestB}}, at(2));
        QCOMPARE(second->newPositions, 0);
        QCOMPARE(second->unchanged, 2);
        QCOMPARE(record({{u"production"_s, kDigestC}}, at(3))->newPositions, 1);
        // Back to the first build: a third position, not a revived first one.
        QCOMPARE(record({{u"production"_s, kDigestA}}, at(4))->newPositions, 1);
        // Another repository with the same tag stays apart.
        QVERIFY(store.recordObservations(kRegistry, u"acme/other"_s, {{u"production"_s, kDigestB}},
                                         at(5), u"tester"_s));

        const Result<QList<TagPosition>> history =
            store.tagHistory(kRegistry, kRepository, u"production"_s);
        QVERIFY2(history.ok(), qPrintable(history.errorMessage()));
        QCOMPARE(history->size(), 3);
        QCOMPARE(history->at(0).digest, kDigestA);
        QCOMPARE(history->at(0).firstSeen, at(4));
        QCOMPARE(history->at(1).digest, kDigestC);
        QCOMPARE(history->at(1).lastSeen, at(3));
        QCOMPARE(history->at(2).digest, kDigestA);
        QCOMPARE(history->at(2).firstSeen, at(1));
        QCOMPARE(history->at(2).lastSeen, at(2));
        QCOMPARE(history->at(2).observedBy, u"tester"_s);

        const Result<QList<TagPosition>> staging =
            store.tagHistory(kRegistry, kRepository, u"staging"_s);
        QCOMPARE(staging->size(), 1);
        QCOMPARE(staging->first().firstSeen, at(1));
        QCOMPARE(staging->first().lastSeen, at(2));

        const Result<QList<TagPosition>> all = store.positionsOfRepository(kRegistry, kRepository);
        QCOMPARE(all->size(), 4);
        QCOMPARE(all->at(0).tag, u"production"_s);
        QCOMPARE(all->at(3).tag, u"staging"_s);
    }

    void twoStoresOnOneDatabaseSeeEachOther_data() { addBackends(); }
    void twoStoresOnOneDatabaseSeeEachOther() {
        QFETCH(QString, backend);
        const QString location = freshLocation(backend);
        if (location.isEmpty())
            QSKIP(qPrintable(m_skip));
        HistoryStore one;
        HistoryStore two;
        QVERIFY(one.open(location));
        QVERIFY(two.open(location));
        for (int i = 0; i < 20; ++i) {
            HistoryStore& store = i % 2 ? two : one;
            const QString digest = i % 3 ? kDigestA : kDigestB;
            QVERIFY(store.recordObservations(kRegistry, kRepository, {{u"latest"_s, digest}},
                                             at(1, i), u"store"_s));
        }
        // Digests go B A A B A A ...: a new row whenever it differs from the last one.
        QCOMPARE(one.tagHistory(kRegistry, kRepository, u"latest"_s)->size(), 14);
    }

    // One store per thread, as Qt requires; every write must land despite the contention.
    void concurrentWritersFromThreadsLoseNothing_data() { addBackends(); }
    void concurrentWritersFromThreadsLoseNothing() {
        QFETCH(QString, backend);
        const QString location = freshLocation(backend);
        if (location.isEmpty())
            QSKIP(qPrintable(m_skip));
        {
            HistoryStore creator; // the schema exists before the race begins
            QVERIFY(creator.open(location));
        }
        constexpr int kThreads = 4;
        constexpr int kMoves = 40;
        QStringList problems[kThreads];
        std::vector<std::unique_ptr<QThread>> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back(QThread::create([&location, &problems, t] {
                HistoryStore store;
                if (const Status opened = store.open(location); !opened)
                    return problems[t].append(opened.errorMessage());
                for (int i = 0; i < kMoves; ++i) {
                    const Result<RecordSummary> recorded = store.recordObservations(
                        kRegistry, kRepository,
                        {{u"shared"_s, i % 2 ? kDigestA : kDigestB},
                         {u"tag-%1"_s.arg(t), i % 2 ? kDigestA : kDigestB}},
                        at(1, i), u"thread"_s);
                    if (!recorded)
                        problems[t].append(recorded.errorMessage());
                }
            }));
            threads.back()->start();
        }
        for (const auto& thread : threads)
            QVERIFY(thread->wait(120000));
        for (const QStringList& list : problems)
            QVERIFY2(list.isEmpty(), qPrintable(list.join(u'\n')));
        HistoryStore store;
        QVERIFY(store.open(location));
        for (int t = 0; t < kThreads; ++t)
            QCOMPARE(store.tagHistory(kRegistry, kRepository, u"tag-%1"_s.arg(t))->size(), kMoves);
    }

    void actionsGoFromPendingToFinished_data() { addBackends(); }
    void actionsGoFromPendingToFinished() {
        QFETCH(QString, backend);
        const QString location = freshLocation(backend);
        if (location.isEmpty())
            QSKIP(qPrintable(m_skip));
        HistoryStore store;
        QVERIFY(store.open(location));

        Action promote;
        promote.registry = kRegistry;
        promote.repository = kRepository;
        promote.tag = u"production"_s;
        promote.fromDigest = kDigestA;
        promote.toDigest = kDigestB;
        promote.kind = ActionKind::Promote;
        promote.transport = u"registry"_s;
        promote.reason = u"passed QA"_s;
        promote.time = at(9);
        const Result<qint64> first = store.beginAction(promote);
        QVERIFY2(first.ok(), qPrintable(first.errorMessage()));
        Action rollback = promote;
        rollback.kind = ActionKind::Rollback;
        rollback.repository = u"acme/other"_s;
        rollback.time = at(10);
        const Result<qint64> second = store.beginAction(rollback);
        QVERIFY(second.ok());
        QVERIFY(second.value() > first.value());
        QCOMPARE(store.pendingActions()->size(), 2);

        QVERIFY(store.finishAction(first.value(), ActionState::Succeeded));
        QVERIFY(store.finishAction(second.value(), ActionState::Failed, u"401 Unauthorized"_s));
        QVERIFY2(!store.finishAction(first.value(), ActionState::Failed).ok(),
                 "a finished action was finished again");
        QCOMPARE(store.pendingActions()->size(), 0);

        const Result<QList<Action>> all = store.actions();
        QCOMPARE(all->size(), 2);
        QCOMPARE(all->at(0).id, second.value()); // newest first
        QCOMPARE(all->at(0).state, ActionState::Failed);
        QCOMPARE(all->at(0).error, u"401 Unauthorized"_s);
        QCOMPARE(all->at(0).kind, ActionKind::Rollback);
        const Action& done = all->at(1);
        QCOMPARE(done.state, ActionState::Succeeded);
        QCOMPARE(done.time, at(9));
        QVERIFY(done.finished.isValid());
        QCOMPARE(done.fromDigest, kDigestA);
        QCOMPARE(done.reason, u"passed QA"_s);
        QVERIFY(!done.user.isEmpty());
        QVERIFY(!done.host.isEmpty());
        ActionFilter filter;
        filter.registry = kRegistry;
        filter.repository = kRepository;
        QCOMPARE(store.actions(filter)->size(), 1);
    }

    void verdictsArePerEnvironmentAndReplaced_data() { addBackends(); }
    void verdictsArePerEnvironmentAndReplaced() {
        QFETCH(QString, backend);
        const QString location = freshLocation(backend);
        if (location.isEmpty())
            QSKIP(qPrintable(m_skip));
        HistoryStore store;
        QVERIFY(store.open(location));
        Verdict verdict{kRegistry,         kRepository, kDigestA,   u"production"_s,
                        VerdictKind::Good, at(1),       u"alice"_s, u"ok"_s};
        QVERIFY(store.setVerdict(verdict));
        verdict.verdict = VerdictKind::Bad;
        verdict.time = at(2);
        verdict.reason = u"500s after deploy"_s;
        QVERIFY(store.setVerdict(verdict));
        verdict.environment = u"staging"_s;
        verdict.verdict = VerdictKind::Good;
        verdict.time = at(1);
        QVERIFY(store.setVerdict(verdict));

        const Result<QList<Verdict>> list = store.verdicts(kRegistry, kRepository);
        QVERIFY2(list.ok(), qPrintable(list.errorMessage()));
        QCOMPARE(list->size(), 2);
        QCOMPARE(list->at(0).environment, u"production"_s);
        QCOMPARE(list->at(0).verdict, VerdictKind::Bad);
        QCOMPARE(list->at(0).reason, u"500s after deploy"_s);
        QCOMPARE(list->at(1).verdict, VerdictKind::Good);
    }

    void manifestCacheKeepsExactBytes_data() { addBackends(); }
    void manifestCacheKeepsExactBytes() {
        QFETCH(QString, backend);
        const QString location = freshLocation(backend);
        if (location.isEmpty())
            QSKIP(qPrintable(m_skip));
        HistoryStore store;
        QVERIFY(store.open(location));
        SqlManifestCache cache(store);
        const QByteArray config =
            "{\"created\":\"2026-01-02T03:04:05Z\",\"os\":\"linux\",\"architecture\":"
            "\"amd64\",\"config\":{\"Labels\":{\"git.commit\":\"a3f2c8d\"}}}";
        const QString configDigest = u"sha256:"_s + QString(64, u'f');
        // Odd spacing and non-UTF-8 tail bytes: what comes back must be exactly what went in.
        const QByteArray manifest = "{ \"schemaVersion\": 2, \"mediaType\": \"" +
                                    MediaTypes::OciManifest.toLatin1() +
                                    "\", \"config\": {\"digest\": \"" + configDigest.toLatin1() +
                                    "\", \"size\": 100}, \"layers\": []}   \xff\x01";
        QVERIFY(!cache.manifest(kDigestA).has_value());
        cache.storeManifest({kDigestA, MediaTypes::OciManifest, manifest});
        cache.storeManifest({kDigestA, MediaTypes::OciManifest, "ignored: immutable"});
        cache.storeConfig(configDigest, config);
        QVERIFY2(cache.problems().isEmpty(), qPrintable(cache.problems().join(u'\n')));

        const std::optional<ManifestBlob> back = cache.manifest(kDigestA);
        QVERIFY(back.has_value());
        QCOMPARE(back->bytes, manifest);
        QCOMPARE(back->mediaType, MediaTypes::OciManifest);
        QCOMPARE(cache.config(configDigest).value_or(QByteArray()), config);
        QVERIFY(!cache.config(kDigestB).has_value());
    }

    void newerSchemaIsRefusedUntouched_data() { addBackends(); }
    void newerSchemaIsRefusedUntouched() {
        QFETCH(QString, backend);
        const QString location = freshLocation(backend);
        if (location.isEmpty())
            QSKIP(qPrintable(m_skip));
        {
            HistoryStore store;
            QVERIFY(store.open(location));
        }
        QCOMPARE(runRaw(location, {u"UPDATE schema_version SET version = %1"_s.arg(
                                      schema::kLatestVersion + 1)}),
                 QString());
        const FileSnapshot before = backend == u"sqlite"_s ? snapshot(location) : FileSnapshot{};
        HistoryStore store;
        const Status opened = store.open(location);
        QVERIFY(!opened.ok());
        QCOMPARE(opened.error().code, HistoryStore::kSchemaTooNew);
        QVERIFY2(opened.errorMessage().contains(u"newer"_s), qPrintable(opened.errorMessage()));
        QVERIFY2(opened.errorMessage().contains(HistoryLocation::parse(location)->display()),
                 qPrintable(opened.errorMessage()));
        QVERIFY(!store.isOpen());
        if (backend == u"sqlite"_s)
            QVERIFY2(snapshot(location) == before, "the newer database was modified");
    }

    void theWindowAndBerthctlDefaultToOneFile() {
        // Files are made and removed where the default points: never a person's own.
        QVERIFY(QStandardPaths::isTestModeEnabled());
        const QDir data(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation));
        const QString shared = data.filePath(u"berth/history.sqlite"_s);
        const QString windowsEarlier = data.filePath(u"berth/berth/history.sqlite"_s);
        const auto removeBoth = qScopeGuard([&] {
            QFile::remove(shared);
            QFile::remove(windowsEarlier);
        });
        QFile::remove(shared);
        QFile::remove(windowsEarlier);
        const QString organization = QCoreApplication::organizationName();
        for (const QString& name : {u""_s, u"berth"_s}) { // berthctl names none, the window one
            QCoreApplication::setOrganizationName(name);
            QCOMPARE(HistoryLocation::defaultSqlitePath(), shared);
        }
        QCoreApplication::setOrganizationName(organization);
        // A window's history from before, alone: used where it is.
        QVERIFY(QDir().mkpath(QFileInfo(windowsEarlier).path()));
        QFile earlier(windowsEarlier);
        QVERIFY(earlier.open(QIODevice::WriteOnly));
        earlier.close();
        QCOMPARE(HistoryLocation::defaultSqlitePath(), windowsEarlier);
        QFile sharedFile(shared);
        QVERIFY(sharedFile.open(QIODevice::WriteOnly));
        sharedFile.close();
        QCOMPARE(HistoryLocation::defaultSqlitePath(), shared);
    }

    void foreignFilesAreRefusedUntouched_data() {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("sql");
        QTest::newRow("text file")
            << QByteArray("name,amount\nalice,3\n").repeated(50) << QString();
        QTest::newRow("short text file") << QByteArray("hello\n") << QString();
        QTest::newRow("another program's sqlite")
            << QByteArray() << u"CREATE TABLE customers (id INTEGER, name TEXT)"_s;
    }
    void foreignFilesAreRefusedUntouched() {
        QFETCH(QByteArray, content);
        QFETCH(QString, sql);
        const QString path = m_dir->filePath(u"precious.db"_s);
        if (!content.isEmpty()) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(content);
        } else {
            QCOMPARE(runRaw(path, {sql}), QString());
        }
        const FileSnapshot before = snapshot(path);
        HistoryStore store;
        const Status opened = store.open(path);
        QVERIFY(!opened.ok());
        QCOMPARE(opened.error().code, HistoryStore::kNotBerthDatabase);
        QVERIFY2(opened.errorMessage().contains(path), qPrintable(opened.errorMessage()));
        QVERIFY2(opened.errorMessage().contains(u"untouched"_s), qPrintable(opened.errorMessage()));
        QVERIFY(snapshot(path) == before);
        QVERIFY(!QFileInfo::exists(path + u"-wal"_s));
    }

    // Root writes anything regardless of permissions: there, berthctl runs as nobody.
    // Returns the exit code, or -1 with *skip set when nobody cannot run berthctl here.
    static int ctlAsUnprivileged(const QStringList& arguments, QString* errors, QString* skip) {
        QProcess process;
        QStringList command = QStringList{QStringLiteral(BERTHCTL_PATH)} + arguments;
        if (geteuid() == 0) {
            if (!QFileInfo(u"/usr/bin/setpriv"_s).isExecutable()) {
                *skip = u"running as root and setpriv (util-linux) is missing"_s;
                return -1;
            }
            command =
                QStringList{u"--reuid=65534"_s, u"--regid=65534"_s, u"--clear-groups"_s} + command;
            process.start(u"/usr/bin/setpriv"_s, command);
        } else {
            process.start(command.takeFirst(), command);
        }
        if (!process.waitForFinished(30000))
            return -2;
        *errors =
            QString::fromUtf8(process.readAllStandardError() + process.readAllStandardOutput());
        // setpriv exits 126/127 when nobody cannot reach berthctl (a build under /root).
        if (geteuid() == 0 && (process.exitCode() == 126 || process.exitCode() == 127)) {
            *skip = u"the unprivileged user cannot run berthctl: "_s + *errors;
            return -1;
        }
        return process.exitCode();
    }

    void readOnlyDatabaseServesReadsAndRefusesWrites_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("expected"); // in stdout + stderr
        const QString repository = kRegistry + u'/' + kRepository;
        QTest::newRow("history") << QStringList{u"history"_s, repository, u"v1"_s} << 0 << kDigestA;
        QTest::newRow("audit") << QStringList{u"audit"_s, repository} << 0 << u"production"_s;
        QTest::newRow("record") << QStringList{u"record"_s, repository} << 3 << u"read-only"_s;
    }
    void readOnlyDatabaseServesReadsAndRefusesWrites() {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        QFETCH(QString, expected);
        const QString path = m_dir->filePath(u"history.sqlite"_s);
        {
            HistoryStore store;
            QVERIFY(store.open(path));
            QVERIFY(store.recordObservations(kRegistry, kRepository, {{u"v1"_s, kDigestA}}, at(1),
                                             u"test"_s));
            Action action;
            action.registry = kRegistry;
            action.repository = kRepository;
            action.tag = u"production"_s;
            action.toDigest = kDigestA;
            action.transport = u"registry"_s;
            QVERIFY(store.finishAction(store.beginAction(action).value(), ActionState::Succeeded));
        } // the last connection closes: no -wal or -shm is left beside the file
        QVERIFY(!QFileInfo::exists(path + u"-shm"_s));
        const FileSnapshot before = snapshot(path);
        QFile::setPermissions(path, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther);
        QFile::setPermissions(m_dir->path(), QFile::ReadOwner | QFile::ExeOwner | QFile::ReadGroup |
                                                 QFile::ExeGroup | QFile::ReadOther |
                                                 QFile::ExeOther);
        QString output;
        QString skip;
        const int exit =
            ctlAsUnprivileged(arguments + QStringList{u"--db"_s, path}, &output, &skip);
        QFile::setPermissions(m_dir->path(),
                              QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        if (exit == -1)
            QSKIP(qPrintable(skip));
        QVERIFY2(exit == exitCode, qPrintable(u"exit %1: %2"_s.arg(exit).arg(output)));
        QVERIFY2(output.contains(expected), qPrintable(output));
        if (exitCode != 0)
            QVERIFY2(output.contains(path), qPrintable(output));
        QVERIFY(snapshot(path) == before);
        QVERIFY(!QFileInfo::exists(path + u"-wal"_s));
    }

    void damagedDatabaseIsReadButNeverWritten() {
        const QString path = m_dir->filePath(u"history.sqlite"_s);
        {
            HistoryStore store;
            QVERIFY(store.open(path));
            QVERIFY(store.recordObservations(kRegistry, kRepository, {{u"v1"_s, kDigestA}}, at(1),
                                             u"test"_s));
        }
        // Damage one page nothing reads for a tag's history: the pending-actions index.
        int rootPage = 0;
        int pageSize = 0;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"inspect"_s);
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(u"SELECT rootpage FROM sqlite_master WHERE name = "
                               u"'actions_by_state'"_s) &&
                    query.next());
            rootPage = query.value(0).toInt();
            QVERIFY(query.exec(u"PRAGMA page_size"_s) && query.next());
            pageSize = query.value(0).toInt();
            query.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(u"inspect"_s);
        QVERIFY(rootPage > 1 && pageSize > 0);
        {
            QFile file(path); // no connection is open in this process now
            QVERIFY(file.open(QIODevice::ReadWrite));
            QVERIFY(file.seek(qint64(rootPage - 1) * pageSize));
            file.write(QByteArray(pageSize, '\xff'));
        }
        const FileSnapshot before = snapshot(path);

        HistoryStore store;
        const Status opened = store.open(path);
        QVERIFY2(opened, qPrintable(opened.errorMessage()));
        QVERIFY(store.writeRefusal());
        QCOMPARE(store.writeRefusal()->code, HistoryStore::kDamaged);
        const QString message = store.writeRefusal()->message;
        QVERIFY2(message.contains(path) && message.contains(u".recover"_s) &&
                     message.contains(u"cp '"_s),
                 qPrintable(message));
        const Result<QList<TagPosition>> read = store.tagHistory(kRegistry, kRepository, u"v1"_s);
        QVERIFY2(read, qPrintable(read.errorMessage()));
        QCOMPARE(read->size(), 1);
        const Result<RecordSummary> recorded = store.recordObservations(
            kRegistry, kRepository, {{u"v1"_s, kDigestB}}, at(2), u"test"_s);
        QVERIFY(!recorded);
        QCOMPARE(recorded.error().code, HistoryStore::kDamaged);
        Action action;
        action.registry = kRegistry;
        action.repository = kRepository;
        action.tag = u"production"_s;
        action.toDigest = kDigestA;
        QCOMPARE(store.beginAction(action).error().code, HistoryStore::kDamaged);
        QCOMPARE(store
                     .setVerdict({kRegistry,
                                  kRepository,
                                  kDigestA,
                                  u"production"_s,
                                  VerdictKind::Bad,
                                  at(3),
                                  {},
                                  u"broken"_s})
                     .error()
                     .code,
                 HistoryStore::kDamaged);
        store.close();
        QVERIFY2(snapshot(path) == before, "the damaged database was written to");

        // berthctl: reads with a warning, writes refused as a precondition.
        QProcess history;
        history.start(QStringLiteral(BERTHCTL_PATH),
                      {u"history"_s, u"--db"_s, path, kRegistry + u'/' + kRepository, u"v1"_s});
        QVERIFY(history.waitForFinished(30000));
        QCOMPARE(history.exitCode(), 0);
        QVERIFY(history.readAllStandardOutput().contains(kDigestA.toLatin1()));
        QVERIFY(history.readAllStandardError().contains("damaged"));
        QProcess record;
        record.start(QStringLiteral(BERTHCTL_PATH),
                     {u"record"_s, u"--db"_s, path, kRegistry + u'/' + kRepository});
        QVERIFY(record.waitForFinished(30000));
        QCOMPARE(record.exitCode(), 3);
        QVERIFY(record.readAllStandardError().contains(".recover"));
        QVERIFY2(snapshot(path) == before, "berthctl wrote to the damaged database");
    }

    void actorIsNamedEvenWithoutLoginVariables_data() {
        QTest::addColumn<QByteArray>("berthActor");
        QTest::addColumn<QString>("override");
        QTest::addColumn<QString>("expected"); // empty: the account of the effective uid
        QTest::newRow("account") << QByteArray() << QString() << QString();
        QTest::newRow("BERTH_ACTOR")
            << QByteArray("https://ci.example/job/7") << QString() << u"https://ci.example/job/7"_s;
        QTest::newRow("override beats BERTH_ACTOR")
            << QByteArray("from-environment") << u"release-bot"_s << u"release-bot"_s;
    }
    void actorIsNamedEvenWithoutLoginVariables() {
        QFETCH(QByteArray, berthActor);
        QFETCH(QString, override);
        QFETCH(QString, expected);
        const passwd* account = getpwuid(geteuid());
        QVERIFY(account);
        if (expected.isEmpty())
            expected = QString::fromLocal8Bit(account->pw_name);
        QHash<QByteArray, QByteArray> saved;
        for (const char* name : {"USER", "LOGNAME", "USERNAME", "BERTH_ACTOR"}) {
            saved.insert(name, qgetenv(name));
            qunsetenv(name);
        }
        if (!berthActor.isEmpty())
            qputenv("BERTH_ACTOR", berthActor);
        setActorOverride(override);
        const QString login = currentLoginName();
        const QString actor = currentActor();
        HistoryStore store;
        QVERIFY(store.open(m_dir->filePath(u"history.sqlite"_s)));
        Action action;
        action.registry = kRegistry;
        action.repository = kRepository;
        action.tag = u"production"_s;
        action.toDigest = kDigestA;
        const Result<qint64> id = store.beginAction(action);
        setActorOverride({});
        for (auto it = saved.cbegin(); it != saved.cend(); ++it) {
            if (!it.value().isEmpty())
                qputenv(it.key().constData(), it.value());
        }
        QCOMPARE(login, QString::fromLocal8Bit(account->pw_name));
        QCOMPARE(actor, expected);
        QVERIFY(id);
        QCOMPARE(store.actions()->first().user, expected);
    }

    void passwordInUrlIsRefusedWithoutEchoingIt() {
        HistoryStore store;
        const Status opened = store.open(u"postgresql://berth:s3cret-pw@127.0.0.1:1/berth"_s);
        QVERIFY(!opened.ok());
        QVERIFY(opened.errorMessage().contains(u"pgpass"_s));
        QVERIFY2(!opened.errorMessage().contains(u"s3cret"_s), "the password leaked");
    }
};

BERTH_TEST_MAIN(TestHistoryStore)
#include "tst_historystore.moc"
