// The engine transport to a tcp:// engine the way the docker CLI reaches one: with
// DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, against a real dockerd listening on loopback
// with --tlsverify and a CA of the test's own. And registry credentials never go to a
// plain-HTTP engine that is not on this machine.

#include "AsyncWait.h"
#include "EngineServer.h"
#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "TestCertificates.h"
#include "TestMain.h"

#include "engine/EngineClient.h"
#include "engine/EngineHost.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QScopeGuard>
#include <QTemporaryDir>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

// Sets the docker CLI's TLS variables for one scope, as a user's shell would.
class TlsEnvironment {
public:
    TlsEnvironment(const QByteArray& verify, const QString& certPath) {
        qputenv("DOCKER_TLS_VERIFY", verify);
        qputenv("DOCKER_CERT_PATH", QFile::encodeName(certPath));
    }
    ~TlsEnvironment() {
        qunsetenv("DOCKER_TLS_VERIFY");
        qunsetenv("DOCKER_CERT_PATH");
    }
    TlsEnvironment(const TlsEnvironment&) = delete;
    TlsEnvironment& operator=(const TlsEnvironment&) = delete;
};

} // namespace

class TestEngineTls : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<EngineServer> m_engine;
    std::unique_ptr<RegistryServer> m_registry;
    QString m_digest; // of the one seeded image
    QTemporaryDir m_dir;

    std::optional<Result<EngineInfo>> ping(const QString& dockerHost) {
        EngineClient client(dockerHost);
        return waitForResult<EngineInfo>(
            [&](QObject* context, auto done) { client.ping(context, done); });
    }

    // A DOCKER_CERT_PATH holding the given files, copied from the engine's client folder
    // or, for "other-ca.pem", from a CA the engine does not know.
    QString certFolder(const QString& name, const QStringList& files) {
        const QDir folder(m_dir.filePath(name));
        QDir().mkpath(folder.path());
        const QDir client(m_engine->clientCertPath());
        for (const QString& file : files) {
            if (file == u"other-ca.pem"_s) {
                TestCertificates other(m_dir.path());
                if (!other.createAuthority())
                    qWarning("%s", qPrintable(other.errorString()));
                QFile::copy(other.path(u"ca.pem"_s), folder.filePath(u"ca.pem"_s));
            } else {
                QFile::copy(client.filePath(file), folder.filePath(file));
            }
        }
        return folder.path();
    }

private slots:
    void initTestCase() {
        if (const QString reason = EngineServer::unavailableReason(); !reason.isEmpty())
            QSKIP(qPrintable(reason));
        QVERIFY(m_dir.isValid());
        m_engine = std::make_unique<EngineServer>();
        QVERIFY2(m_engine->enableTls(), qPrintable(m_engine->errorString()));
        QVERIFY2(m_engine->start(), qPrintable(m_engine->errorString()));
        QVERIFY(!m_engine->tlsDockerHost().isEmpty());

        m_registry = std::make_unique<RegistryServer>();
        QVERIFY2(m_registry->start(), qPrintable(m_registry->errorString()));
        const QJsonObject image{
            {u"tags"_s, QJsonArray{u"v1.0.0"_s}},           {u"format"_s, u"docker"_s},
            {u"created"_s, u"2026-01-02T03:04:05Z"_s},      {u"labels"_s, QJsonObject{}},
            {u"platforms"_s, QJsonArray{u"linux/amd64"_s}}, {u"layerSeed"_s, u"tls"_s}};
        QString error;
        const QJsonObject seeded = RegistrySeeder::seed(
            *m_registry, {{u"repository"_s, u"acme/api"_s}, {u"images"_s, QJsonArray{image}}},
            &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_digest = seeded.value(u"images"_s).toArray().first()[u"digest"_s].toString();
    }

    void cleanupTestCase() { m_engine.reset(); }

    void pingsOverVerifiedTls() {
        const TlsEnvironment tls("1", m_engine->clientCertPath());
        const auto info = ping(m_engine->tlsDockerHost());
        QVERIFY(info.has_value());
        QVERIFY2(info->ok(), qPrintable(info->errorMessage()));
        QVERIFY(info->value().server.startsWith(u"Docker/"_s));
    }

    void pullsWithCredentialsOverTls() {
        const TlsEnvironment tls("1", m_engine->clientCertPath());
        EngineClient client(m_engine->tlsDockerHost());
        const RegistryCredentials credentials{u"alice"_s, u"s3cret"_s};
        const auto pulled = waitForResult<Unit>([&](QObject* context, auto done) {
            client.pull(m_registry->hostPort() + u"/acme/api"_s, m_digest, credentials, context, {},
                        done);
        });
        QVERIFY(pulled.has_value());
        QVERIFY2(pulled->ok(), qPrintable(pulled->errorMessage()));
    }

    void refusesWhatTheDockerCliWouldRefuse_data() {
        QTest::addColumn<QByteArray>("verify");
        QTest::addColumn<QStringList>("files");
        QTest::addColumn<QString>("says");
        QTest::newRow("plain HTTP to the TLS port") << QByteArray() << QStringList{} << u"HTTPS"_s;
        QTest::newRow("an engine certificate from another CA")
            << QByteArray("1") << QStringList{u"other-ca.pem"_s, u"cert.pem"_s, u"key.pem"_s}
            << u"did not prove itself"_s;
        QTest::newRow("no ca.pem")
            << QByteArray("1") << QStringList{u"cert.pem"_s, u"key.pem"_s} << u"no ca.pem"_s;
        QTest::newRow("a certificate without its key")
            << QByteArray("1") << QStringList{u"ca.pem"_s, u"cert.pem"_s} << u"needs both"_s;
    }

    void refusesWhatTheDockerCliWouldRefuse() {
        QFETCH(QByteArray, verify);
        QFETCH(QStringList, files);
        QFETCH(QString, says);
        const QString folder = certFolder(QString::fromLatin1(QTest::currentDataTag()), files);
        const TlsEnvironment tls(verify, folder);
        const auto info = ping(m_engine->tlsDockerHost());
        QVERIFY(info.has_value());
        QVERIFY(!info->ok());
        QVERIFY2(info->errorMessage().contains(says), qPrintable(info->errorMessage()));
    }

    void anEngineWithoutOurClientCertificateRefusesUs() {
        const TlsEnvironment tls("1", certFolder(u"ca-only"_s, {u"ca.pem"_s}));
        const auto info = ping(m_engine->tlsDockerHost());
        QVERIFY(info.has_value());
        QVERIFY(!info->ok()); // --tlsverify: the engine asks for a client certificate
    }

    void credentialsGoOnlyWhereNobodyCanReadThem_data() {
        QTest::addColumn<QString>("dockerHost");
        QTest::addColumn<bool>("tls");
        QTest::addColumn<bool>("mayCarry");
        QTest::newRow("unix socket") << u"unix:///run/docker.sock"_s << false << true;
        QTest::newRow("plain, 127.0.0.1") << u"tcp://127.0.0.1:2375"_s << false << true;
        QTest::newRow("plain, 127.3.4.5") << u"tcp://127.3.4.5:2375"_s << false << true;
        QTest::newRow("plain, localhost") << u"tcp://localhost:2375"_s << false << true;
        QTest::newRow("plain, ::1") << u"tcp://[::1]:2375"_s << false << true;
        QTest::newRow("plain, another machine") << u"tcp://192.0.2.10:2375"_s << false << false;
        QTest::newRow("plain, a name") << u"tcp://prod-2:2375"_s << false << false;
        QTest::newRow("plain, 127 as a name") << u"tcp://127.example:2375"_s << false << false;
        QTest::newRow("TLS, another machine") << u"tcp://192.0.2.10:2376"_s << true << true;
    }

    void credentialsGoOnlyWhereNobodyCanReadThem() {
        QFETCH(QString, dockerHost);
        QFETCH(bool, tls);
        QFETCH(bool, mayCarry);
        const EngineTls settings{tls, m_engine->clientCertPath()};
        const Result<EngineHost> host = EngineHost::parse(dockerHost, settings);
        QVERIFY2(host, qPrintable(host.errorMessage()));
        QCOMPARE(host->mayCarryCredentials(), mayCarry);
        QCOMPARE(host->baseUrl().startsWith(u"https://"_s), tls);
    }
};

BERTH_TEST_MAIN(TestEngineTls)
#include "tst_enginetls.moc"
