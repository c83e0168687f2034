// Credentials a podman user has: a real `podman login` against a real htpasswd registry
// on loopback, then `berthctl builds` with no docker config anywhere, so only the
// containers-auth.json podman wrote can let it in. Each row puts that file where
// containers-auth.json(5) says skopeo looks.

#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "TestMain.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth::test;

namespace {

const QString kRepository = u"acme/app"_s;
constexpr int kProcessTimeoutMs = 60000;

struct Run {
    int exitCode = -1;
    QByteArray out;
    QString err;
};

Run run(const QString& program, const QStringList& arguments,
        const QProcessEnvironment& environment, const QByteArray& input = {}) {
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(program, arguments);
    process.write(input);
    process.closeWriteChannel();
    Run result;
    if (!process.waitForFinished(kProcessTimeoutMs)) {
        process.kill();
        process.waitForFinished();
        result.err = u"%1 did not finish"_s.arg(program);
        return result;
    }
    if (process.exitStatus() == QProcess::NormalExit)
        result.exitCode = process.exitCode();
    result.out = process.readAllStandardOutput();
    result.err += QString::fromUtf8(process.readAllStandardError());
    return result;
}

} // namespace

class TestPodmanCredentials : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<RegistryServer> m_server;
    QString m_seededDigest;

    // Nothing of the developer's own: an empty home, no docker config, no runtime dir.
    static QProcessEnvironment isolated(const QTemporaryDir& dir) {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"HOME"_s, dir.filePath(u"home"_s));
        environment.insert(u"DOCKER_CONFIG"_s, dir.filePath(u"docker"_s));
        environment.insert(u"XDG_CONFIG_HOME"_s, dir.filePath(u"config-empty"_s));
        environment.insert(u"XDG_DATA_HOME"_s, dir.filePath(u"data"_s));
        environment.insert(u"XDG_RUNTIME_DIR"_s, dir.filePath(u"run-empty"_s));
        environment.remove(u"REGISTRY_AUTH_FILE"_s);
        return environment;
    }

private slots:
    void initTestCase() {
        if (QStandardPaths::findExecutable(u"podman"_s).isEmpty())
            QSKIP("podman is not installed");
        RegistryServer::Options options;
        options.auth = RegistryServer::Auth::Htpasswd;
        const QString missing = RegistryServer::unavailableReason(options);
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        m_server = std::make_unique<RegistryServer>(options);
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        const QJsonObject image{
            {u"tags"_s, QJsonArray{u"v1.0.0"_s}},           {u"format"_s, u"oci"_s},
            {u"created"_s, u"2026-01-02T03:04:05Z"_s},      {u"labels"_s, QJsonObject{}},
            {u"platforms"_s, QJsonArray{u"linux/amd64"_s}}, {u"layerSeed"_s, u"podman"_s}};
        QString error;
        const QJsonObject seeded = RegistrySeeder::seed(
            *m_server, {{u"repository"_s, kRepository}, {u"images"_s, QJsonArray{image}}}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_seededDigest =
            seeded.value(u"images"_s).toArray().first().toObject().value(u"digest"_s).toString();
        QVERIFY(!m_seededDigest.isEmpty());
    }

    void buildsWithPodmanLogin_data() {
        // Where podman login writes (relative to the test's directory; empty: its default
        // under XDG_RUNTIME_DIR), and the variable berthctl then finds it by.
        QTest::addColumn<QString>("authFile");
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("value");
        QTest::newRow("$REGISTRY_AUTH_FILE")
            << u"elsewhere/auth.json"_s << u"REGISTRY_AUTH_FILE"_s << u"elsewhere/auth.json"_s;
        QTest::newRow("$XDG_RUNTIME_DIR/containers/auth.json (podman's default)")
            << QString() << u"XDG_RUNTIME_DIR"_s << u"run"_s;
        QTest::newRow("$XDG_CONFIG_HOME/containers/auth.json")
            << u"config/containers/auth.json"_s << u"XDG_CONFIG_HOME"_s << u"config"_s;
    }
    void buildsWithPodmanLogin() {
        QFETCH(QString, authFile);
        QFETCH(QString, variable);
        QFETCH(QString, value);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        for (const QString& sub : {u"home"_s, u"docker"_s, u"run"_s, u"run-empty"_s, u"config"_s,
                                   u"config-empty"_s, u"elsewhere"_s})
            QVERIFY(QDir(dir.path()).mkpath(sub));

        QProcessEnvironment podmanEnvironment = isolated(dir);
        podmanEnvironment.insert(u"XDG_RUNTIME_DIR"_s, dir.filePath(u"run"_s));
        // podman 4 writes to $DOCKER_CONFIG/config.json when that is set.
        podmanEnvironment.remove(u"DOCKER_CONFIG"_s);
        QStringList login{u"login"_s, u"--tls-verify=false"_s, u"--username"_s,
                          m_server->options().username, u"--password-stdin"_s};
        if (!authFile.isEmpty())
            login << u"--authfile"_s << dir.filePath(authFile);
        login << m_server->hostPort();
        const Run loggedIn =
            run(u"podman"_s, login, podmanEnvironment, m_server->options().password.toUtf8());
        QVERIFY2(loggedIn.exitCode == 0, qPrintable(loggedIn.err));
        const QString written = authFile.isEmpty() ? dir.filePath(u"run/containers/auth.json"_s)
                                                   : dir.filePath(authFile);
        QVERIFY2(QFile::exists(written), qPrintable(written));
        QVERIFY(QDir(dir.filePath(u"docker"_s)).isEmpty());

        // Without the variable pointing at podman's file, berthctl has no way in.
        const QStringList builds{u"builds"_s, m_server->hostPort() + u'/' + kRepository,
                                 u"--json"_s, u"--db"_s, dir.filePath(u"history.sqlite"_s)};
        const Run anonymous = run(QStringLiteral(BERTHCTL_PATH), builds, isolated(dir));
        QVERIFY2(anonymous.exitCode != 0, anonymous.out.constData());
        QVERIFY2(anonymous.err.contains(u"401"_s), qPrintable(anonymous.err));

        QProcessEnvironment environment = isolated(dir);
        environment.insert(variable, dir.filePath(value));
        const Run listed = run(QStringLiteral(BERTHCTL_PATH), builds, environment);
        QVERIFY2(listed.exitCode == 0, qPrintable(listed.err));
        const QJsonArray found = QJsonDocument::fromJson(listed.out).array();
        QCOMPARE(found.size(), 1);
        QCOMPARE(found.first().toObject().value(u"digest"_s).toString(), m_seededDigest);
    }
};

BERTH_TEST_MAIN(TestPodmanCredentials)

#include "tst_podmancredentials.moc"
