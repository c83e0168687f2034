// The history store against SQLite (a file in a temporary directory) and a real
// PostgreSQL (BERTH_TEST_POSTGRES_URL, started by scripts/test): every test runs on
// both, each on a fresh database.

#include "TestDatabases.h"
#include "TestMain.h"

#include "history/HistorySchema.h"
#include "history/HistoryStore.h"
#include "history/SqlManifestCache.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QUrl>

#include <memory>
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

    void foreignFilesAreRefusedUntouched_data() {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("sql");
        QTest::newRow("text file")
            << QByteArray("name,amount\nalice,3\n").repeated(50) << QString();
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

    void readOnlyFileIsRefusedUntouched() {
        const QString path = m_dir->filePath(u"history.sqlite"_s);
        {
            HistoryStore store;
            QVERIFY(store.open(path));
            QVERIFY(store.recordObservations(kRegistry, kRepository, {{u"v1"_s, kDigestA}}, at(1),
                                             u"test"_s));
        }
        const FileSnapshot before = snapshot(path);
        QFile::setPermissions(path, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther);
        QFile::setPermissions(m_dir->path(), QFile::ReadOwner | QFile::ExeOwner | QFile::ReadGroup |
                                                 QFile::ExeGroup | QFile::ReadOther |
                                                 QFile::ExeOther);
        // Root writes anything regardless of permissions: there, berthctl runs as nobody.
        QProcess process;
        QStringList command{QStringLiteral(BERTHCTL_PATH),  u"history"_s, u"--db"_s, path,
                            kRegistry + u'/' + kRepository, u"v1"_s};
        if (geteuid() == 0) {
            if (!QFileInfo(u"/usr/bin/setpriv"_s).isExecutable())
                QSKIP("running as root and setpriv (util-linux) is missing to drop privileges");
            command =
                QStringList{u"--reuid=65534"_s, u"--regid=65534"_s, u"--clear-groups"_s} + command;
            process.start(u"/usr/bin/setpriv"_s, command);
        } else {
            process.start(command.takeFirst(), command);
        }
        QVERIFY(process.waitForFinished(30000));
        const QString errors = QString::fromUtf8(process.readAllStandardError());
        QFile::setPermissions(m_dir->path(),
                              QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        // setpriv exits 126/127 when nobody cannot reach berthctl (a build under /root).
        if (geteuid() == 0 && (process.exitCode() == 126 || process.exitCode() == 127))
            QSKIP(qPrintable(u"the unprivileged user cannot run berthctl: "_s + errors));
        QCOMPARE(process.exitCode(), 3);
        QVERIFY2(errors.contains(u"read-only"_s) && errors.contains(path), qPrintable(errors));
        QVERIFY(snapshot(path) == before);
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
