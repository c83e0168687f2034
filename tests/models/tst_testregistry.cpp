// Proves the test infrastructure itself: every registry mode starts, can be seeded
// and answers as the client tests will assume, so their failures point at the client.

#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "TestMain.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTest>
#include <QUrlQuery>

#include <optional>

using namespace Qt::StringLiterals;

namespace berth::test {

namespace {

const QString Repository = u"berth/demo"_s;
const QByteArray ManifestAccept = "application/vnd.oci.image.index.v1+json, "
                                  "application/vnd.docker.distribution.manifest.list.v2+json, "
                                  "application/vnd.oci.image.manifest.v1+json, "
                                  "application/vnd.docker.distribution.manifest.v2+json";

struct Answer {
    bool finished = false;
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QString errorString;
    bool sslErrors = false;
    QByteArray wwwAuthenticate;
    QByteArray digest;
    QByteArray body;
};

RegistryServer::Options optionsFor(const QString& mode) {
    RegistryServer::Options options;
    if (mode == u"htpasswd"_s) {
        options.auth = RegistryServer::Auth::Htpasswd;
    } else if (mode == u"tls"_s) {
        options.tls = true;
    } else if (mode == u"token"_s) {
        options.auth = RegistryServer::Auth::Token;
    } else if (mode == u"token+tls"_s) {
        options.auth = RegistryServer::Auth::Token;
        options.tls = true;
    }
    return options;
}

void addModes() {
    QTest::addColumn<QString>("mode");
    for (const QString& mode : {u"plain"_s, u"htpasswd"_s, u"tls"_s, u"token"_s, u"token+tls"_s}) {
        QTest::newRow(qPrintable(mode)) << mode;
    }
}

QSslConfiguration trusting(const QString& caFile) {
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setCaCertificates(QSslCertificate::fromPath(caFile));
    return configuration;
}

// One manager per request: Qt reuses connections per host, and a TLS check must never
// ride on a connection another configuration opened.
Answer send(QNetworkRequest request, const QByteArray& verb = "GET",
            std::optional<QSslConfiguration> ssl = std::nullopt) {
    if (ssl) {
        request.setSslConfiguration(*ssl);
    }
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    QNetworkAccessManager manager;
    QNetworkReply* reply =
        verb == "HEAD" ? manager.head(request) : manager.sendCustomRequest(request, verb);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QSignalSpy sslErrors(reply, &QNetworkReply::sslErrors);
    Answer answer;
    answer.finished = finished.wait(10000);
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.error = reply->error();
    answer.errorString = reply->errorString();
    answer.sslErrors = !sslErrors.isEmpty();
    answer.wwwAuthenticate = reply->rawHeader("WWW-Authenticate");
    answer.digest = reply->rawHeader("Docker-Content-Digest");
    answer.body = reply->readAll();
    reply->deleteLater();
    return answer;
}

QByteArray basicCredentials(const RegistryServer& server) {
    const QString pair = server.options().username + u':' + server.options().password;
    return "Basic " + pair.toUtf8().toBase64();
}

QUrl tokenUrl(const RegistryServer& server, const QString& scope) {
    QUrl url = server.tokenRealm();
    QUrlQuery query;
    query.addQueryItem(u"service"_s, RegistryServer::tokenService());
    query.addQueryItem(u"scope"_s, scope);
    url.setQuery(query);
    return url;
}

// The Authorization header a client would end up sending for `scope` in this mode.
QByteArray authorization(const RegistryServer& server, const QString& scope) {
    switch (server.options().auth) {
    case RegistryServer::Auth::None:
        return {};
    case RegistryServer::Auth::Htpasswd:
        return basicCredentials(server);
    case RegistryServer::Auth::Token: {
        QNetworkRequest request(tokenUrl(server, scope));
        request.setRawHeader("Authorization", basicCredentials(server));
        const Answer answer = send(request);
        const QString token = QJsonDocument::fromJson(answer.body)[u"token"].toString();
        return token.isEmpty() ? QByteArray() : "Bearer " + token.toUtf8();
    }
    }
    return {};
}

QNetworkRequest registryRequest(const RegistryServer& server, const QString& path,
                                const QByteArray& authorizationHeader = {}) {
    QUrl url = server.baseUrl();
    const qsizetype queryStart = path.indexOf(u'?');
    url.setPath(path.left(queryStart));
    if (queryStart >= 0) {
        url.setQuery(path.mid(queryStart + 1));
    }
    QNetworkRequest request(url);
    if (!authorizationHeader.isEmpty()) {
        request.setRawHeader("Authorization", authorizationHeader);
    }
    return request;
}

std::optional<QSslConfiguration> sslFor(const RegistryServer& server) {
    if (!server.options().tls) {
        return std::nullopt;
    }
    return trusting(server.caFile());
}

QJsonObject image(const QStringList& tags, const QString& format, const QStringList& platforms,
                  const QString& seed) {
    return QJsonObject{
        {u"tags"_s, QJsonArray::fromStringList(tags)},
        {u"format"_s, format},
        {u"created"_s, u"2026-01-02T03:04:05Z"_s},
        {u"labels"_s, QJsonObject{{u"org.opencontainers.image.revision"_s, seed}}},
        {u"platforms"_s, QJsonArray::fromStringList(platforms)},
        {u"layerSeed"_s, seed},
    };
}

} // namespace

class TestRegistryInfrastructure : public QObject {
    Q_OBJECT

private slots:
    void seedsEveryManifestKind_data() { addModes(); }
    void seedsEveryManifestKind() {
        QFETCH(QString, mode);
        RegistryServer server(optionsFor(mode));
        if (!RegistryServer::unavailableReason(server.options()).isEmpty()) {
            QSKIP(qPrintable(RegistryServer::unavailableReason(server.options())));
        }
        QVERIFY2(server.start(), qPrintable(server.errorString()));

        const QJsonObject spec{
            {u"repository"_s, Repository},
            {u"images"_s,
             QJsonArray{
                 image({u"v1.0.0"_s, u"a3f2c8d"_s}, u"oci"_s, {u"linux/amd64"_s}, u"oci-one"_s),
                 image({u"v1.1.0"_s}, u"docker"_s, {u"linux/amd64"_s}, u"docker-one"_s),
                 image({u"v2.0.0"_s}, u"oci"_s, {u"linux/amd64"_s, u"linux/arm64/v8"_s},
                       u"index-one"_s),
             }},
            {u"moves"_s, QJsonArray{QJsonObject{{u"tag"_s, u"production"_s}, {u"toImage"_s, 1}}}},
        };
        QString error;
        const QJsonObject result = RegistrySeeder::seed(server, spec, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QJsonArray images = result[u"images"].toArray();
        QCOMPARE(images.size(), 3);
        QCOMPARE(images[0][u"mediaType"].toString(),
                 u"application/vnd.oci.image.manifest.v1+json"_s);
        QCOMPARE(images[1][u"mediaType"].toString(),
                 u"application/vnd.docker.distribution.manifest.v2+json"_s);
        QCOMPARE(images[2][u"mediaType"].toString(), u"application/vnd.oci.image.index.v1+json"_s);
        QCOMPARE(images[2][u"manifests"].toArray().size(), 2);

        // The registry serves exactly the digests the seeder reported, under every tag.
        const QByteArray auth = authorization(server, u"repository:%1:pull"_s.arg(Repository));
        const QList<std::pair<QString, int>> expected = {{u"v1.0.0"_s, 0},
                                                         {u"a3f2c8d"_s, 0},
                                                         {u"v1.1.0"_s, 1},
                                                         {u"v2.0.0"_s, 2},
                                                         {u"production"_s, 1}};
        for (const auto& [tag, index] : expected) {
            QNetworkRequest request =
                registryRequest(server, u"/v2/%1/manifests/%2"_s.arg(Repository, tag), auth);
            request.setRawHeader("Accept", ManifestAccept);
            const Answer answer = send(request, "HEAD", sslFor(server));
            QVERIFY2(answer.finished, qPrintable(tag));
            QCOMPARE(answer.status, 200);
            QCOMPARE(QString::fromLatin1(answer.digest), images[index][u"digest"].toString());
        }

        // Seeding is visible in the request log, index children first by digest.
        QVERIFY(server.waitForRequestCount(1));
        const QStringList log = server.requestLog();
        for (const QString& tag :
             {u"v1.0.0"_s, u"a3f2c8d"_s, u"v1.1.0"_s, u"v2.0.0"_s, u"production"_s}) {
            QVERIFY2(log.contains(u"PUT /v2/%1/manifests/%2"_s.arg(Repository, tag)),
                     qPrintable(tag));
        }
        const QJsonArray children = images[2][u"manifests"].toArray();
        const qsizetype indexPut = log.indexOf(u"PUT /v2/%1/manifests/v2.0.0"_s.arg(Repository));
        for (const QJsonValue& child : children) {
            const qsizetype childPut = log.indexOf(
                u"PUT /v2/%1/manifests/%2"_s.arg(Repository, child[u"digest"].toString()));
            QVERIFY(childPut >= 0);
            QVERIFY(childPut < indexPut);
        }
        QVERIFY(server.requestLogWithStatus().contains(
            u"PUT /v2/%1/manifests/v1.0.0 201"_s.arg(Repository)));

        if (server.options().auth == RegistryServer::Auth::Token) {
            QVERIFY(server.tokenRequestCount() > 0);
        } else {
            QCOMPARE(server.tokenRequestCount(), 0);
        }
    }

    void pingAnswersPerMode_data() { addModes(); }
    void pingAnswersPerMode() {
        QFETCH(QString, mode);
        RegistryServer server(optionsFor(mode));
        if (!RegistryServer::unavailableReason(server.options()).isEmpty()) {
            QSKIP(qPrintable(RegistryServer::unavailableReason(server.options())));
        }
        QVERIFY2(server.start(), qPrintable(server.errorString()));

        const Answer answer = send(registryRequest(server, u"/v2/"_s), "GET", sslFor(server));
        QVERIFY(answer.finished);
        switch (server.options().auth) {
        case RegistryServer::Auth::None:
            QCOMPARE(answer.status, 200);
            break;
        case RegistryServer::Auth::Htpasswd:
            QCOMPARE(answer.status, 401);
            QCOMPARE(answer.wwwAuthenticate, QByteArray("Basic realm=\"berth-registry\""));
            break;
        case RegistryServer::Auth::Token:
            QCOMPARE(answer.status, 401);
            QCOMPARE(QString::fromLatin1(answer.wwwAuthenticate),
                     u"Bearer realm=\"%1\",service=\"%2\""_s.arg(server.tokenRealm().toString(),
                                                                 RegistryServer::tokenService()));
            break;
        }
        QVERIFY(server.waitForRequestCount(1));
        QCOMPARE(server.requestLog(), QStringList{u"GET /v2/"_s});
    }

    void tlsNeedsTheGeneratedCa() {
        RegistryServer::Options options;
        options.tls = true;
        RegistryServer server(options);
        if (!RegistryServer::unavailableReason(options).isEmpty()) {
            QSKIP(qPrintable(RegistryServer::unavailableReason(options)));
        }
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        QCOMPARE(server.baseUrl().scheme(), u"https"_s);
        QVERIFY(QFile::exists(server.caFile()));

        const Answer untrusted = send(registryRequest(server, u"/v2/"_s));
        QVERIFY(untrusted.finished);
        QVERIFY(untrusted.sslErrors);
        QCOMPARE(untrusted.error, QNetworkReply::SslHandshakeFailedError);

        const Answer trusted = send(registryRequest(server, u"/v2/"_s), "GET", sslFor(server));
        QVERIFY(trusted.finished);
        QCOMPARE(trusted.error, QNetworkReply::NoError);
        QCOMPARE(trusted.status, 200);

        // The certificate also names localhost.
        QNetworkRequest byName(QUrl(u"https://localhost:%1/v2/"_s.arg(server.baseUrl().port())));
        QCOMPARE(send(byName, "GET", sslFor(server)).status, 200);
    }

    void catalogPageLimitIsConfigurable() {
        RegistryServer::Options options;
        options.catalogMaxEntries = 2;
        RegistryServer server(options);
        if (!RegistryServer::unavailableReason(options).isEmpty()) {
            QSKIP(qPrintable(RegistryServer::unavailableReason(options)));
        }
        QVERIFY2(server.start(), qPrintable(server.errorString()));

        const Answer tooMany = send(registryRequest(server, u"/v2/_catalog?n=3"_s));
        QCOMPARE(tooMany.status, 400);
        QVERIFY(tooMany.body.contains("PAGINATION_NUMBER_INVALID"));
        QCOMPARE(send(registryRequest(server, u"/v2/_catalog?n=2"_s)).status, 200);
        QVERIFY(server.waitForRequestCount(2));
        QCOMPARE(server.requestLogWithStatus(),
                 QStringList({u"GET /v2/_catalog?n=3 400"_s, u"GET /v2/_catalog?n=2 200"_s}));
    }

    // tokenLifetimeSeconds is what the registry accepts, its 60 s leeway included, and
    // expires_in may say something else.
    void tokenLifetimeIsWhatTheRegistryAccepts() {
        RegistryServer::Options options;
        options.auth = RegistryServer::Auth::Token;
        options.tokenLifetimeSeconds = 2;
        options.advertisedExpiresIn = 300;
        RegistryServer server(options);
        if (!RegistryServer::unavailableReason(options).isEmpty()) {
            QSKIP(qPrintable(RegistryServer::unavailableReason(options)));
        }
        QVERIFY2(server.start(), qPrintable(server.errorString()));

        QNetworkRequest tokenRequest(tokenUrl(server, u"registry:catalog:*"_s));
        tokenRequest.setRawHeader("Authorization", basicCredentials(server));
        const Answer tokenAnswer = send(tokenRequest);
        QCOMPARE(tokenAnswer.status, 200);
        const QJsonObject token = QJsonDocument::fromJson(tokenAnswer.body).object();
        QCOMPARE(token[u"expires_in"].toInt(), 300);
        QCOMPARE(token[u"access_token"], token[u"token"]);
        QVERIFY(!token[u"issued_at"].toString().isEmpty());
        const QByteArray bearer = "Bearer " + token[u"token"].toString().toUtf8();

        QCOMPARE(send(registryRequest(server, u"/v2/_catalog"_s, bearer)).status, 200);
        // Waiting for wall-clock time is the point here: the token must go stale.
        QTest::qWait(options.tokenLifetimeSeconds * 1000 + 1100);
        const Answer stale = send(registryRequest(server, u"/v2/_catalog"_s, bearer));
        QCOMPARE(stale.status, 401);
        QVERIFY2(stale.wwwAuthenticate.contains("error=\"invalid_token\""),
                 stale.wwwAuthenticate.constData());
        QCOMPARE(server.tokenRequestCount(), 1);
    }

    // Documented issuer behaviour the client tests rely on.
    void issuerTreatsCredentialsAsDocumented() {
        RegistryServer::Options options;
        options.auth = RegistryServer::Auth::Token;
        RegistryServer server(options);
        if (!RegistryServer::unavailableReason(options).isEmpty()) {
            QSKIP(qPrintable(RegistryServer::unavailableReason(options)));
        }
        QVERIFY2(server.start(), qPrintable(server.errorString()));

        // Anonymous: a token that grants nothing, so the registry still says 401.
        const Answer anonymous = send(QNetworkRequest(tokenUrl(server, u"registry:catalog:*"_s)));
        QCOMPARE(anonymous.status, 200);
        const QByteArray bearer =
            "Bearer " + QJsonDocument::fromJson(anonymous.body)[u"token"].toString().toUtf8();
        const Answer denied = send(registryRequest(server, u"/v2/_catalog"_s, bearer));
        QCOMPARE(denied.status, 401);
        QVERIFY2(denied.wwwAuthenticate.contains("insufficient_scope"),
                 denied.wwwAuthenticate.constData());

        // Wrong password: the issuer refuses.
        QNetworkRequest wrong(tokenUrl(server, u"registry:catalog:*"_s));
        wrong.setRawHeader("Authorization", "Basic " + QByteArray("berth:nope").toBase64());
        QCOMPARE(send(wrong).status, 401);

        // The OAuth2 POST form is not offered: clients must fall back to GET.
        QNetworkRequest post(server.tokenRealm());
        post.setHeader(QNetworkRequest::ContentTypeHeader, u"application/x-www-form-urlencoded"_s);
        QCOMPARE(send(post, "POST").status, 404);
        QCOMPARE(server.tokenRequestCount(), 1);
    }
};

} // namespace berth::test

BERTH_TEST_MAIN(berth::test::TestRegistryInfrastructure)

#include "tst_testregistry.moc"
