// The PostgreSQL password from the system keychain, against real parts: the PostgreSQL
// scripts/test starts (its role berth needs a password, which only the PGPASSFILE it
// exports holds), a private D-Bus session bus with gnome-keyring-daemon as the Secret
// Service, the real secret-tool, and the real berthctl storing the password.

#include "SecretServiceSession.h"
#include "TestDatabases.h"
#include "TestMain.h"

#include "history/HistoryStore.h"
#include "history/PostgresKeychain.h"

#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QUrl>

#include <map>
#include <memory>
#include <optional>
#include <utility>

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

// Sets variables in this process (which runs the store, and so secret-tool) and puts
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
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<SecretServiceSession> m_session;
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

    // The session's bus (and keyring); false with m_skip set when it cannot run here.
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

    // This process as a client of nothing but the given environment: the session's
    // (or none), and a pgpass file that is empty, so only the keychain can help.
    void useOnly(const QProcessEnvironment& environment) {
        m_environment = std::make_unique<ScopedEnvironment>();
        m_environment->enter(environment);
        const QString emptyPgpass = m_dir->filePath(u"empty-pgpass"_s);
        QFile file(emptyPgpass);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
        m_environment->set("PGPASSFILE", emptyPgpass);
        m_environment->set("PGPASSWORD", std::nullopt);
        m_environment->set("PGUSER", std::nullopt);
    }

    // A client environment with no session bus at all, as on a server without a desktop.
    QProcessEnvironment withoutBus() const {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (const QString& name :
             {u"DBUS_SESSION_BUS_ADDRESS"_s, u"DISPLAY"_s, u"WAYLAND_DISPLAY"_s})
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

    // What secret-tool finds under the attributes the README documents.
    QString lookUp(const QString& host, int port, const QString& user, const QString& database) {
        QProcess process;
        process.setProcessEnvironment(m_session->environment());
        process.start(u"secret-tool"_s,
                      {u"lookup"_s, u"xdg:schema"_s, u"io.github.berth.PostgresPassword"_s,
                       u"host"_s, host, u"port"_s, QString::number(port), u"user"_s, user,
                       u"database"_s, database});
        process.closeWriteChannel();
        if (!process.waitForFinished(30000))
            return u"(secret-tool did not finish)"_s;
        return QString::fromUtf8(process.readAllStandardOutput());
    }

    static void verifyNoSecret(const QString& text, const QStringList& secrets) {
        for (const QString& secret : secrets)
            QVERIFY2(!text.contains(secret), qPrintable(u"a password leaked into: "_s + text));
    }

private slots:
    void initTestCase() {
        m_databases.createPostgres(u"postgreskeychain"_s);
        m_serverPassword = passwordFromPgpass(qEnvironmentVariable("PGPASSFILE"),
                                              qEnvironmentVariable("BERTH_TEST_POSTGRES_URL"));
    }
    void cleanupTestCase() { m_databases.dropPostgres(); }
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
        // scripts/test's PGPASSFILE stays; no bus, so a keychain lookup would fail.
        ScopedEnvironment environment;
        environment.enter(withoutBus());
        HistoryStore store;
        const Status opened = store.open(location);
        QVERIFY2(opened.ok(), qPrintable(opened.errorMessage()));
    }

    void keychainPasswordConnects_data() {
        QTest::addColumn<bool>("userInUrl");
        QTest::newRow("user in the URL") << true;
        QTest::newRow("user from PGUSER") << false;
    }
    void keychainPasswordConnects() {
        QFETCH(bool, userInUrl);
        const QString location = postgresLocation();
        if (location.isEmpty() || !startSession(true))
            QSKIP(qPrintable(m_skip));
        QUrl url(location);
        const QString user = url.userName();
        if (!userInUrl)
            url.setUserName({});
        QProcessEnvironment clients = m_session->environment();
        clients.insert(u"PGUSER"_s, user);

        const Run stored =
            ctl({u"db-password"_s, url.toString()}, clients, m_serverPassword.toUtf8() + '\n');
        QVERIFY2(stored.exitCode == 0, qPrintable(stored.err));
        QVERIFY2(stored.out.contains(u"Stored the password for postgresql://%1@"_s.arg(user)),
                 qPrintable(stored.out));
        verifyNoSecret(stored.out + stored.err, {m_serverPassword});
        QCOMPARE(lookUp(url.host(), url.port(), user, url.path().mid(1)), m_serverPassword);

        useOnly(clients);
        m_environment->set("PGUSER", user);
        HistoryStore store;
        const Status opened = store.open(url.toString());
        QVERIFY2(opened.ok(), qPrintable(opened.errorMessage()));
        QVERIFY(store.schemaVersion() > 0);
        QVERIFY(store
                    .recordObservations(u"localhost:5000"_s, u"acme/app"_s,
                                        {{u"production"_s, u"sha256:"_s + QString(64, u'a')}},
                                        QDateTime::currentDateTimeUtc(), u"test"_s)
                    .ok());
    }

    void wrongKeychainPasswordFailsClearly() {
        const QString location = postgresLocation();
        if (location.isEmpty() || !startSession(true))
            QSKIP(qPrintable(m_skip));
        const QString wrong = randomPassword(u"wrong-"_s);
        const Run stored =
            ctl({u"db-password"_s, location}, m_session->environment(), wrong.toUtf8());
        QVERIFY2(stored.exitCode == 0, qPrintable(stored.err));

        useOnly(m_session->environment());
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

    void missingPasswordNamesBothWays_data() {
        QTest::addColumn<QString>("keychain");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no D-Bus session") << u"none"_s << u"could not be asked"_s;
        QTest::newRow("bus without a Secret Service") << u"bus"_s << u"could not be asked"_s;
        QTest::newRow("secret-tool not installed") << u"no-tool"_s << u"libsecret-tools"_s;
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
        if (keychain == u"no-tool"_s)
            clients.insert(u"PATH"_s, m_dir->path()); // a folder without secret-tool

        useOnly(clients);
        HistoryStore store;
        const Status opened = store.open(location);
        QVERIFY(!opened.ok());
        const QString message = opened.errorMessage();
        QVERIFY2(message.contains(u"no password supplied"_s) && message.contains(expected) &&
                     message.contains(u"~/.pgpass"_s) && message.contains(u"PGPASSFILE"_s) &&
                     message.contains(u"berthctl db-password "_s + location),
                 qPrintable(message));
        verifyNoSecret(message, {m_serverPassword});
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
            QCOMPARE(lookUp(u"db.example"_s, 6543, u"ci"_s, u"berth"_s), password);
        }
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
        QCOMPARE(lookUp(u"db.example"_s, 5432, u"ops"_s, u"berth"_s), password);
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
            << QByteArray("stdin-secret\n") << 1 << u"~/.pgpass"_s;
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
