// The PostgreSQL password from the system keychain, against real parts: the PostgreSQL
// scripts/test starts (its role berth needs a password, which only the PGPASSFILE it
// exports holds), a private D-Bus session bus with gnome-keyring-daemon as the Secret
// Service, QtKeychain (through libsecret) in this process and in the real berthctl, and
// secret-tool as an independent look at what the keyring holds.
//
// libsecret keeps the first session bus a process reached for the life of the process,
// so this process reaches one only: the suite's own session, started in initTestCase.
// Rows that need another bus, or none, run berthctl in a session of their own.

#include "SecretServiceSession.h"
#include "TestDatabases.h"
#include "TestMain.h"

#include "history/HistoryStore.h"
#include "history/PostgresKeychain.h"

#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QThread>
#include <QUrl>

#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

struct Run {
    int exitCode = -1;
    QString out;
    QString err;
};

QString randomPassword(const QString& prefix) {
    return prefix + QString::number(QRandomGenerator::global()->generate64(), 36);
}

// The password of the URL's user in a pgpass file: how the test learns the password of
// the server scripts/start-postgres made, which nothing else holds.
QString passwordFromPgpass(const QString& pgpassPath, const QString& url) {
    QFile file(pgpassPath);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QUrl parsed(url);
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        QStringList fields;
        QString field;
        for (qsizetype i = 0; i < line.size(); ++i) {
            if (line[i] == u'\\' && i + 1 < line.size())
                field += line[++i];
            else if (line[i] == u':' && fields.size() < 4)
                fields.append(std::exchange(field, QString()));
            else
                field += line[i];
        }
        fields.append(field);
        auto matches = [](const QString& pattern, const QString& value) {
            return pattern == u"*"_s || pattern == value;
        };
        if (fields.size() == 5 && matches(fields[0], parsed.host()) &&
            matches(fields[1], QString::number(parsed.port(5432))) &&
            matches(fields[3], parsed.userName()))
            return fields[4];
    }
    return {};
}

// Sets variables in this process (whose keychain lookups and libpq read them) and puts
// the old values back when it goes away.
class ScopedEnvironment {
public:
    ScopedEnvironment() = default;
    ScopedEnvironment(const ScopedEnvironment&) = delete;
    ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;
    ~ScopedEnvironment() {
        for (const auto& [name, value] : m_saved) {
            if (value)
                qputenv(name.constData(), *value);
            else
                qunsetenv(name.constData());
        }
    }
    void set(const QByteArray& name, const std::optional<QString>& value) {
        if (!m_saved.contains(name))
            m_saved[name] = qEnvironmentVariableIsSet(name.constData())
                                ? std::optional<QByteArray>(qgetenv(name.constData()))
                                : std::nullopt;
        if (value)
            qputenv(name.constData(), value->toLocal8Bit());
        else
            qunsetenv(name.constData());
    }
    // Everything a session's clients see, in this process too.
    void enter(const QProcessEnvironment& environment) {
        for (const char* name :
             {"HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR",
              "DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY", "PATH"}) {
            const QString key = QString::fromLatin1(name);
            set(name,
                environment.contains(key) ? std::optional(environment.value(key)) : std::nullopt);
        }
    }

private:
    std::map<QByteArray, std::optional<QByteArray>> m_saved;
};

} // namespace

class TestPostgresKeychain : public QObject {
    Q_OBJECT

private:
    TestDatabases m_databases;
    QString m_serverPassword; // the role berth's, read from scripts/test's PGPASSFILE
    // The one session this process's own lookups and stores reach, and why not if none.
    std::unique_ptr<SecretServiceSession> m_suiteSession;
    std::unique_ptr<ScopedEnvironment> m_suiteEnvironment;
    QString m_suiteProblem;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<SecretServiceSession> m_session; // a test's own, for berthctl only
    std::unique_ptr<ScopedEnvironment> m_environment;
    QString m_skip;

    // A fresh database of this suite that needs a password, or empty with m_skip set.
    QString postgresLocation() {
        const QString location = m_databases.freshLocation(u"postgresql"_s, {}, &m_skip);
        if (!location.isEmpty() && m_serverPassword.isEmpty()) {
            m_skip = u"PGPASSFILE holds no password for BERTH_TEST_POSTGRES_URL's user"_s;
            return {};
        }
        return location;
    }

    // The suite's session, for this process's own keychain calls; false with m_skip set.
    bool suiteSession() {
        m_skip = m_suiteProblem;
        return m_suiteSession != nullptr;
    }

    // A session of the test's own (for berthctl); false with m_skip set.
    bool startSession(bool withKeyring) {
        m_skip = SecretServiceSession::unavailableReason();
        if (!m_skip.isEmpty())
            return false;
        m_session = std::make_unique<SecretServiceSession>();
        const bool started = withKeyring ? m_session->startKeyring() : m_session->startBus();
        if (!started)
            m_skip =
                u"the Secret Service could not run headless here: "_s + m_session->errorString();
        return started;
    }

    // This process as a client of the suite's session only, with a pgpass file that is
    // empty, so only the keychain can help.
    void useOnlyTheKeychain() {
        m_environment = std::make_unique<ScopedEnvironment>();
        m_environment->enter(m_suiteSession->environment());
        m_environment->set("PGPASSFILE", emptyPgpass());
        m_environment->set("PGPASSWORD", std::nullopt);
        m_environment->set("PGUSER", std::nullopt);
    }

    QString emptyPgpass() const {
        const QString path = m_dir->filePath(u"empty-pgpass"_s);
        QFile file(path);
        if (file.open(QIODevice::WriteOnly))
            file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
        return path;
    }

    // A client environment with no session bus at all, as on a server without a desktop
    // (GLib also looks for $XDG_RUNTIME_DIR/bus).
    QProcessEnvironment withoutBus() const {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (const QString& name : {u"DBUS_SESSION_BUS_ADDRESS"_s, u"DISPLAY"_s,
                                    u"WAYLAND_DISPLAY"_s, u"XDG_RUNTIME_DIR"_s})
            environment.remove(name);
        environment.insert(u"HOME"_s, m_dir->path());
        return environment;
    }

    Run ctl(const QStringList& arguments, const QProcessEnvironment& environment,
            const QByteArray& input) {
        QProcess process;
        process.setProcessEnvironment(environment);
        process.start(QStringLiteral(BERTHCTL_PATH), arguments);
        process.write(input);
        process.closeWriteChannel();
        Run run;
        if (process.waitForFinished(60000) && process.exitStatus() == QProcess::NormalExit)
            run.exitCode = process.exitCode();
        run.out = QString::fromUtf8(process.readAllStandardOutput());
        run.err = QString::fromUtf8(process.readAllStandardError());
        return run;
    }

    // What secret-tool finds in the session's keyring under the service and key the
    // README documents.
    static QString lookUp(const SecretServiceSession& session, const QString& key) {
        QProcess process;
        process.setProcessEnvironment(session.environment());
        process.start(u"secret-tool"_s,
                      {u"lookup"_s, u"server"_s, u"Berth PostgreSQL"_s, u"user"_s, key});
        process.closeWriteChannel();
        if (!process.waitForFinished(30000))
            return u"(secret-tool did not finish)"_s;
        return QString::fromUtf8(process.readAllStandardOutput());
    }

    static void verifyNoSecret(const QString& text, const QStringList& secrets) {
        for (const QString& secret : secrets)
            QVERIFY2(!text.contains(secret), qPrintable(u"a password leaked into: "_s + text));
    }

    // A connection no server answers for, unique to the test.
    static HistoryLocation uniqueLocation() {
        HistoryLocation location;
        location.kind = HistoryLocation::Kind::Postgres;
        location.host = randomPassword(u"db-"_s) + u".example"_s;
        location.port = 6543;
        location.user = u"ci"_s;
        location.database = u"berth"_s;
        return location;
    }

private slots:
    void initTestCase() {
        m_databases.createPostgres(u"postgreskeychain"_s);
        m_serverPassword = passwordFromPgpass(qEnvironmentVariable("PGPASSFILE"),
                                              qEnvironmentVariable("BERTH_TEST_POSTGRES_URL"));
        m_suiteProblem = SecretServiceSession::unavailableReason();
        if (!m_suiteProblem.isEmpty())
            return;
        auto session = std::make_unique<SecretServiceSession>();
        if (!session->startKeyring()) {
            m_suiteProblem =
                u"the Secret Service could not run headless here: "_s + session->errorString();
            return;
        }
        // Before anything in this process asks the keychain, so that is the bus it keeps.
        m_suiteEnvironment = std::make_unique<ScopedEnvironment>();
        m_suiteEnvironment->enter(session->environment());
        m_suiteSession = std::move(session);
    }
    void cleanupTestCase() {
        m_databases.dropPostgres();
        if (!m_suiteSession)
            return;
        // The bus this process reached goes away under it: GLib raises SIGTERM on the
        // keychain's thread then. The process must live on, and a lookup fail in words.
        m_suiteSession.reset();
        const Result<std::optional<QString>> after = PostgresKeychain::lookup(uniqueLocation());
        QVERIFY(!after.ok());
        QVERIFY2(after.error().message.startsWith(u"The system keychain could not be asked"_s),
                 qPrintable(after.error().message));
        m_suiteEnvironment.reset();
    }
    void init() {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_skip.clear();
    }
    void cleanup() {
        m_environment.reset(); // before the session: its variables name the session's bus
        m_session.reset();
        m_dir.reset();
    }

    void passwordInUrlIsRefusedNamingBothWays() {
        HistoryStore store;
        const Status opened = store.open(u"postgresql://berth:s3cret-pw@127.0.0.1:1/berth"_s);
        QVERIFY(!opened.ok());
        QVERIFY2(opened.errorMessage().contains(u"pgpass"_s) &&
                     opened.errorMessage().contains(u"keychain"_s),
                 qPrintable(opened.errorMessage()));
        verifyNoSecret(opened.errorMessage(), {u"s3cret"_s});
    }

    void pgpassIsTriedFirstWithoutAKeychain() {
        const QString location = postgresLocation();
        if (location.isEmpty())
            QSKIP(qPrintable(m_skip));
        // scripts/test's PGPASSFILE stays; berthctl has no bus, so a lookup would fail.
        const Run run = ctl({u"audit"_s, u"--db"_s, location}, withoutBus(), {});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    }

    void keychainPasswordConnects_data() {
        QTest::addColumn<bool>("userInUrl");
        QTest::addColumn<bool>("onWorkerThread");
        QTest::newRow("user in the URL") << true << false;
        QTest::newRow("user from PGUSER") << false << false;
        QTest::newRow("opened on a worker thread") << true << true;
    }
    void keychainPasswordConnects() {
        QFETCH(bool, userInUrl);
        QFETCH(bool, onWorkerThread);
        const QString location = postgresLocation();
        if (location.isEmpty() || !suiteSession())
            QSKIP(qPrintable(m_skip));
        QUrl url(location);
        const QString user = url.userName();
        if (!userInUrl)
            url.setUserName({});
        QProcessEnvironment clients = m_suiteSession->environment();
        clients.insert(u"PGUSER"_s, user);

        const Run stored =
            ctl({u"db-password"_s, url.toString()}, clients, m_serverPassword.toUtf8() + '\n');
        QVERIFY2(stored.exitCode == 0, qPrintable(stored.err));
        const QString key =
            u"%1@%2:%3%4"_s.arg(user, url.host(), QString::number(url.port()), url.path());
        QVERIFY2(stored.out.contains(u"Stored the password for postgresql://%1@"_s.arg(user)) &&
                     stored.out.contains(key),
                 qPrintable(stored.out));
        verifyNoSecret(stored.out + stored.err, {m_serverPassword});
        QCOMPARE(lookUp(*m_suiteSession, key), m_serverPassword);

        useOnlyTheKeychain();
        m_environment->set("PGUSER", user);
        QString problem;
        const auto openAndWrite = [&url, &problem] {
            HistoryStore store;
            const Status opened = store.open(url.toString());
            if (!opened)
                problem = opened.errorMessage();
            else if (store.schemaVersion() <= 0)
                problem = u"no schema"_s;
            else if (const auto written = store.recordObservations(
                         u"localhost:5000"_s, u"acme/app"_s,
                         {{u"production"_s, u"sha256:"_s + QString(64, u'a')}},
                         QDateTime::currentDateTimeUtc(), u"test"_s);
                     !written)
                problem = written.errorMessage();
        };
        if (onWorkerThread) {
            // This thread blocks in wait() meanwhile: the lookup needs no event loop of it.
            std::unique_ptr<QThread> worker(QThread::create(openAndWrite));
            worker->start();
            QVERIFY(worker->wait(QDeadlineTimer(60000)));
        } else {
            openAndWrite();
        }
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    void wrongKeychainPasswordFailsClearly() {
        const QString location = postgresLocation();
        if (location.isEmpty() || !suiteSession())
            QSKIP(qPrintable(m_skip));
        const QString wrong = randomPassword(u"wrong-"_s);
        const Run stored =
            ctl({u"db-password"_s, location}, m_suiteSession->environment(), wrong.toUtf8());
        QVERIFY2(stored.exitCode == 0, qPrintable(stored.err));

        useOnlyTheKeychain();
        HistoryStore store;
        const Status opened = store.open(location);
        QVERIFY(!opened.ok());
        const QString message = opened.errorMessage();
        QVERIFY2(message.contains(u"password authentication failed"_s) &&
                     message.contains(u"from the system keychain"_s) &&
                     message.contains(u"berthctl db-password "_s + location),
                 qPrintable(message));
        verifyNoSecret(message, {wrong, m_serverPassword});
        QVERIFY(!store.isOpen());
    }

    // berthctl in a session of the row's own: this process keeps the suite's bus.
    void missingPasswordNamesBothWays_data() {
        QTest::addColumn<QString>("keychain");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no D-Bus session") << u"none"_s << u"there is no D-Bus session bus"_s;
        QTest::newRow("bus address leading nowhere") << u"dead-bus"_s << u"could not be reached"_s;
        QTest::newRow("bus without a Secret Service")
            << u"bus"_s << u"no Secret Service is running"_s;
        QTest::newRow("keychain without an entry") << u"keyring"_s << u"nor the system keychain"_s;
    }
    void missingPasswordNamesBothWays() {
        QFETCH(QString, keychain);
        QFETCH(QString, expected);
        const QString location = postgresLocation();
        if (location.isEmpty())
            QSKIP(qPrintable(m_skip));
        QProcessEnvironment clients = withoutBus();
        if (keychain == u"bus"_s || keychain == u"keyring"_s) {
            if (!startSession(keychain == u"keyring"_s))
                QSKIP(qPrintable(m_skip));
            clients = m_session->environment();
        }
        if (keychain == u"dead-bus"_s)
            clients.insert(u"DBUS_SESSION_BUS_ADDRESS"_s,
                           u"unix:path="_s + m_dir->filePath(u"no-bus-here"_s));
        clients.insert(u"PGPASSFILE"_s, emptyPgpass());
        clients.remove(u"PGPASSWORD"_s);

        const Run run = ctl({u"audit"_s, u"--db"_s, location}, clients, {});
        QCOMPARE(run.exitCode, 1);
        const QString& message = run.err;
        QVERIFY2(message.contains(u"no password supplied"_s) && message.contains(expected) &&
                     message.contains(u"~/.pgpass"_s) && message.contains(u"PGPASSFILE"_s) &&
                     message.contains(u"berthctl db-password "_s + location) &&
                     !message.contains(u"secret-tool"_s),
                 qPrintable(message));
        verifyNoSecret(message, {m_serverPassword});
    }

    // Lookups from threads other than the main one, several at once, while the main
    // thread blocks in wait() and runs no event loop.
    void lookupFromOtherThreads_data() {
        QTest::addColumn<int>("threads");
        QTest::addColumn<bool>("stored");
        QTest::newRow("one thread, a stored password") << 1 << true;
        QTest::newRow("one thread, no entry") << 1 << false;
        QTest::newRow("four threads at once") << 4 << true;
    }
    void lookupFromOtherThreads() {
        QFETCH(int, threads);
        QFETCH(bool, stored);
        if (!suiteSession())
            QSKIP(qPrintable(m_skip));
        const HistoryLocation location = uniqueLocation();
        const QString password = randomPassword(u"threaded-"_s);
        if (stored) {
            // Stored from a thread too; secret-tool confirms what the keyring holds.
            Status status = Error::make(u"not run"_s);
            std::unique_ptr<QThread> writer(
                QThread::create([&] { status = PostgresKeychain::store(location, password); }));
            writer->start();
            QVERIFY(writer->wait(QDeadlineTimer(60000)));
            QVERIFY2(status.ok(), qPrintable(status.errorMessage()));
            QCOMPARE(lookUp(*m_suiteSession, u"ci@%1:6543/berth"_s.arg(location.host)), password);
        }

        std::vector<QString> found(size_t(threads), u"(no answer)"_s);
        std::vector<std::unique_ptr<QThread>> readers;
        for (int i = 0; i < threads; ++i)
            readers.emplace_back(QThread::create([&found, &location, i] {
                const Result<std::optional<QString>> answer = PostgresKeychain::lookup(location);
                found[size_t(i)] =
                    !answer ? answer.error().message : answer.value().value_or(u"(none)"_s);
            }));
        for (const auto& reader : readers)
            reader->start();
        for (const auto& reader : readers)
            QVERIFY(reader->wait(QDeadlineTimer(60000)));
        for (const QString& answer : found)
            QCOMPARE(answer, stored ? password : u"(none)"_s);
    }

    void dbPasswordReplacesAnEarlierOne() {
        if (!startSession(true))
            QSKIP(qPrintable(m_skip));
        const QString url = u"postgresql://ci@db.example:6543/berth"_s;
        for (const QString& password :
             {randomPassword(u"first-"_s), randomPassword(u"second-"_s)}) {
            const Run stored =
                ctl({u"db-password"_s, url}, m_session->environment(), password.toUtf8() + '\n');
            QVERIFY2(stored.exitCode == 0, qPrintable(stored.err));
            QCOMPARE(lookUp(*m_session, u"ci@db.example:6543/berth"_s), password);
        }
    }

    void dbPasswordStoresUnderTheDocumentedKey_data() {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("pguser");
        QTest::addColumn<QString>("key");
        QTest::newRow("host and port") << u"postgresql://ci@db.example:6543/berth"_s << QString()
                                       << u"ci@db.example:6543/berth"_s;
        QTest::newRow("default port")
            << u"postgresql://ci@db.example/berth"_s << QString() << u"ci@db.example:5432/berth"_s;
        QTest::newRow("IPv6 host")
            << u"postgresql://ci@[::1]:6543/berth"_s << QString() << u"ci@[::1]:6543/berth"_s;
        QTest::newRow("user from PGUSER")
            << u"postgresql://db.example/berth"_s << u"ops"_s << u"ops@db.example:5432/berth"_s;
    }
    void dbPasswordStoresUnderTheDocumentedKey() {
        QFETCH(QString, url);
        QFETCH(QString, pguser);
        QFETCH(QString, key);
        if (!startSession(true))
            QSKIP(qPrintable(m_skip));
        QProcessEnvironment clients = m_session->environment();
        if (!pguser.isEmpty())
            clients.insert(u"PGUSER"_s, pguser);
        const QString password = randomPassword(u"keyed-"_s);
        const Run stored = ctl({u"db-password"_s, url}, clients, password.toUtf8() + '\n');
        QVERIFY2(stored.exitCode == 0, qPrintable(stored.err));
        QVERIFY2(stored.out.contains(u"key "_s + key), qPrintable(stored.out));
        QCOMPARE(lookUp(*m_session, key), password);
    }

    void dbPasswordDoesNotEchoOnATerminal() {
        if (!startSession(true))
            QSKIP(qPrintable(m_skip));
        if (QStandardPaths::findExecutable(u"script"_s).isEmpty())
            QSKIP("script (util-linux) is not installed: no terminal to test on");
        const QString url = u"postgresql://ops@db.example:5432/berth"_s;
        const QString password = randomPassword(u"typed-"_s);
        // script gives berthctl a real terminal; what it prints is what a person would see.
        QProcess terminal;
        terminal.setProcessEnvironment(m_session->environment());
        terminal.start(u"script"_s,
                       {u"-q"_s, u"-e"_s, u"-c"_s,
                        u"'%1' db-password '%2'"_s.arg(QStringLiteral(BERTHCTL_PATH), url),
                        u"/dev/null"_s});
        QVERIFY(terminal.waitForStarted());
        QByteArray seen;
        QVERIFY(QTest::qWaitFor(
            [&] {
                terminal.waitForReadyRead(100);
                seen += terminal.readAllStandardOutput();
                return seen.contains("Password for");
            },
            30000));
        terminal.write(password.toUtf8() + '\n');
        QVERIFY(terminal.waitForFinished(60000));
        seen += terminal.readAllStandardOutput();
        QCOMPARE(terminal.exitCode(), 0);
        QVERIFY2(seen.contains("Stored the password"), seen.constData());
        verifyNoSecret(QString::fromUtf8(seen), {password});
        QCOMPARE(lookUp(*m_session, u"ops@db.example:5432/berth"_s), password);
    }

    void aLockedKeychainIsNamed() {
        if (!startSession(true))
            QSKIP(qPrintable(m_skip));
        if (!m_session->restartKeyringLocked())
            QSKIP(qPrintable(m_session->errorString()));
        const Run run = ctl({u"db-password"_s, u"postgresql://ci@db.example/berth"_s},
                            m_session->environment(), "locked-secret\n");
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(u"stayed locked"_s) && run.err.contains(u"~/.pgpass"_s),
                 qPrintable(run.err));
        verifyNoSecret(run.out + run.err, {u"locked-secret"_s});
    }

    void dbPasswordRefuses_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("expected");
        QTest::newRow("an SQLite file") << QStringList{u"db-password"_s, u"history.sqlite"_s}
                                        << QByteArray("pw\n") << 2 << u"PostgreSQL URL"_s;
        QTest::newRow("a password in the URL")
            << QStringList{u"db-password"_s, u"postgresql://ci:url-secret@db.example/berth"_s}
            << QByteArray("pw\n") << 2 << u"contains a password"_s;
        QTest::newRow("nothing on stdin")
            << QStringList{u"db-password"_s, u"postgresql://ci@db.example/berth"_s} << QByteArray()
            << 2 << u"no password was given"_s;
        QTest::newRow("no keychain running")
            << QStringList{u"db-password"_s, u"postgresql://ci@db.example/berth"_s}
            << QByteArray("stdin-secret\n") << 1 << u"no D-Bus session bus"_s;
    }
    void dbPasswordRefuses() {
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, input);
        QFETCH(int, exitCode);
        QFETCH(QString, expected);
        const Run run = ctl(arguments, withoutBus(), input);
        QCOMPARE(run.exitCode, exitCode);
        QVERIFY2(run.err.contains(expected), qPrintable(run.err));
        verifyNoSecret(run.out + run.err, {u"url-secret"_s, u"stdin-secret"_s});
    }
};

BERTH_TEST_MAIN(TestPostgresKeychain)
#include "tst_postgreskeychain.moc"
