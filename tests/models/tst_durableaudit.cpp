// The audit's writes survive a power cut, and writes grouped in one durable transaction
// commit together, each undone alone when it fails. Against SQLite (a temporary file) and
// a real PostgreSQL (BERTH_TEST_POSTGRES_URL); the disk-sync check watches the real
// system calls with strace attached to this process.

#include "TestDatabases.h"
#include "TestMain.h"

#include "history/HistoryStore.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <memory>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

const QString kRegistry = u"127.0.0.1:5000"_s;
const QString kRepository = u"acme/payment-api"_s;
const QString kDigestA = u"sha256:"_s + QString(64, u'a');
const QString kDigestB = u"sha256:"_s + QString(64, u'b');

Action promotion(const QString& tag) {
    Action action;
    action.registry = kRegistry;
    action.repository = kRepository;
    action.tag = tag;
    action.fromDigest = kDigestA;
    action.toDigest = kDigestB;
    action.kind = ActionKind::Promote;
    action.transport = u"registry"_s;
    return action;
}

// strace attached to this process for the lifetime of the object, counting the calls
// that make a write reach the disk.
class DiskSyncWatch {
public:
    bool start(QString* problem) {
        const QString strace = QStandardPaths::findExecutable(u"strace"_s);
        if (strace.isEmpty()) {
            *problem = u"strace is not installed (scripts/install-deps installs it)"_s;
            return false;
        }
        m_log = m_dir.filePath(u"syncs.log"_s);
        m_strace.setProcessChannelMode(QProcess::MergedChannels);
        m_strace.start(strace, {u"-f"_s, u"-e"_s, u"trace=fsync,fdatasync,sync_file_range"_s,
                                u"-o"_s, m_log, u"-p"_s, QString::number(::getpid())});
        // strace says "Process N attached" once it traces us; before that, calls are missed.
        while (m_strace.waitForReadyRead(5000)) {
            m_output += m_strace.readAll();
            if (m_output.contains("attached"))
                return true;
        }
        *problem = u"strace could not attach: "_s + QString::fromUtf8(m_output);
        return false;
    }
    // Stops tracing and returns the number of sync calls seen.
    int stop() {
        m_strace.terminate();
        m_strace.waitForFinished(10000);
        QFile log(m_log);
        if (!log.open(QIODevice::ReadOnly))
            return -1;
        int syncs = 0;
        for (const QByteArray& line : log.readAll().split('\n')) {
            if (line.contains("sync") && !line.contains("resumed>") && !line.contains("---"))
                ++syncs;
        }
        return syncs;
    }

private:
    QTemporaryDir m_dir;
    QString m_log;
    QProcess m_strace;
    QByteArray m_output;
};

} // namespace

class TestDurableAudit : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_skip;
    TestDatabases m_databases;

    QString freshLocation(const QString& backend) {
        return m_databases.freshLocation(backend, m_dir->filePath(u"history.sqlite"_s), &m_skip);
    }

private slots:
    void initTestCase() { m_databases.createPostgres(u"durableaudit"_s); }
    void cleanupTestCase() { m_databases.dropPostgres(); }
    void init() {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }
    void cleanup() { m_dir.reset(); }

    // A second pending row for the same tag is refused by the database itself; inside a
    // durable transaction that refusal must not take the first row with it (PostgreSQL
    // aborts a whole transaction on one failed statement unless a savepoint holds it).
    void aRefusedWriteInsideDurablyIsUndoneAlone_data() { TestDatabases::addBackendColumn(); }
    void aRefusedWriteInsideDurablyIsUndoneAlone() {
        QFETCH(QString, backend);
        const QString location = freshLocation(backend);
        if (location.isEmpty())
            QSKIP(qPrintable(m_skip));
        HistoryStore store;
        QVERIFY(store.open(location));

        Result<qint64> first = Error::make(u"not run"_s);
        Result<qint64> second = Error::make(u"not run"_s);
        Result<RecordSummary> recorded = Error::make(u"not run"_s);
        const Status committed = store.durably(u"test"_s, [&]() -> Status {
            first = store.beginAction(promotion(u"production"_s));
            second = store.beginAction(promotion(u"production"_s));
            recorded = store.recordObservations(kRegistry, kRepository,
                                                {{u"production"_s, kDigestB}}, {}, u"test"_s);
            return success();
        });
        QVERIFY2(committed.ok(), qPrintable(committed.errorMessage()));
        QVERIFY2(first.ok(), qPrintable(first.errorMessage()));
        QVERIFY(!second.ok());
        QCOMPARE(second.error().code, HistoryStore::kActionInProgress);
        QVERIFY2(recorded.ok(), qPrintable(recorded.errorMessage()));

        const Result<QList<Action>> pending = store.pendingActions();
        QVERIFY(pending.ok());
        QCOMPARE(pending->size(), 1);
        QCOMPARE(pending->first().id, first.value());
        QCOMPARE(store.tagHistory(kRegistry, kRepository, u"production"_s)->size(), 1);
    }

    void nothingCommitsWhenTheBodyFails_data() { TestDatabases::addBackendColumn(); }
    void nothingCommitsWhenTheBodyFails() {
        QFETCH(QString, backend);
        const QString location = freshLocation(backend);
        if (location.isEmpty())
            QSKIP(qPrintable(m_skip));
        HistoryStore store;
        QVERIFY(store.open(location));

        const Status committed = store.durably(u"test"_s, [&]() -> Status {
            if (const Result<qint64> id = store.beginAction(promotion(u"staging"_s)); !id)
                return id.error();
            return Error::make(u"the registry said no"_s);
        });
        QVERIFY(!committed.ok());
        QCOMPARE(committed.errorMessage(), u"the registry said no"_s);
        QCOMPARE(store.actions()->size(), 0);
        // The store is usable afterwards: no transaction was left open.
        QVERIFY(store.beginAction(promotion(u"staging"_s)).ok());
        QCOMPARE(store.actions()->size(), 1);
    }

    // SQLite in WAL mode with synchronous=NORMAL commits without waiting for the disk; a
    // power cut may take the last commits back. Observations may be lost that way (the
    // next refresh sees them again), audit rows never.
    void auditCommitsWaitForTheDiskObservationsDoNot() {
        const QString location = m_dir->filePath(u"history.sqlite"_s);
        HistoryStore store;
        QVERIFY(store.open(location));
        // The first write creates the WAL file, which syncs the directory: not measured.
        QVERIFY(store.recordObservations(kRegistry, kRepository, {{u"dev"_s, kDigestA}}, {},
                                         u"test"_s));

        QString problem;
        DiskSyncWatch observations;
        if (!observations.start(&problem))
            QSKIP(qPrintable(problem));
        QVERIFY(store.recordObservations(kRegistry, kRepository, {{u"staging"_s, kDigestA}}, {},
                                         u"test"_s));
        QCOMPARE(observations.stop(), 0);

        DiskSyncWatch audit;
        QVERIFY2(audit.start(&problem), qPrintable(problem));
        const Result<qint64> id = store.beginAction(promotion(u"production"_s));
        QVERIFY(id.ok());
        const int afterBegin = audit.stop();
        QVERIFY2(afterBegin >= 1, qPrintable(u"%1 sync calls"_s.arg(afterBegin)));

        DiskSyncWatch finish;
        QVERIFY2(finish.start(&problem), qPrintable(problem));
        QVERIFY(store.finishAction(id.value(), ActionState::Succeeded));
        const int afterFinish = finish.stop();
        QVERIFY2(afterFinish >= 1, qPrintable(u"%1 sync calls"_s.arg(afterFinish)));

        // Back to NORMAL for what follows.
        DiskSyncWatch later;
        QVERIFY2(later.start(&problem), qPrintable(problem));
        QVERIFY(store.recordObservations(kRegistry, kRepository, {{u"staging"_s, kDigestB}}, {},
                                         u"test"_s));
        QCOMPARE(later.stop(), 0);
    }
};

BERTH_TEST_MAIN(TestDurableAudit)
#include "tst_durableaudit.moc"
