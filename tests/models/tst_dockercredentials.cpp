// DockerCredentials against config dirs and credential helpers built in temporary dirs.

#include "TestMain.h"
#include "registry/DockerCredentials.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

using namespace Qt::StringLiterals;
using namespace berth;

namespace {

QByteArray base64(const QByteArray& text) {
    return text.toBase64();
}

bool writeFile(const QString& path, const QByteArray& content) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return file.write(content) == content.size();
}

QByteArray readFile(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

} // namespace

class TestDockerCredentials : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void authsEntries_data();
    void authsEntries();
    void missingConfig_data();
    void missingConfig();
    void invalidConfig_data();
    void invalidConfig();
    void credHelpersOverrideCredsStore();
    void credsStoreServerUrl_data();
    void credsStoreServerUrl();
    void helperNotFound();
    void helperIdentityToken();
    void helperMissingFromPath();
    void helperPrintsGarbage();
    void helperOtherFailure();
    void helperTimeout();
    void dockerConfigVariable();
    void defaultConfigDir();
    void containersAuthFiles_data();
    void containersAuthFiles();
    void containersAuthBeforeDockerConfig_data();
    void containersAuthBeforeDockerConfig();
    void containersAuthHelper();

private:
    // Writes an executable docker-credential-<name> into m_helperDir that runs body.
    void installHelper(const QString& name, const QByteArray& body);
    QString recordedStdin() const;
    QString recordedArguments() const;

    std::unique_ptr<QTemporaryDir> m_helperDir;
    QByteArray m_savedPath;
    QByteArray m_savedDockerConfig;
    bool m_hadDockerConfig = false;
    // podman's variables, saved and cleared so the developer's own login never counts.
    QHash<QByteArray, std::optional<QByteArray>> m_savedContainersVariables;
};

namespace {
const QList<QByteArray> ContainersVariables{"REGISTRY_AUTH_FILE", "XDG_RUNTIME_DIR",
                                            "XDG_CONFIG_HOME"};
} // namespace

void TestDockerCredentials::init() {
    m_savedPath = qgetenv("PATH");
    m_hadDockerConfig = qEnvironmentVariableIsSet("DOCKER_CONFIG");
    m_savedDockerConfig = qgetenv("DOCKER_CONFIG");
    // The developer's own DOCKER_CONFIG must never leak into a case.
    qunsetenv("DOCKER_CONFIG");
    for (const QByteArray& name : ContainersVariables) {
        m_savedContainersVariables[name] = qEnvironmentVariableIsSet(name.constData())
                                               ? std::optional(qgetenv(name.constData()))
                                               : std::nullopt;
        qunsetenv(name.constData());
    }

    m_helperDir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_helperDir->isValid());
    // An empty config home: no containers/auth.json of the developer's is read.
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_helperDir->path()));
    qputenv("PATH", QFile::encodeName(m_helperDir->path()) + ':' + m_savedPath);
}

void TestDockerCredentials::cleanup() {
    qputenv("PATH", m_savedPath);
    if (m_hadDockerConfig)
        qputenv("DOCKER_CONFIG", m_savedDockerConfig);
    else
        qunsetenv("DOCKER_CONFIG");
    for (auto it = m_savedContainersVariables.cbegin(); it != m_savedContainersVariables.cend();
         ++it) {
        if (it.value())
            qputenv(it.key().constData(), *it.value());
        else
            qunsetenv(it.key().constData());
    }
    m_helperDir.reset();
}

void TestDockerCredentials::installHelper(const QString& name, const QByteArray& body) {
    const QString path = m_helperDir->filePath(u"docker-credential-"_s + name);
    const QByteArray dir = QFile::encodeName(m_helperDir->path());
    // Every helper records how it was called, so cases can check the protocol.
    const QByteArray script = "#!/bin/sh\n"
                              "printf '%s' \"$*\" > '" +
                              dir + "/arguments'\n" + "cat > '" + dir + "/stdin'\n" + body + "\n";
    QVERIFY(writeFile(path, script));
    QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
}

QString TestDockerCredentials::recordedStdin() const {
    return QString::fromUtf8(readFile(m_helperDir->filePath(u"stdin"_s)));
}

QString TestDockerCredentials::recordedArguments() const {
    return QString::fromUtf8(readFile(m_helperDir->filePath(u"arguments"_s)));
}

void TestDockerCredentials::authsEntries_data() {
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QString>("domain");
    QTest::addColumn<bool>("expectFound");
    QTest::addColumn<QString>("username");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<bool>("identityToken");

    const QByteArray alice = base64("alice:s3cret");
    QTest::newRow("base64 user:pass")
        << QByteArray(R"({"auths":{"ghcr.io":{"auth":")" + alice + R"("}}})") << u"ghcr.io"_s
        << true << u"alice"_s << u"s3cret"_s << false;
    QTest::newRow("colon inside the password")
        << QByteArray(R"({"auths":{"ghcr.io":{"auth":")" + base64("bob:a:b:c") + R"("}}})")
        << u"ghcr.io"_s << true << u"bob"_s << u"a:b:c"_s << false;
    QTest::newRow("username and password fields")
        << QByteArray(R"({"auths":{"localhost:5000":{"username":"carol","password":"pw"}}})")
        << u"localhost:5000"_s << true << u"carol"_s << u"pw"_s << false;
    QTest::newRow("identitytoken wins over auth")
        << QByteArray(R"({"auths":{"quay.io":{"auth":")" + base64("dave:") +
                      R"(","identitytoken":"refresh-123"}}})")
        << u"quay.io"_s << true << u"<token>"_s << u"refresh-123"_s << true;

    const QByteArray hub = R"({"auths":{"https://index.docker.io/v1/":{"auth":")" + alice +
                           R"("},"ghcr.io":{"username":"other","password":"x"}}})";
    QTest::newRow("docker.io uses the hub key")
        << hub << u"docker.io"_s << true << u"alice"_s << u"s3cret"_s << false;
    QTest::newRow("index.docker.io uses the hub key")
        << hub << u"index.docker.io"_s << true << u"alice"_s << u"s3cret"_s << false;
    QTest::newRow("registry-1.docker.io uses the hub key")
        << hub << u"registry-1.docker.io"_s << true << u"alice"_s << u"s3cret"_s << false;
    QTest::newRow("hub key is not used for another host")
        << QByteArray(R"({"auths":{"https://index.docker.io/v1/":{"auth":")" + alice + R"("}}})")
        << u"ghcr.io"_s << false << QString() << QString() << false;

    QTest::newRow("https key with path")
        << QByteArray(R"({"auths":{"https://ghcr.io/v1/":{"auth":")" + alice + R"("}}})")
        << u"ghcr.io"_s << true << u"alice"_s << u"s3cret"_s << false;
    QTest::newRow("http key with port")
        << QByteArray(R"({"auths":{"http://localhost:5000":{"auth":")" + alice + R"("}}})")
        << u"localhost:5000"_s << true << u"alice"_s << u"s3cret"_s << false;
    QTest::newRow("another port is another registry")
        << QByteArray(R"({"auths":{"localhost:5000":{"auth":")" + alice + R"("}}})")
        << u"localhost:5001"_s << false << QString() << QString() << false;
    QTest::newRow("host not configured")
        << QByteArray(R"({"auths":{"ghcr.io":{"auth":")" + alice + R"("}}})") << u"quay.io"_s
        << false << QString() << QString() << false;
    QTest::newRow("empty entry") << QByteArray(R"({"auths":{"ghcr.io":{}}})") << u"ghcr.io"_s
                                 << false << QString() << QString() << false;
    QTest::newRow("no auths at all")
        << QByteArray("{}") << u"ghcr.io"_s << false << QString() << QString() << false;
}

void TestDockerCredentials::authsEntries() {
    QFETCH(QByteArray, config);
    QFETCH(QString, domain);
    QFETCH(bool, expectFound);
    QFETCH(QString, username);
    QFETCH(QString, secret);
    QFETCH(bool, identityToken);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(u"config.json"_s), config));

    const auto result = DockerCredentials(dir.path()).lookup(domain);
    QVERIFY2(result.ok(), qPrintable(result.errorMessage()));
    QCOMPARE(result->has_value(), expectFound);
    if (!expectFound)
        return;
    const RegistryCredentials& credentials = **result;
    QCOMPARE(credentials.username, username);
    QCOMPARE(credentials.secret, secret);
    QCOMPARE(credentials.isIdentityToken(), identityToken);
    QVERIFY(!credentials.isEmpty());
}

void TestDockerCredentials::missingConfig_data() {
    QTest::addColumn<bool>("createDir");
    QTest::newRow("no config dir") << false;
    QTest::newRow("config dir without config.json") << true;
}

void TestDockerCredentials::missingConfig() {
    QFETCH(bool, createDir);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString configDir = dir.filePath(u"docker"_s);
    if (createDir)
        QVERIFY(QDir().mkpath(configDir));

    const auto result = DockerCredentials(configDir).lookup(u"ghcr.io"_s);
    QVERIFY2(result.ok(), qPrintable(result.errorMessage()));
    QVERIFY(!result->has_value());
}

void TestDockerCredentials::invalidConfig_data() {
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("mentions");

    QTest::newRow("not JSON")
        << QByteArray(R"({"auths":{"ghcr.io":{"username":"alice","password":"hunter2-secret"}},)")
        << u"hunter2-secret"_s << u"JSON"_s;
    QTest::newRow("top level is an array")
        << QByteArray(R"([{"password":"hunter2-secret"}])") << u"hunter2-secret"_s << u"JSON"_s;
    QTest::newRow("auth not base64")
        << QByteArray(R"({"auths":{"ghcr.io":{"auth":"hunter2-secret!!"}}})") << u"hunter2-secret"_s
        << u"base64"_s;
    QTest::newRow("auth without colon")
        << QByteArray(R"({"auths":{"ghcr.io":{"auth":")" + base64("hunter2-secret") + R"("}}})")
        << u"hunter2-secret"_s << u"user:password"_s;
}

void TestDockerCredentials::invalidConfig() {
    QFETCH(QByteArray, config);
    QFETCH(QString, secret);
    QFETCH(QString, mentions);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString configPath = dir.filePath(u"config.json"_s);
    QVERIFY(writeFile(configPath, config));

    const auto result = DockerCredentials(dir.path()).lookup(u"ghcr.io"_s);
    QVERIFY(!result.ok());
    const QString message = result.errorMessage();
    QVERIFY2(message.contains(configPath), qPrintable(message));
    QVERIFY2(message.contains(mentions), qPrintable(message));
    QVERIFY2(!message.contains(secret), qPrintable(message));
    QVERIFY2(!message.contains(QString::fromLatin1(base64(secret.toUtf8()))), qPrintable(message));
}

void TestDockerCredentials::credHelpersOverrideCredsStore() {
    installHelper(
        u"test"_s,
        R"(echo '{"ServerURL":"ghcr.io","Username":"helper-user","Secret":"helper-pw"}')");
    installHelper(u"store"_s,
                  R"(echo '{"ServerURL":"ghcr.io","Username":"store-user","Secret":"store-pw"}')");

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(u"config.json"_s),
                      R"({"credsStore":"store","credHelpers":{"ghcr.io":"test"},)"
                      R"("auths":{"ghcr.io":{"username":"file-user","password":"file-pw"}}})"));

    const auto result = DockerCredentials(dir.path()).lookup(u"ghcr.io"_s);
    QVERIFY2(result.ok(), qPrintable(result.errorMessage()));
    QVERIFY(result->has_value());
    QCOMPARE((*result)->username, u"helper-user"_s);
    QCOMPARE((*result)->secret, u"helper-pw"_s);
    QVERIFY(!(*result)->isIdentityToken());
    QCOMPARE(recordedArguments(), u"get"_s);
    QCOMPARE(recordedStdin(), u"ghcr.io"_s);
}

void TestDockerCredentials::credsStoreServerUrl_data() {
    QTest::addColumn<QString>("domain");
    QTest::addColumn<QString>("serverUrl");

    QTest::newRow("registry with port") << u"localhost:5000"_s << u"localhost:5000"_s;
    QTest::newRow("docker.io") << u"docker.io"_s << u"https://index.docker.io/v1/"_s;
    QTest::newRow("registry-1.docker.io")
        << u"registry-1.docker.io"_s << u"https://index.docker.io/v1/"_s;
    QTest::newRow("host not in credHelpers") << u"quay.io"_s << u"quay.io"_s;
}

void TestDockerCredentials::credsStoreServerUrl() {
    QFETCH(QString, domain);
    QFETCH(QString, serverUrl);

    installHelper(u"test"_s, R"(echo '{"ServerURL":"x","Username":"store-user","Secret":"pw"}')");
    installHelper(u"ghcr"_s, R"(echo '{"ServerURL":"x","Username":"wrong","Secret":"wrong"}')");

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(u"config.json"_s),
                      R"({"credsStore":"test","credHelpers":{"ghcr.io":"ghcr"}})"));

    const auto result = DockerCredentials(dir.path()).lookup(domain);
    QVERIFY2(result.ok(), qPrintable(result.errorMessage()));
    QVERIFY(result->has_value());
    QCOMPARE((*result)->username, u"store-user"_s);
    QCOMPARE(recordedStdin(), serverUrl);
}

void TestDockerCredentials::helperNotFound() {
    installHelper(u"test"_s, "echo 'credentials not found in native keychain'\nexit 1");

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(u"config.json"_s), R"({"credsStore":"test"})"));

    const auto result = DockerCredentials(dir.path()).lookup(u"ghcr.io"_s);
    QVERIFY2(result.ok(), qPrintable(result.errorMessage()));
    QVERIFY(!result->has_value());
}

void TestDockerCredentials::helperIdentityToken() {
    installHelper(u"test"_s,
                  R"(echo '{"ServerURL":"ghcr.io","Username":"<token>","Secret":"refresh-xyz"}')");

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(u"config.json"_s), R"({"credHelpers":{"ghcr.io":"test"}})"));

    const auto result = DockerCredentials(dir.path()).lookup(u"ghcr.io"_s);
    QVERIFY2(result.ok(), qPrintable(result.errorMessage()));
    QVERIFY(result->has_value());
    QVERIFY((*result)->isIdentityToken());
    QCOMPARE((*result)->secret, u"refresh-xyz"_s);
}

void TestDockerCredentials::helperMissingFromPath() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(u"config.json"_s), R"({"credsStore":"berth-no-such-helper"})"));

    const auto result = DockerCredentials(dir.path()).lookup(u"ghcr.io"_s);
    QVERIFY(!result.ok());
    QVERIFY2(result.errorMessage().contains(u"docker-credential-berth-no-such-helper"_s),
             qPrintable(result.errorMessage()));
}

void TestDockerCredentials::helperPrintsGarbage() {
    installHelper(u"test"_s, R"(echo 'Username: alice Secret: hunter2-secret {')");

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(u"config.json"_s), R"({"credsStore":"test"})"));

    const auto result = DockerCredentials(dir.path()).lookup(u"ghcr.io"_s);
    QVERIFY(!result.ok());
    const QString message = result.errorMessage();
    QVERIFY2(message.contains(u"docker-credential-test"_s), qPrintable(message));
    QVERIFY2(message.contains(u"JSON"_s), qPrintable(message));
    QVERIFY2(!message.contains(u"hunter2-secret"_s), qPrintable(message));
}

void TestDockerCredentials::helperOtherFailure() {
    // A failure that is not "not found" must reach the user instead of looking anonymous.
    installHelper(u"test"_s, "echo 'keychain is locked' >&2\nexit 1");

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(u"config.json"_s), R"({"credsStore":"test"})"));

    const auto result = DockerCredentials(dir.path()).lookup(u"ghcr.io"_s);
    QVERIFY(!result.ok());
    const QString message = result.errorMessage();
    QVERIFY2(message.contains(u"docker-credential-test"_s), qPrintable(message));
    QVERIFY2(message.contains(u"keychain is locked"_s), qPrintable(message));
}

void TestDockerCredentials::helperTimeout() {
    // exec, so killing the helper kills the sleep too and no orphan holds the pipes.
    installHelper(u"test"_s, "exec sleep 60");

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(u"config.json"_s), R"({"credsStore":"test"})"));

    QElapsedTimer timer;
    timer.start();
    const auto result = DockerCredentials(dir.path()).lookup(u"ghcr.io"_s);
    QVERIFY(!result.ok());
    QVERIFY2(result.errorMessage().contains(u"docker-credential-test"_s),
             qPrintable(result.errorMessage()));
    QVERIFY2(timer.elapsed() < 20000, "the 15 s helper timeout was not honoured");
}

void TestDockerCredentials::dockerConfigVariable() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(u"config.json"_s),
                      R"({"auths":{"ghcr.io":{"username":"env-user","password":"pw"}}})"));
    qputenv("DOCKER_CONFIG", QFile::encodeName(dir.path()));

    const DockerCredentials credentials;
    QCOMPARE(credentials.configDir(), dir.path());
    const auto result = credentials.lookup(u"ghcr.io"_s);
    QVERIFY2(result.ok(), qPrintable(result.errorMessage()));
    QVERIFY(result->has_value());
    QCOMPARE((*result)->username, u"env-user"_s);
}

void TestDockerCredentials::defaultConfigDir() {
    QCOMPARE(DockerCredentials().configDir(), QDir::homePath() + u"/.docker"_s);
    QCOMPARE(DockerCredentials(u"/some/dir"_s).configDir(), u"/some/dir"_s);
}

void TestDockerCredentials::containersAuthFiles_data() {
    QTest::addColumn<QString>("registryAuthFile");
    QTest::addColumn<QString>("runtimeDir");
    QTest::addColumn<QString>("configHome");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("podman's default") << QString() << u"/run/user/1000"_s << u"/home/u/.config"_s
                                      << QStringList{u"/run/user/1000/containers/auth.json"_s,
                                                     u"/home/u/.config/containers/auth.json"_s};
    QTest::newRow("REGISTRY_AUTH_FILE instead of the runtime dir")
        << u"/builds/auth.json"_s << u"/run/user/1000"_s << u"/home/u/.config"_s
        << QStringList{u"/builds/auth.json"_s, u"/home/u/.config/containers/auth.json"_s};
    QTest::newRow("no runtime dir, no config home")
        << QString() << QString() << QString()
        << QStringList{QDir::homePath() + u"/.config/containers/auth.json"_s};
}

void TestDockerCredentials::containersAuthFiles() {
    QFETCH(QString, registryAuthFile);
    QFETCH(QString, runtimeDir);
    QFETCH(QString, configHome);
    QFETCH(QStringList, expected);
    const auto set = [](const char* name, const QString& value) {
        if (value.isEmpty())
            qunsetenv(name);
        else
            qputenv(name, QFile::encodeName(value));
    };
    set("REGISTRY_AUTH_FILE", registryAuthFile);
    set("XDG_RUNTIME_DIR", runtimeDir);
    set("XDG_CONFIG_HOME", configHome);
    QCOMPARE(DockerCredentials::containersAuthFiles(), expected);
    DockerCredentials credentials(u"/docker"_s);
    QCOMPARE(credentials.searchedFiles(), expected + QStringList{u"/docker/config.json"_s});
}

void TestDockerCredentials::containersAuthBeforeDockerConfig_data() {
    // Files: podman's primary, ~/.config/containers/auth.json, docker's config.json;
    // empty means absent.
    QTest::addColumn<QByteArray>("primary");
    QTest::addColumn<QByteArray>("configHome");
    QTest::addColumn<QByteArray>("docker");
    QTest::addColumn<QString>("expectedUser"); // empty: nothing found; "error": an error
    const auto auths = [](const QByteArray& key, const QByteArray& user) -> QByteArray {
        return R"({"auths":{")" + key + R"(":{"auth":")" + base64(user + ":pw") + R"("}}})";
    };
    QTest::newRow("podman's file wins over docker's")
        << auths("ghcr.io", "podman") << QByteArray() << auths("ghcr.io", "docker") << u"podman"_s;
    QTest::newRow("primary before ~/.config")
        << auths("ghcr.io", "primary") << auths("ghcr.io", "config") << QByteArray()
        << u"primary"_s;
    QTest::newRow("another host in podman's file: docker's is read")
        << auths("quay.io", "podman") << QByteArray() << auths("ghcr.io", "docker") << u"docker"_s;
    QTest::newRow("~/.config when the primary has none")
        << QByteArray(R"({"auths":{}})") << auths("ghcr.io", "config") << QByteArray()
        << u"config"_s;
    QTest::newRow("a namespace key is not the whole registry")
        << auths("ghcr.io/team/app", "team") << QByteArray() << QByteArray() << QString();
    QTest::newRow("only docker's")
        << QByteArray() << QByteArray() << auths("ghcr.io", "docker") << u"docker"_s;
    QTest::newRow("podman's file is broken")
        << QByteArray("{not json") << QByteArray() << auths("ghcr.io", "docker") << u"error"_s;
}

void TestDockerCredentials::containersAuthBeforeDockerConfig() {
    QFETCH(QByteArray, primary);
    QFETCH(QByteArray, configHome);
    QFETCH(QByteArray, docker);
    QFETCH(QString, expectedUser);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString primaryPath = dir.filePath(u"primary.json"_s);
    const QString configHomePath = dir.filePath(u"config-home.json"_s);
    if (!primary.isEmpty())
        QVERIFY(writeFile(primaryPath, primary));
    if (!configHome.isEmpty())
        QVERIFY(writeFile(configHomePath, configHome));
    if (!docker.isEmpty())
        QVERIFY(writeFile(dir.filePath(u"config.json"_s), docker));

    DockerCredentials credentials(dir.path());
    credentials.setContainersAuthFiles({primaryPath, configHomePath});
    const auto result = credentials.lookup(u"ghcr.io"_s);
    if (expectedUser == u"error"_s) {
        QVERIFY(!result.ok());
        QVERIFY2(result.errorMessage().contains(u"primary.json"_s),
                 qPrintable(result.errorMessage()));
        return;
    }
    QVERIFY2(result.ok(), qPrintable(result.errorMessage()));
    if (expectedUser.isEmpty()) {
        QVERIFY(!result->has_value());
        return;
    }
    QVERIFY(result->has_value());
    QCOMPARE((*result)->username, expectedUser);
    QCOMPARE((*result)->secret, u"pw"_s);
}

void TestDockerCredentials::containersAuthHelper() {
    // podman login --authfile with credHelpers: the helper is asked, as docker would.
    installHelper(u"podtest"_s,
                  R"(printf '{"ServerURL":"ghcr.io","Username":"helped","Secret":"s"}')");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString authFile = dir.filePath(u"auth.json"_s);
    QVERIFY(writeFile(authFile, R"({"auths":{},"credHelpers":{"ghcr.io":"podtest"}})"));
    DockerCredentials credentials(dir.filePath(u"no-docker"_s));
    credentials.setContainersAuthFiles({authFile});
    const auto result = credentials.lookup(u"ghcr.io"_s);
    QVERIFY2(result.ok(), qPrintable(result.errorMessage()));
    QVERIFY(result->has_value());
    QCOMPARE((*result)->username, u"helped"_s);
    QCOMPARE(recordedArguments(), u"get"_s);
    QCOMPARE(recordedStdin(), u"ghcr.io"_s);
}

BERTH_TEST_MAIN(TestDockerCredentials)

#include "tst_dockercredentials.moc"
