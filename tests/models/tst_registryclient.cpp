// The registry client and build collector against a real docker-registry on
// loopback, in every authentication and transport mode the product supports.

#include "AsyncWait.h"
#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "TestMain.h"

#include "registry/BuildCollector.h"
#include "registry/RegistryAuth.h"
#include "registry/RegistryClient.h"
#include "registry/RegistryTransport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

Q_DECLARE_METATYPE(berth::test::RegistryServer::Auth)

namespace {

const QString kRepository = u"acme/payment-api"_s;

QJsonObject image(const QStringList& tags, const QString& format, const QString& created,
                  const QJsonObject& labels, const QStringList& platforms, const QString& seed) {
    return QJsonObject{{u"tags"_s, QJsonArray::fromStringList(tags)},
                       {u"format"_s, format},
                       {u"created"_s, created},
                       {u"labels"_s, labels},
                       {u"platforms"_s, QJsonArray::fromStringList(platforms)},
                       {u"layerSeed"_s, seed}};
}

// Three builds, three tags each: OCI image, Docker schema 2 image, OCI multi-arch index.
QJsonObject releaseSpec() {
    QJsonArray images;
    images.append(image(
        {u"v1.0.0"_s, u"a3f2c8d"_s, u"main-a3f2c8d"_s}, u"oci"_s, u"2026-01-02T03:04:05Z"_s,
        {{u"org.opencontainers.image.revision"_s, u"a3f2c8d0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6"_s}},
        {u"linux/amd64"_s}, u"first"_s));
    images.append(image({u"v1.1.0"_s, u"staging"_s, u"latest"_s}, u"docker"_s,
                        u"2026-02-03T04:05:06Z"_s, {{u"git.commit"_s, u"b4e5f6a"_s}},
                        {u"linux/amd64"_s}, u"second"_s));
    images.append(image({u"v1.2.0"_s, u"production"_s, u"v1"_s}, u"oci"_s,
                        u"2026-03-04T05:06:07Z"_s, {{u"build.date"_s, u"2026-03-04"_s}},
                        {u"linux/amd64"_s, u"linux/arm64"_s}, u"third"_s));
    return QJsonObject{{u"repository"_s, kRepository}, {u"images"_s, images}};
}

QStringList sorted(QStringList list) {
    list.sort();
    return list;
}

} // namespace

class TestRegistryClient : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<RegistryServer> m_server;
    QNetworkAccessManager m_network; // the test's own look at the issuer and the registry
    QTemporaryDir m_dockerConfig;

    // Starts a registry, or skips the test with the reason when one cannot run here.
    bool startServer(RegistryServer::Options options) {
        const QString missing = RegistryServer::unavailableReason(options);
        if (!missing.isEmpty()) {
            qWarning("Skipping: %s", qPrintable(missing));
            return false;
        }
        m_server = std::make_unique<RegistryServer>(options);
        if (!m_server->start()) {
            qWarning("Registry did not start: %s", qPrintable(m_server->errorString()));
            return false;
        }
        return true;
    }

    // Seeds the release spec into the running registry; the seeder's error, empty when
    // it worked. `seeded` receives what the seeder pushed.
    QString seedRelease(QJsonObject* seeded = nullptr) {
        QString error;
        const QJsonObject pushed = RegistrySeeder::seed(*m_server, releaseSpec(), &error);
        if (seeded)
            *seeded = pushed;
        return error;
    }

    // A docker config directory holding the given login for the test registry.
    QString writeDockerConfig(const QString& username, const QString& password) {
        const QByteArray auth = (username + u':' + password).toUtf8().toBase64();
        const QJsonObject config{
            {u"auths"_s, QJsonObject{{m_server->hostPort(),
                                      QJsonObject{{u"auth"_s, QString::fromLatin1(auth)}}}}}};
        QFile file(m_dockerConfig.filePath(u"config.json"_s));
        if (!file.open(QIODevice::WriteOnly))
            return {};
        file.write(QJsonDocument(config).toJson());
        return m_dockerConfig.path();
    }

    RegistryOptions clientOptions() { return clientOptionsFor(m_server->options()); }

    RegistryOptions clientOptionsFor(const RegistryServer::Options& server) {
        RegistryOptions options;
        options.caFile = m_server->caFile();
        options.dockerConfigDir = server.auth == RegistryServer::Auth::None
                                      ? m_dockerConfig.path() // empty: anonymous
                                      : writeDockerConfig(server.username, server.password);
        return options;
    }

    static std::optional<Result<BuildCollection>> collect(RegistryClient& client) {
        BuildCollector collector(&client);
        return waitForResult<BuildCollection>(
            [&collector](QObject* context, Callback<BuildCollection> done) {
                collector.collect(kRepository, context, done);
            });
    }

    static std::optional<Result<QStringList>> tags(RegistryClient& client, int pageSize = 1000) {
        return waitForResult<QStringList>(
            [&client, pageSize](QObject* context, Callback<QStringList> done) {
                client.listTags(kRepository, context, done, pageSize);
            });
    }

    // A pull token for kRepository straight from the issuer, as the client gets one.
    QByteArray issueToken() {
        QUrl url = m_server->tokenRealm();
        url.setQuery(u"service=%1&scope=repository:%2:pull"_s.arg(RegistryServer::tokenService(),
                                                                  kRepository));
        QNetworkRequest request(url);
        const QByteArray pair =
            (m_server->options().username + u':' + m_server->options().password).toUtf8();
        request.setRawHeader("Authorization", "Basic " + pair.toBase64());
        std::unique_ptr<QNetworkReply> reply(m_network.get(request));
        if (!QTest::qWaitFor([&reply] { return reply->isFinished(); }, 15000))
            return {};
        return QJsonDocument::fromJson(reply->readAll())
            .object()
            .value(u"token"_s)
            .toString()
            .toUtf8();
    }

    // The registry's status for a tag listing with `token`.
    int registryStatusWith(const QByteArray& token) {
        QNetworkRequest request(
            QUrl(m_server->baseUrl().toString() + u"/v2/%1/tags/list"_s.arg(kRepository)));
        request.setRawHeader("Authorization", "Bearer " + token);
        std::unique_ptr<QNetworkReply> reply(m_network.get(request));
        if (!QTest::qWaitFor([&reply] { return reply->isFinished(); }, 15000))
            return 0;
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }

private slots:
    void init() { QVERIFY(m_dockerConfig.isValid()); }
    void cleanup() { m_server.reset(); }

    void buildsGroupExactlyAsSeeded_data() {
        QTest::addColumn<RegistryServer::Auth>("auth");
        QTest::addColumn<bool>("tls");
        QTest::newRow("plain http") << RegistryServer::Auth::None << false;
        QTest::newRow("htpasswd basic") << RegistryServer::Auth::Htpasswd << false;
        QTest::newRow("tls with generated ca") << RegistryServer::Auth::None << true;
        QTest::newRow("bearer token") << RegistryServer::Auth::Token << false;
        QTest::newRow("bearer token over tls") << RegistryServer::Auth::Token << true;
    }

    void buildsGroupExactlyAsSeeded() {
        QFETCH(RegistryServer::Auth, auth);
        QFETCH(bool, tls);
        RegistryServer::Options options;
        options.auth = auth;
        options.tls = tls;
        if (!startServer(options))
            QSKIP("docker-registry is not available here");
        QJsonObject seeded;
        const QString seedError = seedRelease(&seeded);
        QVERIFY2(seedError.isEmpty(), qPrintable(seedError));
        const QJsonArray seededImages = seeded.value(u"images"_s).toArray();
        QCOMPARE(seededImages.size(), 3);

        RegistryClient client(m_server->hostPort(), clientOptions());
        const auto result = collect(client);
        QVERIFY2(result.has_value(), "the collection never finished");
        QVERIFY2(result->ok(), qPrintable(result->errorMessage()));
        const BuildCollection& collection = result->value();
        QVERIFY2(collection.warnings.isEmpty(), qPrintable(collection.warnings.join(u'\n')));
        QCOMPARE(collection.builds.size(), 3);
        QCOMPARE(collection.tagDigests.size(), 9);

        // Newest first: the index (March), the Docker image (February), the OCI image.
        const QList<int> seededOrder{2, 1, 0};
        for (int i = 0; i < 3; ++i) {
            const Build& build = collection.builds[i];
            const QJsonObject expected = seededImages[seededOrder[i]].toObject();
            QCOMPARE(build.digest, expected.value(u"digest"_s).toString());
            QCOMPARE(build.configDigest, expected.value(u"configDigest"_s).toString());
            QStringList names;
            for (const ClassifiedTag& tag : build.tags)
                names.append(tag.name);
            QCOMPARE(sorted(names), sorted(expected.value(u"tags"_s).toVariant().toStringList()));
            QVERIFY(build.problem.isEmpty());
            QVERIFY(build.created.isValid());
        }
        const Build& index = collection.builds[0];
        QCOMPARE(index.mediaType, MediaTypes::OciIndex);
        QCOMPARE(index.platforms.size(), 2);
        QCOMPARE(index.platforms[0].toString(), u"linux/amd64"_s);
        QCOMPARE(index.platforms[1].toString(), u"linux/arm64"_s);
        QCOMPARE(index.created, QDateTime(QDate(2026, 3, 4), QTime(5, 6, 7), Qt::UTC));
        QCOMPARE(index.labels.value(u"build.date"_s), u"2026-03-04"_s);
        QCOMPARE(index.revision, QString());

        const Build& docker = collection.builds[1];
        QCOMPARE(docker.mediaType, MediaTypes::DockerManifest);
        QCOMPARE(docker.revision, u"b4e5f6a"_s);          // from the git.commit label
        QCOMPARE(docker.tags.first().name, u"staging"_s); // environments lead the chips
        QCOMPARE(docker.tags.first().kind, TagKind::Environment);

        const Build& oci = collection.builds[2];
        QCOMPARE(oci.mediaType, MediaTypes::OciManifest);
        QCOMPARE(oci.revision, u"a3f2c8d0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6"_s);
        QCOMPARE(oci.platforms.size(), 1);
        QVERIFY(oci.size > 0);
    }

    void everyManifestAndConfigIsFetchedOnce() {
        if (!startServer({}))
            QSKIP("docker-registry is not available here");
        const QString seedError = seedRelease();
        QVERIFY2(seedError.isEmpty(), qPrintable(seedError));
        RegistryClient client(m_server->hostPort(), clientOptions());
        const auto result = collect(client);
        QVERIFY(result.has_value() && result->ok());
        // The seeder never HEADs or GETs manifests and never GETs blobs, so these lines are
        // all the client's. The access log trails the answers a little, hence QTRY.
        auto count = [this](const QString& prefix) {
            return m_server->requestLog().filter(prefix).size();
        };
        QTRY_COMPARE(count(u"HEAD /v2/acme/payment-api/manifests/"_s), 9);
        // 3 builds + the index's linux/amd64 child, each by digest, nothing by tag.
        QTRY_COMPARE(count(u"GET /v2/acme/payment-api/manifests/sha256:"_s), 4);
        QCOMPARE(count(u"GET /v2/acme/payment-api/manifests/"_s), 4);
        QTRY_COMPARE(count(u"GET /v2/acme/payment-api/blobs/sha256:"_s), 3);
    }

    void tlsWithoutTheCaIsRefused() {
        RegistryServer::Options options;
        options.tls = true;
        if (!startServer(options))
            QSKIP("docker-registry is not available here");
        RegistryOptions clientOptions; // no CA: the generated certificate is unknown
        clientOptions.dockerConfigDir = m_dockerConfig.path();
        RegistryClient client(m_server->hostPort(), clientOptions);
        const auto result = tags(client);
        QVERIFY(result.has_value());
        QVERIFY(!result->ok());
        QVERIFY2(result->errorMessage().contains(u"not trusted"_s),
                 qPrintable(result->errorMessage()));
        QVERIFY(result->errorMessage().contains(u"--ca-file"_s));
        // It must not have fallen back to plain HTTP against a TLS server.
        QVERIFY(!m_server->requestLog().join(u'\n').contains(u"/tags/list"_s));
    }

    void wrongCredentialsAreReported_data() {
        QTest::addColumn<RegistryServer::Auth>("auth");
        QTest::newRow("htpasswd") << RegistryServer::Auth::Htpasswd;
        QTest::newRow("token") << RegistryServer::Auth::Token;
    }

    void wrongCredentialsAreReported() {
        QFETCH(RegistryServer::Auth, auth);
        RegistryServer::Options options;
        options.auth = auth;
        if (!startServer(options))
            QSKIP("docker-registry is not available here");
        RegistryOptions clientOptions;
        clientOptions.dockerConfigDir = writeDockerConfig(options.username, u"wrong-password"_s);
        RegistryClient client(m_server->hostPort(), clientOptions);
        const auto result = tags(client);
        QVERIFY(result.has_value());
        QVERIFY(!result->ok());
        QCOMPARE(result->error().httpStatus, 401);
        QVERIFY2(!result->errorMessage().contains(u"wrong-password"_s), "secret leaked");
    }

    void anonymousAgainstAuthenticatedRegistryExplainsLogin() {
        RegistryServer::Options options;
        options.auth = RegistryServer::Auth::Htpasswd;
        if (!startServer(options))
            QSKIP("docker-registry is not available here");
        RegistryOptions clientOptions;
        clientOptions.dockerConfigDir = m_dockerConfig.path(); // empty: no login anywhere
        RegistryClient client(m_server->hostPort(), clientOptions);
        const auto result = tags(client);
        QVERIFY(result.has_value());
        QVERIFY(!result->ok());
        QCOMPARE(result->error().httpStatus, 401);
        // The first request goes out anonymously, the second after reading the challenge;
        // then the client stops: never a loop on 401.
        QVERIFY(m_server->waitForRequestCount(3));
        QCOMPARE(m_server->requestLog().filter(u"/tags/list"_s).size(), 2);
    }

    void tokenGoingStaleMidRunIsRenewedOnce() {
        RegistryServer::Options options;
        options.auth = RegistryServer::Auth::Token;
        options.tokenLifetimeSeconds = 2;  // what the registry accepts
        options.advertisedExpiresIn = 300; // what the issuer claims, so the client caches it
        if (!startServer(options))
            QSKIP("docker-registry is not available here");
        const QString seedError = seedRelease();
        QVERIFY2(seedError.isEmpty(), qPrintable(seedError));

        RegistryClient client(m_server->hostPort(), clientOptions());
        const auto first = tags(client);
        QVERIFY(first.has_value() && first->ok());
        QCOMPARE(client.transport()->auth()->tokensFetched(), 1);

        // Wait until the registry refuses the cached token although its expires_in says
        // otherwise: it does once it refuses a token issued after the client's.
        const QByteArray probe = issueToken();
        QVERIFY(!probe.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(registryStatusWith(probe) == 401, 30000);
        // The client must take one fresh token and carry on.
        const auto second = tags(client);
        QVERIFY(second.has_value());
        QVERIFY2(second->ok(), qPrintable(second->errorMessage()));
        QCOMPARE(second->value().size(), 9);
        QCOMPARE(client.transport()->auth()->tokensFetched(), 2);
    }

    void authorizingAPushAheadLeavesThePutNoTokenToWaitFor() {
        RegistryServer::Options options;
        options.auth = RegistryServer::Auth::Token;
        if (!startServer(options))
            QSKIP("docker-registry is not available here");
        const QString seedError = seedRelease();
        QVERIFY2(seedError.isEmpty(), qPrintable(seedError));

        RegistryClient client(m_server->hostPort(), clientOptions());
        const auto blob =
            waitForResult<ManifestBlob>([&](QObject* context, Callback<ManifestBlob> done) {
                client.getManifest(kRepository, u"v1.1.0"_s, context, done);
            });
        QVERIFY(blob && blob->ok());
        QCOMPARE(client.transport()->auth()->tokensFetched(), 1); // pull

        const auto ready = waitForResult<Unit>([&](QObject* context, Callback<Unit> done) {
            client.authorizePush(kRepository, context, done);
        });
        QVERIFY(ready.has_value());
        QVERIFY2(ready->ok(), qPrintable(ready->errorMessage()));
        QCOMPARE(client.transport()->auth()->tokensFetched(), 2); // pull,push

        const auto put =
            waitForResult<ManifestPut>([&](QObject* context, Callback<ManifestPut> done) {
                client.putManifest(kRepository, u"canary"_s, blob->value(), context, done);
            });
        QVERIFY(put.has_value());
        QVERIFY2(put->ok(), qPrintable(put->errorMessage()));
        QCOMPARE(put->value().digest, blob->value().digest);
        QVERIFY(put->value().confirmedByRegistry); // distribution names what it stored
        QCOMPARE(client.transport()->auth()->tokensFetched(), 2); // the PUT took the cached one
    }

    void longTagListsArriveWhole() {
        // distribution 2.8 ignores n on tags/list and answers in one page; paging through
        // Link headers is covered against the catalog below and in tst_hostilehosts.
        if (!startServer({}))
            QSKIP("docker-registry is not available here");
        QStringList manyTags;
        for (int i = 0; i < 25; ++i)
            manyTags.append(u"build-%1"_s.arg(i, 3, 10, QLatin1Char('0')));
        QJsonArray images{image(manyTags, u"oci"_s, u"2026-01-01T00:00:00Z"_s, {},
                                {u"linux/amd64"_s}, u"paged"_s)};
        QString seedError;
        RegistrySeeder::seed(*m_server, {{u"repository"_s, kRepository}, {u"images"_s, images}},
                             &seedError);
        QVERIFY2(seedError.isEmpty(), qPrintable(seedError));

        RegistryClient client(m_server->hostPort(), clientOptions());
        const auto result = tags(client, 10);
        QVERIFY(result.has_value());
        QVERIFY2(result->ok(), qPrintable(result->errorMessage()));
        QCOMPARE(sorted(result->value()), manyTags);
    }

    void catalogIsPaginatedThroughRelativeLinks() {
        if (!startServer({}))
            QSKIP("docker-registry is not available here");
        QStringList names{u"acme/api"_s, u"acme/web"_s, u"tools/cli"_s};
        for (const QString& name : names) {
            QJsonArray images{image({u"v1.0.0"_s}, u"docker"_s, u"2026-01-01T00:00:00Z"_s, {},
                                    {u"linux/amd64"_s}, name)};
            QString seedError;
            RegistrySeeder::seed(*m_server, {{u"repository"_s, name}, {u"images"_s, images}},
                                 &seedError);
            QVERIFY2(seedError.isEmpty(), qPrintable(seedError));
        }
        RegistryClient client(m_server->hostPort(), clientOptions());
        const auto result =
            waitForResult<QStringList>([&client](QObject* context, Callback<QStringList> done) {
                client.listRepositories(context, done, 1);
            });
        QVERIFY(result.has_value());
        QVERIFY2(result->ok(), qPrintable(result->errorMessage()));
        QCOMPARE(sorted(result->value()), names);
    }
};

BERTH_TEST_MAIN(TestRegistryClient)
#include "tst_registryclient.moc"
