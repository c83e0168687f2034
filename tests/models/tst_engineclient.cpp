// The engine transport against a real dockerd (and podman's service where it runs) on a
// unix socket in a temporary directory, pulling from and pushing to real docker-registry
// instances on loopback that RegistrySeeder filled with real layers.

#include "AsyncWait.h"
#include "EngineServer.h"
#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "TestMain.h"

#include "engine/EngineClient.h"
#include "engine/EngineRetag.h"
#include "registry/DockerCredentials.h"
#include "registry/RegistryTransport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTcpServer>
#include <QTemporaryDir>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

const QString kPath = u"acme/payment-api"_s;

struct Seeded {
    QString digest;
    QString configDigest;
};

// One OCI image and one Docker schema 2 image, each with one real gzip tar layer.
QJsonObject spec() {
    QJsonArray images;
    images.append(QJsonObject{{u"tags"_s, QJsonArray{u"v1.0.0"_s}},
                              {u"format"_s, u"oci"_s},
                              {u"layerSeed"_s, u"engine-oci"_s}});
    images.append(QJsonObject{{u"tags"_s, QJsonArray{u"v1.1.0"_s}},
                              {u"format"_s, u"docker"_s},
                              {u"layerSeed"_s, u"engine-docker"_s}});
    return QJsonObject{{u"repository"_s, kPath}, {u"images"_s, images}};
}

// The registry's own view of a tag: digest and config digest, read without the engine.
struct RegistryView {
    QString digest;
    QString configDigest;
    QString mediaType;
};

RegistryView readTag(const RegistryServer& server, const QString& tag) {
    QNetworkAccessManager network;
    QNetworkRequest request(
        QUrl(server.baseUrl().toString() + u"/v2/"_s + kPath + u"/manifests/"_s + tag));
    request.setRawHeader("Accept", "application/vnd.oci.image.manifest.v1+json, "
                                   "application/vnd.docker.distribution.manifest.v2+json");
    if (server.options().auth == RegistryServer::Auth::Htpasswd) {
        const QByteArray pair =
            (server.options().username + u':' + server.options().password).toUtf8();
        request.setRawHeader("Authorization", "Basic " + pair.toBase64());
    }
    std::unique_ptr<QNetworkReply> reply(network.get(request));
    if (!QTest::qWaitFor([&reply] { return reply->isFinished(); }, 15000))
        return {};
    const QJsonObject manifest = QJsonDocument::fromJson(reply->readAll()).object();
    return {QString::fromLatin1(reply->rawHeader("Docker-Content-Digest")),
            manifest.value(u"config"_s).toObject().value(u"digest"_s).toString(),
            manifest.value(u"mediaType"_s).toString()};
}

// A loopback port nothing listens on (bound, then released).
quint16 closedPort() {
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

} // namespace

class TestEngineClient : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<EngineServer> m_engine;
    std::unique_ptr<RegistryServer> m_plain;
    std::unique_ptr<RegistryServer> m_secured;
    QList<Seeded> m_plainImages;
    QList<Seeded> m_securedImages;
    QTemporaryDir m_dockerConfig;

    bool seed(RegistryServer& server, QList<Seeded>& into) {
        QString error;
        const QJsonObject seeded = RegistrySeeder::seed(server, spec(), &error);
        if (seeded.isEmpty()) {
            qWarning("seeding failed: %s", qPrintable(error));
            return false;
        }
        for (const QJsonValue& image : seeded.value(u"images"_s).toArray())
            into.append({image[u"digest"_s].toString(), image[u"configDigest"_s].toString()});
        return into.size() == 2;
    }

    QString repository(const RegistryServer& server) const {
        return server.hostPort() + u'/' + kPath;
    }

    // Credentials the way a user has them: in a docker config.json that DockerCredentials reads.
    std::optional<RegistryCredentials> securedCredentials() const {
        const auto found = DockerCredentials(m_dockerConfig.path()).lookup(m_secured->hostPort());
        return found ? *found : std::nullopt;
    }

    static std::optional<Result<EngineRetagOutcome>>
    retag(EngineClient& client, const EngineRetagRequest& request, QList<ProgressEvent>* events) {
        return waitForResult<EngineRetagOutcome>(
            [&](QObject* context, auto done) {
                EngineRetag::start(
                    client, request, context,
                    [events](const ProgressEvent& event) { events->append(event); }, done);
            },
            120000);
    }

private slots:
    void initTestCase() {
        if (const QString reason = EngineServer::unavailableReason(); !reason.isEmpty())
            QSKIP(qPrintable(reason));
        if (const QString reason = RegistryServer::unavailableReason(
                RegistryServer::Options{.auth = RegistryServer::Auth::Htpasswd});
            !reason.isEmpty())
            QSKIP(qPrintable(reason));

        m_engine = std::make_unique<EngineServer>();
        if (!m_engine->start())
            QSKIP(qPrintable(u"dockerd did not start: "_s + m_engine->errorString()));

        m_plain = std::make_unique<RegistryServer>();
        m_secured = std::make_unique<RegistryServer>(
            RegistryServer::Options{.auth = RegistryServer::Auth::Htpasswd});
        QVERIFY2(m_plain->start(), qPrintable(m_plain->errorString()));
        QVERIFY2(m_secured->start(), qPrintable(m_secured->errorString()));
        QVERIFY(seed(*m_plain, m_plainImages));
        QVERIFY(seed(*m_secured, m_securedImages));

        QVERIFY(m_dockerConfig.isValid());
        QFile config(m_dockerConfig.filePath(u"config.json"_s));
        QVERIFY(config.open(QIODevice::WriteOnly));
        const QByteArray auth =
            (m_secured->options().username + u':' + m_secured->options().password)
                .toUtf8()
                .toBase64();
        config.write(
            QJsonDocument(
                QJsonObject{{u"auths"_s,
                             QJsonObject{{m_secured->hostPort(),
                                          QJsonObject{{u"auth"_s, QString::fromLatin1(auth)}}}}}})
                .toJson());
    }

    void cleanupTestCase() {
        // Explicitly, so a failed QVERIFY above still stops the engine before the registries.
        m_engine.reset();
    }

    void ping() {
        EngineClient client(m_engine->dockerHost());
        const auto info = waitForResult<EngineInfo>(
            [&](QObject* context, auto done) { client.ping(context, done); });
        QVERIFY(info);
        QVERIFY2(info->ok(), qPrintable(info->errorMessage()));
        const EngineInfo engine = info->value();
        QVERIFY(!engine.apiVersion.isEmpty());
        QVERIFY(EngineConnection::compareApiVersions(
                    engine.negotiatedVersion,
                    QString::fromLatin1(EngineConnection::kMaximumApiVersion)) <= 0);
        QVERIFY(EngineConnection::compareApiVersions(engine.negotiatedVersion, engine.apiVersion) <=
                0);
        QVERIFY(!engine.isPodman());
        QVERIFY(engine.server.startsWith(u"Docker/"_s));
        qInfo("engine %s, API %s, negotiated %s", qPrintable(engine.server),
              qPrintable(engine.apiVersion), qPrintable(engine.negotiatedVersion));
    }

    void pullByDigest_data() {
        QTest::addColumn<int>("image");
        QTest::newRow("OCI manifest") << 0;
        QTest::newRow("Docker schema 2") << 1;
    }

    void pullByDigest() {
        QFETCH(int, image);
        EngineClient client(m_engine->dockerHost());
        QList<ProgressEvent> events;
        const QString digest = m_plainImages.at(image).digest;
        const auto pulled = waitForResult<Unit>([&](QObject* context, auto done) {
            client.pull(
                repository(*m_plain), digest, std::nullopt, context,
                [&events](const ProgressEvent& event) { events.append(event); }, done);
        });
        QVERIFY(pulled);
        QVERIFY2(pulled->ok(), qPrintable(pulled->errorMessage()));
        QVERIFY(!events.isEmpty());
        QVERIFY(std::all_of(events.cbegin(), events.cend(),
                            [](const auto& event) { return event.step == u"pull"_s; }));
        // The engine really has it now: tagging by digest works.
        const auto tagged = waitForResult<Unit>([&](QObject* context, auto done) {
            client.tag(repository(*m_plain) + u'@' + digest, repository(*m_plain),
                       u"pulled-%1"_s.arg(image), context, done);
        });
        QVERIFY(tagged);
        QVERIFY2(tagged->ok(), qPrintable(tagged->errorMessage()));
    }

    void retag_data() {
        QTest::addColumn<int>("image");
        QTest::newRow("OCI manifest") << 0;
        QTest::newRow("Docker schema 2") << 1;
    }

    // Pull by digest, tag, push with the user's docker credentials; then the registry
    // itself says what the tag points at now.
    void retag() {
        QFETCH(int, image);
        const auto credentials = securedCredentials();
        QVERIFY(credentials);
        EngineClient client(m_engine->dockerHost());
        const Seeded source = m_securedImages.at(image);
        const QString tag = u"staging-%1"_s.arg(image);
        QList<ProgressEvent> events;
        const auto result = retag(
            client, {repository(*m_secured), source.digest, tag, false, credentials}, &events);
        QVERIFY(result);
        QVERIFY2(result->ok(), qPrintable(result->errorMessage()));
        const EngineRetagOutcome outcome = result->value();

        const RegistryView view = readTag(*m_secured, tag);
        QCOMPARE(view.digest, outcome.pushedDigest);
        QCOMPARE(view.configDigest, source.configDigest);
        QCOMPARE(outcome.reencoded, outcome.pushedDigest != source.digest);
        if (outcome.reencoded)
            QVERIFY(outcome.message.contains(
                u"re-encoded the manifest: %1 now has digest %2"_s.arg(tag, outcome.pushedDigest)));
        for (const QString& step : {u"pull"_s, u"tag"_s, u"push"_s})
            QVERIFY2(std::any_of(events.cbegin(), events.cend(),
                                 [&step](const auto& event) { return event.step == step; }),
                     qPrintable(step));
        qInfo("source %s -> pushed %s as %s (reencoded: %s)", qPrintable(source.digest),
              qPrintable(view.digest), qPrintable(view.mediaType),
              outcome.reencoded ? "yes" : "no");

        // What the engine pushed is in its own serialisation: moving another tag to that
        // digest keeps it byte for byte.
        const auto again = retag(
            client,
            {repository(*m_secured), outcome.pushedDigest, tag + u"-again"_s, false, credentials},
            &events);
        QVERIFY(again);
        QVERIFY2(again->ok(), qPrintable(again->errorMessage()));
        QCOMPARE(again->value().pushedDigest, outcome.pushedDigest);
        QVERIFY(!again->value().reencoded);
    }

    void multiArchIndexRefused() {
        // No engine needed: the refusal comes before any call.
        EngineClient client(u"unix:///nonexistent/docker.sock"_s);
        QList<ProgressEvent> events;
        const auto result = retag(
            client,
            {repository(*m_plain), m_plainImages.at(0).digest, u"production"_s, true, std::nullopt},
            &events);
        QVERIFY(result);
        QVERIFY(!result->ok());
        QVERIFY2(result->errorMessage().contains(u"registry transport"_s),
                 qPrintable(result->errorMessage()));
        QVERIFY(events.isEmpty());
    }

    void engineErrors_data() {
        QTest::addColumn<QString>("operation");
        QTest::addColumn<QString>("expected");   // part of the engine's own message
        QTest::addColumn<int>("expectedStatus"); // 200: the error came inside the stream

        QTest::newRow("push to a closed registry port")
            << u"push-closed"_s << u"connection refused"_s << 200;
        QTest::newRow("push without credentials") << u"push-anonymous"_s << u"auth"_s << 200;
        QTest::newRow("pull of an unknown digest")
            << u"pull-unknown"_s << u"manifest unknown"_s << 404;
        QTest::newRow("tag of an unknown image") << u"tag-unknown"_s << u"No such image"_s << 404;
    }

    void engineErrors() {
        QFETCH(QString, operation);
        QFETCH(QString, expected);
        QFETCH(int, expectedStatus);
        EngineClient client(m_engine->dockerHost());

        const QString local = repository(*m_plain) + u'@' + m_plainImages.at(1).digest;
        auto pullLocal = waitForResult<Unit>([&](QObject* context, auto done) {
            client.pull(repository(*m_plain), m_plainImages.at(1).digest, std::nullopt, context, {},
                        done);
        });
        QVERIFY(pullLocal && pullLocal->ok());

        std::optional<Status> outcome;
        auto tagAndPush = [&](const QString& target) -> std::optional<Status> {
            const auto tagged = waitForResult<Unit>([&](QObject* context, auto done) {
                client.tag(local, target, u"broken"_s, context, done);
            });
            if (!tagged || !tagged->ok())
                return tagged;
            const auto pushed = waitForResult<PushResult>([&](QObject* context, auto done) {
                client.push(target, u"broken"_s, std::nullopt, context, {}, done);
            });
            if (!pushed)
                return std::nullopt;
            return pushed->ok() ? Status(Unit{}) : Status(pushed->error());
        };
        if (operation == u"push-closed"_s) {
            outcome = tagAndPush(u"127.0.0.1:%1/%2"_s.arg(closedPort()).arg(kPath));
        } else if (operation == u"push-anonymous"_s) {
            outcome = tagAndPush(repository(*m_secured));
        } else if (operation == u"pull-unknown"_s) {
            outcome = waitForResult<Unit>([&](QObject* context, auto done) {
                client.pull(repository(*m_plain), u"sha256:"_s + QString(64, u'0'), std::nullopt,
                            context, {}, done);
            });
        } else {
            outcome = waitForResult<Unit>([&](QObject* context, auto done) {
                client.tag(u"127.0.0.1:1/nothing/here:missing"_s, repository(*m_plain), u"x"_s,
                           context, done);
            });
        }
        QVERIFY(outcome);
        QVERIFY(!outcome->ok());
        const Error error = outcome->error();
        QVERIFY2(error.message.contains(expected, Qt::CaseInsensitive), qPrintable(error.message));
        QCOMPARE(error.httpStatus, expectedStatus);
        QVERIFY(!error.message.contains(m_secured->options().password));
        qInfo("%s", qPrintable(error.message));
    }

    void engineMissing_data() {
        QTest::addColumn<QString>("dockerHost");
        QTest::addColumn<QString>("expected");
        QTest::newRow("socket path that does not exist")
            << u"unix:///tmp/berth-no-engine-here/docker.sock"_s << u"socket does not exist"_s;
        QTest::newRow("tcp port nobody listens on")
            << u"tcp://127.0.0.1:%1"_s.arg(closedPort()) << u"Cannot connect"_s;
        QTest::newRow("unsupported DOCKER_HOST") << u"ssh://somewhere"_s << u"not supported"_s;
    }

    void engineMissing() {
        QFETCH(QString, dockerHost);
        QFETCH(QString, expected);
        EngineClient client(dockerHost);
        const auto pulled = waitForResult<Unit>([&](QObject* context, auto done) {
            client.pull(repository(*m_plain), m_plainImages.at(0).digest, std::nullopt, context, {},
                        done);
        });
        QVERIFY(pulled);
        QVERIFY(!pulled->ok());
        QVERIFY2(pulled->errorMessage().contains(expected), qPrintable(pulled->errorMessage()));
        QVERIFY(pulled->errorMessage().contains(dockerHost));
    }

    // A registry that accepts connections and never answers keeps the engine busy in
    // the middle of a push: the engine then dies (SIGKILL) under the open stream.
    void engineKilledMidPush() {
        EngineServer engine;
        if (!engine.start())
            QSKIP(qPrintable(u"a second dockerd did not start: "_s + engine.errorString()));
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
        const QString target = u"127.0.0.1:%1/%2"_s.arg(silent.serverPort()).arg(kPath);

        EngineClient client(engine.dockerHost());
        const QString source = m_plainImages.at(1).digest;
        auto pulled = waitForResult<Unit>([&](QObject* context, auto done) {
            client.pull(repository(*m_plain), source, std::nullopt, context, {}, done);
        });
        QVERIFY(pulled && pulled->ok());
        auto tagged = waitForResult<Unit>([&](QObject* context, auto done) {
            client.tag(repository(*m_plain) + u'@' + source, target, u"gone"_s, context, done);
        });
        QVERIFY(tagged && tagged->ok());

        QObject context;
        QList<ProgressEvent> events;
        std::optional<Result<PushResult>> pushed;
        client.push(
            target, u"gone"_s, std::nullopt, &context,
            [&events](const ProgressEvent& event) { events.append(event); },
            [&pushed](Result<PushResult> result) { pushed.emplace(std::move(result)); });
        // The stream has started once the engine said which repository it pushes to.
        QTRY_VERIFY_WITH_TIMEOUT(!events.isEmpty(), 30000);
        QVERIFY(!pushed);
        engine.kill();
        QTRY_VERIFY_WITH_TIMEOUT(pushed.has_value(), 30000);
        QVERIFY(!pushed->ok());
        QVERIFY2(pushed->errorMessage().contains(u"went away while pushing"_s),
                 qPrintable(pushed->errorMessage()));
        qInfo("%s", qPrintable(pushed->errorMessage()));
    }

    void cancelPull() {
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
        EngineClient client(m_engine->dockerHost());
        QObject context;
        std::optional<Status> pulled;
        const EngineOperation operation = client.pull(
            u"127.0.0.1:%1/%2"_s.arg(silent.serverPort()).arg(kPath), m_plainImages.at(0).digest,
            std::nullopt, &context, {}, [&pulled](Status result) { pulled.emplace(result); });
        // The engine is now waiting on the silent registry, and we on the engine.
        QTRY_VERIFY_WITH_TIMEOUT(silent.hasPendingConnections(), 30000);
        QVERIFY(!pulled);
        operation.cancel();
        QTRY_VERIFY_WITH_TIMEOUT(pulled.has_value(), 10000);
        QVERIFY(!pulled->ok());
        QVERIFY2(pulled->errorMessage().contains(u"was cancelled"_s),
                 qPrintable(pulled->errorMessage()));
        // The engine had the request and may finish it without us: an open outcome, which
        // a push turns into a pending audit row rather than a failure (EngineRetag).
        QCOMPARE(pulled->error().outcome, Outcome::NoAnswer);
        QVERIFY2(pulled->errorMessage().contains(u"may still finish it"_s),
                 qPrintable(pulled->errorMessage()));
    }

    void contextLifetime_data() {
        QTest::addColumn<bool>("destroyContext");
        QTest::newRow("context alive") << false;
        QTest::newRow("context destroyed first") << true;
    }

    // A destroyed context gets no callback, although the work finished and was relayed.
    void contextLifetime() {
        QFETCH(bool, destroyContext);
        bool called = false;
        auto context = std::make_unique<QObject>();
        {
            EngineClient client(m_engine->dockerHost());
            client.ping(context.get(), [&called](Result<EngineInfo>) { called = true; });
            if (destroyContext)
                context.reset();
        } // the client waits for its worker: the result is queued by now
        QCoreApplication::sendPostedEvents();
        QCOMPARE(called, !destroyContext);
    }

    // Podman's compatible service, where it runs: Libpod-API-Version, a pull error inside
    // an HTTP 200 stream, and a push that reports its digest without aux.
    void podman() {
        if (const QString reason = EngineServer::unavailableReason(EngineServer::Kind::Podman);
            !reason.isEmpty())
            QSKIP(qPrintable(reason));
        EngineServer engine(EngineServer::Kind::Podman);
        if (!engine.start())
            QSKIP(qPrintable(u"podman did not start: "_s + engine.errorString()));
        EngineClient client(engine.dockerHost());

        const auto info = waitForResult<EngineInfo>(
            [&](QObject* context, auto done) { client.ping(context, done); });
        QVERIFY(info && info->ok());
        QVERIFY(info->value().isPodman());

        const auto unknown = waitForResult<Unit>([&](QObject* context, auto done) {
            client.pull(repository(*m_plain), u"sha256:"_s + QString(64, u'0'), std::nullopt,
                        context, {}, done);
        });
        QVERIFY(unknown && !unknown->ok());
        QVERIFY2(unknown->errorMessage().contains(u"manifest unknown"_s),
                 qPrintable(unknown->errorMessage()));
        QCOMPARE(unknown->error().httpStatus, 200);

        QList<ProgressEvent> events;
        const Seeded source = m_plainImages.at(0);
        const auto result =
            retag(client, {repository(*m_plain), source.digest, u"podman"_s, false, std::nullopt},
                  &events);
        QVERIFY(result);
        QVERIFY2(result->ok(), qPrintable(result->errorMessage()));
        const RegistryView view = readTag(*m_plain, u"podman"_s);
        QCOMPARE(view.digest, result->value().pushedDigest);
        QCOMPARE(view.configDigest, source.configDigest);
        qInfo("podman %s: source %s -> pushed %s as %s", qPrintable(info->value().libpodApiVersion),
              qPrintable(source.digest), qPrintable(view.digest), qPrintable(view.mediaType));
    }
};

BERTH_TEST_MAIN(TestEngineClient)
#include "tst_engineclient.moc"
