// Several processes on one history at once, as the window and berthctl share it: this
// process holds a HistoryStore open and writes through it (the window), opens a second
// store each round (the window's loader thread does, per repository load), while real
// berthctl processes record, promote and read the same database against a real
// registry. Nothing may be lost, and SQLite's -wal and -shm must never be deleted from
// under a connection that still uses them.

#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "TestDatabases.h"
#include "TestMain.h"

#include "history/HistoryStore.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <memory>
#include <sys/stat.h>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

const QString kRepository = u"acme/shared"_s;
// Long enough for several rounds of overlapping processes, short enough for CI.
constexpr qint64 kRunForMs = 4000;
constexpr int kMinRounds = 3;
constexpr int kMaxRounds = 12;

QJsonObject image(const QStringList& tags, const QString& seed) {
    return QJsonObject{{u"tags"_s, QJsonArray::fromStringList(tags)},  {u"format"_s, u"oci"_s},
                       {u"created"_s, u"2026-01-02T03:04:05Z"_s},      {u"labels"_s, QJsonObject{}},
                       {u"platforms"_s, QJsonArray{u"linux/amd64"_s}}, {u"layerSeed"_s, seed}};
}

// Descriptors of this process whose file was unlinked while open: the kernel shows
// them as "<path> (deleted)".
QStringList deletedFilesHeldOpen(const QString& prefix) {
    QStringList deleted;
    const QDir fds(u"/proc/self/fd"_s);
    for (const QString& fd : fds.entryList(QDir::Files | QDir::System | QDir::NoDotAndDotDot)) {
        const QString target = QFileInfo(fds.filePath(fd)).symLinkTarget();
        if (target.startsWith(prefix) && target.endsWith(u" (deleted)"_s))
            deleted.append(target);
    }
    return deleted;
}

ino_t inodeOf(const QString& path) {
    struct stat info {};
    return ::stat(QFile::encodeName(path).constData(), &info) == 0 ? info.st_ino : 0;
}

struct Run {
    QString what;
    int exitCode = -1;
    QByteArray out;
    QString err;
};

} // namespace

class TestHistoryConcurrency : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<RegistryServer> m_server;
    TestDatabases m_databases;
    QStringList m_digests;

    QString repository() const { return m_server->hostPort() + u'/' + kRepository; }

    QProcess* startCtl(const QStringList& arguments, const QString& location) {
        auto* process = new QProcess(this);
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"DOCKER_CONFIG"_s, m_dir->path()); // anonymous, not the developer's
        process->setProcessEnvironment(environment);
        process->setProperty("what", arguments.mid(0, 4).join(u' '));
        process->start(QStringLiteral(BERTHCTL_PATH), arguments + QStringList{u"--db"_s, location});
        return process;
    }

    static Run finish(QProcess* process) {
        Run run;
        run.what = process->property("what").toString();
        if (process->waitForFinished(120000) && process->exitStatus() == QProcess::NormalExit)
            run.exitCode = process->exitCode();
        run.out = process->readAllStandardOutput();
        run.err = QString::fromUtf8(process->readAllStandardError());
        process->deleteLater();
        return run;
    }

private slots:
    void initTestCase() { m_databases.createPostgres(u"historyconcurrency"_s); }
    void cleanupTestCase() { m_databases.dropPostgres(); }
    void init() {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }
    void cleanup() {
        m_server.reset();
        m_dir.reset();
    }

    void berthctlBesideAnOpenStoreLosesNothing_data() { TestDatabases::addBackendColumn(); }
    void berthctlBesideAnOpenStoreLosesNothing() {
        QFETCH(QString, backend);
        QString skip;
        const QString location =
            m_databases.freshLocation(backend, m_dir->filePath(u"history.sqlite"_s), &skip);
        if (location.isEmpty())
            QSKIP(qPrintable(skip));
        if (const QString missing = RegistryServer::unavailableReason({}); !missing.isEmpty())
            QSKIP(qPrintable(missing));
        m_server = std::make_unique<RegistryServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        QString error;
        const QJsonObject seeded = RegistrySeeder::seed(
            *m_server,
            {{u"repository"_s, kRepository},
             {u"images"_s, QJsonArray{image({u"v1.0.0"_s, u"dev"_s}, u"a"_s),
                                      image({u"v1.1.0"_s, u"staging"_s}, u"b"_s),
                                      image({u"v1.2.0"_s, u"production"_s}, u"c"_s)}}},
            &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        for (const QJsonValue& entry : seeded.value(u"images"_s).toArray())
            m_digests.append(entry.toObject().value(u"digest"_s).toString());
        const QStringList versions{u"v1.0.0"_s, u"v1.1.0"_s, u"v1.2.0"_s};
        const bool sqlite = backend == u"sqlite"_s;

        HistoryStore window;
        QVERIFY2(window.open(location), qPrintable(window.open(location).errorMessage()));
        QSet<qint64> written; // every action id any process reported writing
        auto writeThroughWindow = [&](int round) {
            Action action;
            action.registry = m_server->hostPort();
            action.repository = kRepository;
            action.tag = u"window-%1"_s.arg(round);
            action.toDigest = m_digests[round % 3];
            action.kind = ActionKind::MarkGood;
            action.transport = u"registry"_s;
            const Result<qint64> id = window.beginAction(action);
            if (!id)
                return id.errorMessage();
            written.insert(id.value());
            const Status finished = window.finishAction(id.value(), ActionState::Succeeded);
            return finished ? QString() : finished.errorMessage();
        };
        QCOMPARE(writeThroughWindow(0), QString());
        const Run first = finish(startCtl({u"record"_s, repository()}, location));
        QVERIFY2(first.exitCode == 0, qPrintable(first.err));
        const QString wal = location + u"-wal"_s;
        const ino_t walInode = sqlite ? inodeOf(wal) : 0;
        if (sqlite)
            QVERIFY2(walInode != 0, "the open store has no -wal file");

        QElapsedTimer clock;
        clock.start();
        int rounds = 0;
        while (rounds < kMaxRounds && (rounds < kMinRounds || clock.elapsed() < kRunForMs)) {
            ++rounds;
            QCOMPARE(writeThroughWindow(rounds), QString());
            {
                // A repository load: the window's loader opens a store of its own.
                HistoryStore loader;
                QVERIFY2(loader.open(location), "the loader's store did not open");
                QVERIFY(loader.positionsOfRepository(m_server->hostPort(), kRepository));
            }
            // Each promote moves its tag to a build other than the one it is on.
            QList<QProcess*> processes{
                startCtl({u"record"_s, repository()}, location),
                startCtl({u"history"_s, repository(), u"dev"_s}, location),
                startCtl({u"promote"_s, repository(), versions[(rounds + 1) % 3], u"dev"_s,
                          u"--yes"_s, u"--json"_s},
                         location),
                startCtl({u"promote"_s, repository(), versions[(rounds + 2) % 3], u"staging"_s,
                          u"--yes"_s, u"--json"_s},
                         location),
                startCtl({u"audit"_s, repository()}, location),
            };
            for (QProcess* process : processes) {
                const Run run = finish(process);
                QVERIFY2(run.exitCode == 0, qPrintable(u"round %1, %2: exit %3: %4"_s.arg(rounds)
                                                           .arg(run.what)
                                                           .arg(run.exitCode)
                                                           .arg(run.err)));
                if (run.what.startsWith(u"promote"_s)) {
                    const QJsonObject outcome = QJsonDocument::fromJson(run.out).object();
                    QVERIFY2(!outcome.value(u"alreadyThere"_s).toBool(), run.out.constData());
                    QVERIFY2(outcome.value(u"actionId"_s).toInteger() > 0, run.out.constData());
                    written.insert(outcome.value(u"actionId"_s).toInteger());
                }
            }
            if (sqlite) {
                const QStringList deleted = deletedFilesHeldOpen(location);
                QVERIFY2(deleted.isEmpty(),
                         qPrintable(u"round %1: unlinked while open: "_s.arg(rounds) +
                                    deleted.join(u", "_s)));
                QCOMPARE(inodeOf(wal), walInode);
            }
        }
        QCOMPARE(writeThroughWindow(rounds + 1), QString());
        QVERIFY(rounds >= kMinRounds);

        ActionFilter filter;
        filter.registry = m_server->hostPort();
        filter.repository = kRepository;
        const Result<QList<Action>> actions = window.actions(filter);
        QVERIFY2(actions, qPrintable(actions.errorMessage()));
        QSet<qint64> present;
        for (const Action& action : actions.value()) {
            present.insert(action.id);
            QCOMPARE(action.state, ActionState::Succeeded);
        }
        QCOMPARE(present, written);
        // The window's own rows, plus two promotions a round.
        QCOMPARE(written.size(), (rounds + 2) + 2 * rounds);
        window.close();

        if (sqlite) {
            QString integrity;
            {
                QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"integrity"_s);
                db.setDatabaseName(location);
                QVERIFY(db.open());
                QSqlQuery check(db);
                QVERIFY(check.exec(u"PRAGMA integrity_check"_s));
                while (check.next())
                    integrity += check.value(0).toString();
                check.finish();
                db.close();
            }
            QSqlDatabase::removeDatabase(u"integrity"_s);
            QCOMPARE(integrity, u"ok"_s);
        }
    }
};

BERTH_TEST_MAIN(TestHistoryConcurrency)
#include "tst_historyconcurrency.moc"
