// The window never waits on the database: while another PostgreSQL session holds every
// history table in ACCESS EXCLUSIVE mode (a CI job migrating the shared history, say), the
// window refreshes a repository and confirms a promotion; its GUI thread keeps turning, and
// both finish, with nothing lost, once the lock is released.

#include "AsyncWait.h"
#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "TestDatabases.h"
#include "WidgetTestMain.h"
#include "WindowTestSupport.h"

#include "PromoteDialog.h"
#include "ReleaseActions.h"

#include "history/HistorySchema.h"
#include "history/HistoryStore.h"
#include "registry/RegistryClient.h"
#include "timeline/TimelineModel.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QPushButton>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

const QString kPath = u"acme/checkout"_s;
// Longer than any frame: a window that waited on the database for one round trip under a
// lock would show a gap of the whole lock.
constexpr qint64 kLongestGapMs = 100;

QJsonObject image(const QStringList& tags, const QString& seed) {
    return QJsonObject{{u"tags"_s, QJsonArray::fromStringList(tags)},
                       {u"format"_s, u"oci"_s},
                       {u"created"_s, u"2026-11-0%1T10:00:00Z"_s.arg(seed.size())},
                       {u"platforms"_s, QJsonArray{u"linux/amd64"_s}},
                       {u"layerSeed"_s, seed}};
}

// Measures the longest time the GUI thread's event loop went without turning.
class GuiThreadProbe : public QObject {
public:
    GuiThreadProbe() {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(5);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            m_longestGapMs = std::max(m_longestGapMs, m_sinceTick.restart());
            ++m_ticks;
        });
    }
    void start() {
        m_sinceTick.start();
        m_timer.start();
    }
    void stop() {
        m_longestGapMs = std::max(m_longestGapMs, m_sinceTick.elapsed());
        m_timer.stop();
    }
    qint64 longestGapMs() const { return m_longestGapMs; }
    int ticks() const { return m_ticks; }

private:
    QTimer m_timer;
    QElapsedTimer m_sinceTick;
    qint64 m_longestGapMs = 0;
    int m_ticks = 0;
};

// Another session on the same database, as psql or a migration job would hold it.
class OtherSession {
public:
    explicit OtherSession(const QString& url)
        : m_name(u"other-session"_s) {
        const HistoryLocation location = HistoryLocation::parse(url).value();
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, m_name);
        db.setHostName(location.host);
        db.setPort(location.port);
        db.setUserName(location.user);
        db.setDatabaseName(location.database);
        if (!db.open())
            m_problem = db.lastError().text();
    }
    ~OtherSession() {
        QSqlDatabase::database(m_name).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    // Runs one statement; the first error, if any.
    QString exec(const QString& statement) {
        if (!m_problem.isEmpty())
            return m_problem;
        QSqlQuery query(QSqlDatabase::database(m_name));
        if (!query.exec(statement))
            return statement + u": "_s + query.lastError().text();
        return {};
    }
    // How many lock requests on this database wait (Berth's, while this session holds).
    int waitingLocks() {
        QSqlQuery query(QSqlDatabase::database(m_name));
        if (!query.exec(u"SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = "
                        u"l.database WHERE NOT l.granted AND d.datname = current_database()"_s) ||
            !query.next())
            return -1;
        return query.value(0).toInt();
    }

private:
    QString m_name;
    QString m_problem;
};

} // namespace

class TestDatabaseLock : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<RegistryServer> m_server;
    QStringList m_digests; // as seeded: older, newer (production)
    TestDatabases m_databases;
    QTemporaryDir m_dir;

    QString headOf(const QString& tag) {
        RegistryClient client(m_server->hostPort());
        const auto head =
            waitForResult<ManifestHead>([&](QObject* context, Callback<ManifestHead> done) {
                client.headManifest(kPath, tag, context, done);
            });
        return head && head->ok() ? head->value().digest : QString();
    }

private slots:
    void initTestCase() {
        const RegistryServer::Options options;
        if (const QString missing = RegistryServer::unavailableReason(options); !missing.isEmpty())
            QSKIP(qPrintable(missing));
        m_databases.createPostgres(u"databaselock"_s);
        m_server = std::make_unique<RegistryServer>(options);
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        QString error;
        const QJsonObject seeded = RegistrySeeder::seed(
            *m_server,
            {{u"repository"_s, kPath},
             {u"images"_s, QJsonArray{image({u"v2.0.0"_s}, u"a"_s),
                                      image({u"v2.1.0"_s, u"production"_s}, u"bb"_s)}}},
            &error);
        QVERIFY2(!seeded.isEmpty(), qPrintable(error));
        for (const QJsonValue& value : seeded.value(u"images"_s).toArray())
            m_digests.append(value.toObject().value(u"digest"_s).toString());
        QCOMPARE(m_digests.size(), 2);
    }

    void cleanupTestCase() {
        m_server.reset();
        m_databases.dropPostgres();
    }

    void aLockedHistoryNeverFreezesTheWindow() {
        QString skip;
        const QString url =
            m_databases.freshLocation(u"postgresql"_s, m_dir.filePath(u"unused.sqlite"_s), &skip);
        if (url.isEmpty())
            QSKIP(qPrintable(skip));
        const auto window = openWindow(url, QSize(1200, 800));
        const QString repository = m_server->hostPort() + u'/' + kPath;
        QVERIFY(load(*window, repository));
        QCOMPARE(window->timelineModel()->builds().size(), 2);

        // The dialog is built before the lock: building widgets is GUI work of its own,
        // and under the sanitizers on a busy machine it alone can take 100 ms.
        ui::PromoteDialog* dialog =
            window->releaseActions()->promote(m_digests.at(0), u"production"_s);
        QVERIFY(dialog);
        auto* confirm = dialog->findChild<QPushButton*>(u"confirmButton"_s);
        QVERIFY(QTest::qWaitFor([confirm] { return confirm->isEnabled(); }, 10000));

        OtherSession other(url);
        // A window that does wait on the database would wait on this very thread, which
        // holds the lock: the server ends the session after 20 s, so such a window fails
        // this test instead of hanging it.
        QCOMPARE(other.exec(u"SET idle_in_transaction_session_timeout = '20s'"_s), QString());
        QString tables;
        for (const QString& table : schema::tableNames()) {
            if (table != u"schema_version"_s)
                tables += (tables.isEmpty() ? QString() : u", "_s) + table;
        }
        QCOMPARE(other.exec(u"BEGIN"_s), QString());
        QCOMPARE(other.exec(u"LOCK TABLE %1 IN ACCESS EXCLUSIVE MODE"_s.arg(tables)), QString());

        GuiThreadProbe probe;
        probe.start();
        QSignalSpy loadFinished(window->loader(), &RepositoryLoader::finished);
        window->refresh();
        QTest::mouseClick(confirm, Qt::LeftButton);
        // Berth's database work is now queued behind the lock: its session waits on it.
        QVERIFY(QTest::qWaitFor([&other] { return other.waitingLocks() > 0; }, 30000));
        // Use the window while it waits: the lock holds as long as a slow job would.
        QTest::qWait(1000);
        QVERIFY2(!dialog->result().has_value(), "the promotion finished under the lock");
        QVERIFY(loadFinished.isEmpty());
        probe.stop();

        QCOMPARE(other.exec(u"COMMIT"_s), QString());
        QVERIFY(QTest::qWaitFor([dialog] { return dialog->result().has_value(); }, 30000));
        QVERIFY2(dialog->result()->ok(), qPrintable(dialog->result()->errorMessage()));
        QVERIFY(loadFinished.count() > 0 || loadFinished.wait(30000));

        qInfo("GUI thread under the lock: longest gap %lld ms over %d ticks of 5 ms",
              probe.longestGapMs(), probe.ticks());
        QVERIFY2(probe.longestGapMs() <= kLongestGapMs,
                 qPrintable(
                     u"the GUI thread stood still for %1 ms (%2 ticks)"_s.arg(probe.longestGapMs())
                         .arg(probe.ticks())));
        // Nothing lost: the tag moved, and the audit and the history say so.
        QCOMPARE(headOf(u"production"_s), m_digests.at(0));
        HistoryStore reader;
        QVERIFY(reader.open(url));
        const Result<QList<Action>> actions = reader.actions();
        QVERIFY(actions);
        QCOMPARE(actions->size(), 1);
        QCOMPARE(actions->first().state, ActionState::Succeeded);
        QCOMPARE(actions->first().toDigest, m_digests.at(0));
        const Result<QList<TagPosition>> production =
            reader.tagHistory(m_server->hostPort(), kPath, u"production"_s);
        QVERIFY(production);
        QVERIFY(!production->isEmpty());
        QCOMPARE(production->first().digest, m_digests.at(0));
    }
};

BERTH_WIDGET_TEST_MAIN(TestDatabaseLock)
#include "tst_databaselock.moc"
