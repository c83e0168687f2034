// The registry client against a registry that sends it elsewhere: the https probe falling
// back to http, blob redirects to a CDN that must not see credentials, pagination links
// to its own host or another one, a refused page size, and endless 401s. Every case
// checks which host got which request, with which credentials.

#include "HostileFixtures.h"
#include "HostileRegistry.h"
#include "TestMain.h"

#include "registry/RegistryClient.h"
#include "registry/RegistryTransport.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(berth::test::HostileRegistry::TlsProbe)

namespace berth::test {

class HostileHostsTest : public QObject {
    Q_OBJECT

private slots:
    void aLoopbackRegistryIsAskedInPlainFirst_data() {
        QTest::addColumn<HostileRegistry::TlsProbe>("behaviour");
        QTest::newRow("closes the TLS connection") << HostileRegistry::TlsProbe::Close;
        QTest::newRow("answers garbage to TLS") << HostileRegistry::TlsProbe::Garbage;
        QTest::newRow("never answers TLS") << HostileRegistry::TlsProbe::Silent;
    }
    void aLoopbackRegistryIsAskedInPlainFirst() {
        QFETCH(HostileRegistry::TlsProbe, behaviour);
        QTemporaryDir config;
        HostileRegistry server;
        server.setTlsProbe(behaviour);
        QVERIFY(server.listen());
        Pending<Unit> pinged;
        RegistryClient client(server.hostPort(), hostileOptions(config, 0, 1500));
        client.ping(this, pinged.callback());
        WAIT_FOR(pinged);
        VERIFY_OK(pinged);
        // A plain registry on this machine costs no TLS handshake at all.
        QCOMPARE(server.tlsHellos(), 0);
        QCOMPARE(client.transport()->baseUrl(), server.baseUrl());
        // The plain probe, then the ping itself.
        QCOMPARE(server.hitCount("GET", u"/v2/"_s), 2);
    }

    // What a TLS port answers in plain text (Go's servers: 400) is not a registry's /v2/
    // answer, so the client asks over https next; a plain server whose /v2/ is odd and
    // that speaks no TLS stays plain, and the odd answer is the registry's to explain.
    void anOddPlainAnswerOnLoopbackTriesTlsThenStaysPlain_data() {
        QTest::addColumn<HostileRegistry::TlsProbe>("behaviour");
        QTest::newRow("closes the TLS connection") << HostileRegistry::TlsProbe::Close;
        QTest::newRow("answers garbage to TLS") << HostileRegistry::TlsProbe::Garbage;
    }
    void anOddPlainAnswerOnLoopbackTriesTlsThenStaysPlain() {
        QFETCH(HostileRegistry::TlsProbe, behaviour);
        QTemporaryDir config;
        HostileRegistry server;
        server.setTlsProbe(behaviour);
        QVERIFY(server.listen());
        server.setAnswer(
            "GET", u"/v2/"_s,
            HostileAnswer::json(400, "Client sent an HTTP request to an HTTPS server."));
        Pending<Unit> pinged;
        RegistryClient client(server.hostPort(), hostileOptions(config, 0, 1500));
        client.ping(this, pinged.callback());
        WAIT_FOR(pinged);
        VERIFY_FAILED(pinged);
        VERIFY_MENTIONS(pinged.message(), u"400"_s);
        QCOMPARE(server.tlsHellos(), 1);
        QCOMPARE(client.transport()->baseUrl(), server.baseUrl());
    }

    void blobRedirectDropsAuthorization_data() {
        QTest::addColumn<bool>("cdnCorrupts");
        QTest::newRow("blob verified") << false;
        QTest::newRow("blob corrupted by the CDN") << true;
    }
    void blobRedirectDropsAuthorization() {
        QFETCH(bool, cdnCorrupts);
        const QByteArray blob = R"({"architecture":"amd64","os":"linux","config":{}})";
        const QString digest = digestOf(blob);
        const QString blobPath = u"/v2/acme/app/blobs/"_s + digest;
        const QByteArray basic = "Basic " + QByteArray("user:pass").toBase64();

        HostileRegistry registry;
        HostileRegistry cdn;
        QVERIFY(registry.listen());
        QVERIFY(cdn.listen());
        registry.requireAuthorization(basic, R"(Basic realm="x")");
        HostileAnswer redirect;
        redirect.status = 307;
        redirect.headers.append(
            {"Location", cdn.baseUrl().toEncoded() + "/cdn/blob?X-Amz-Signature=abc"});
        registry.setAnswer("GET", blobPath, redirect);
        cdn.setAnswer("GET", u"/cdn/blob"_s,
                      HostileAnswer::json(200, cdnCorrupts ? blob + ' ' : blob,
                                          {{"Content-Type", "application/octet-stream"}}));

        QTemporaryDir config;
        QFile configJson(config.filePath(u"config.json"_s));
        QVERIFY(configJson.open(QIODevice::WriteOnly));
        configJson.write(R"({"auths":{")" + registry.hostPort().toLatin1() + R"(":{"auth":")" +
                         QByteArray("user:pass").toBase64() + R"("}}})");
        configJson.close();

        Pending<QByteArray> fetched;
        RegistryClient client(registry.hostPort(), hostileOptions(config));
        client.getBlob(Repository, digest, 1024 * 1024, this, fetched.callback());
        WAIT_FOR(fetched);
        if (cdnCorrupts) {
            VERIFY_FAILED(fetched);
            VERIFY_MENTIONS(fetched.message(), digest);
            VERIFY_MENTIONS(fetched.message(), digestOf(blob + ' '));
        } else {
            VERIFY_OK(fetched);
            QCOMPARE(fetched.result().value(), blob);
        }

        // The registry saw an anonymous try, then the credentials it asked for.
        const QList<RecordedRequest> atRegistry = registry.requestsFor("GET", blobPath);
        QCOMPARE(atRegistry.size(), 2);
        QVERIFY(!atRegistry.at(0).hasHeader("Authorization"));
        QCOMPARE(atRegistry.at(1).header("Authorization"), basic);
        // The CDN saw the blob request, its query untouched, and no credentials at all.
        const QList<RecordedRequest> atCdn = cdn.requestsFor("GET", u"/cdn/blob"_s);
        QCOMPARE(atCdn.size(), 1);
        QCOMPARE(atCdn.at(0).query, u"X-Amz-Signature=abc"_s);
        for (const RecordedRequest& request : cdn.requests())
            QVERIFY2(!request.hasHeader("Authorization"),
                     request.header("Authorization").constData());
    }

    // A blob redirect to another host that answers 401 with a challenge of its own: that
    // challenge must not become the registry's, or the registry's credentials would go as
    // Basic auth to the token service the other host names.
    void redirectTargetsChallengeIsNotLearned_data() {
        QTest::addColumn<QByteArray>("scheme"); // the other host's challenge
        QTest::newRow("Bearer with its own realm") << QByteArray("Bearer");
        QTest::newRow("Basic") << QByteArray("Basic");
    }
    void redirectTargetsChallengeIsNotLearned() {
        QFETCH(QByteArray, scheme);
        const QByteArray blob = R"({"architecture":"amd64","os":"linux","config":{}})";
        const QString digest = digestOf(blob);
        const QString blobPath = u"/v2/acme/app/blobs/"_s + digest;

        HostileRegistry registry; // anonymous pulls: no challenge of its own
        HostileRegistry other;
        QVERIFY(registry.listen());
        QVERIFY(other.listen());
        HostileAnswer redirect;
        redirect.status = 307;
        redirect.headers.append({"Location", other.baseUrl().toEncoded() + "/cdn/blob"});
        registry.setAnswer("GET", blobPath, redirect);
        registry.setAnswer("GET", TagsPath,
                           HostileAnswer::json(200, R"({"name":"acme/app","tags":["v1"]})"));
        HostileAnswer refused = HostileAnswer::registryError(401, "UNAUTHORIZED", "log in here");
        refused.headers.emplaceBack("WWW-Authenticate", scheme + " realm=\"" +
                                                            other.baseUrl().toEncoded() +
                                                            "/token\",service=\"other\"");
        other.setAnswer("GET", u"/cdn/blob"_s, refused);
        other.setAnswer("GET", u"/token"_s,
                        HostileAnswer::json(200, R"({"token":"stolen","expires_in":300})"));

        QTemporaryDir config;
        QFile configJson(config.filePath(u"config.json"_s));
        QVERIFY(configJson.open(QIODevice::WriteOnly));
        configJson.write(R"({"auths":{")" + registry.hostPort().toLatin1() + R"(":{"auth":")" +
                         QByteArray("user:pass").toBase64() + R"("}}})");
        configJson.close();

        Pending<QByteArray> fetched;
        RegistryClient client(registry.hostPort(), hostileOptions(config));
        client.getBlob(Repository, digest, 1024 * 1024, this, fetched.callback());
        WAIT_FOR(fetched);
        // The other host got the one redirected request, without credentials, and no
        // token request at all.
        for (const RecordedRequest& request : other.requests())
            QVERIFY2(!request.hasHeader("Authorization"),
                     request.header("Authorization").constData());
        QCOMPARE(other.hitCount("GET", u"/token"_s), 0);
        QCOMPARE(other.hitCount("GET", u"/cdn/blob"_s), 1);
        VERIFY_FAILED(fetched);
        QCOMPARE(fetched.result().error().httpStatus, 401);
        VERIFY_MENTIONS(fetched.message(), other.hostPort());
        VERIFY_MENTIONS(fetched.message(), u"HTTP 401"_s);
        VERIFY_MENTIONS(fetched.message(), u"redirected"_s);

        // The registry itself still answers anonymously: nothing was learned from the other.
        Pending<QStringList> tags;
        client.listTags(Repository, this, tags.callback());
        WAIT_FOR(tags);
        VERIFY_OK(tags);
        for (const RecordedRequest& request : registry.requests())
            QVERIFY2(!request.hasHeader("Authorization"),
                     request.header("Authorization").constData());
    }

    void refusedPageSizeStartsOverWithDefault_data() {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("code");
        QTest::newRow("distribution: 400 PAGINATION_NUMBER_INVALID")
            << 400 << QByteArray("PAGINATION_NUMBER_INVALID");
        QTest::newRow("Quay: 413") << 413 << QByteArray("UNSUPPORTED");
    }
    void refusedPageSizeStartsOverWithDefault() {
        QFETCH(int, status);
        QFETCH(QByteArray, code);
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        server.setAnswers("GET", TagsPath,
                          {HostileAnswer::registryError(status, code, "invalid number of results"),
                           HostileAnswer::json(200, R"({"name":"acme/app","tags":["v1"]})")});
        Pending<QStringList> tags;
        RegistryClient client(server.hostPort(), hostileOptions(config));
        client.listTags(Repository, this, tags.callback(), 100000);
        WAIT_FOR(tags);
        VERIFY_OK(tags);
        QCOMPARE(tags.result().value(), QStringList{u"v1"_s});
        const QList<RecordedRequest> pages = server.requestsFor("GET", TagsPath);
        QCOMPARE(pages.size(), 2);
        QCOMPARE(pages.at(0).query, u"n=100000"_s);
        QCOMPARE(pages.at(1).query, QString());
    }

    void paginationFollowsItsOwnHost() {
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        server.setAnswers(
            "GET", TagsPath,
            {HostileAnswer::json(200, R"({"name":"acme/app","tags":["a","b"]})",
                                 {{"Link", R"(</v2/acme/app/tags/list?last=b&n=2>; rel="next")"}}),
             HostileAnswer::json(200, R"({"name":"acme/app","tags":["c"]})")});
        Pending<QStringList> tags;
        RegistryClient client(server.hostPort(), hostileOptions(config));
        client.listTags(Repository, this, tags.callback(), 2);
        WAIT_FOR(tags);
        VERIFY_OK(tags);
        QCOMPARE(tags.result().value(), QStringList({u"a"_s, u"b"_s, u"c"_s}));
        const QList<RecordedRequest> pages = server.requestsFor("GET", TagsPath);
        QCOMPARE(pages.size(), 2);
        QCOMPARE(pages.at(1).query, u"last=b&n=2"_s);
    }

    void paginationToAnotherHostIsRefused_data() {
        QTest::addColumn<QString>("link"); // OTHER: the other server's host:port, SELF: ours
        QTest::newRow("absolute, other port") << u"<http://OTHER/v2/acme/app/tags/list?last=b>"_s;
        QTest::newRow("scheme-relative, other port") << u"<//OTHER/v2/acme/app/tags/list?last=b>"_s;
        QTest::newRow("same host, https") << u"<https://SELF/v2/acme/app/tags/list?last=b>"_s;
    }
    void paginationToAnotherHostIsRefused() {
        QFETCH(QString, link);
        QTemporaryDir config;
        HostileRegistry server;
        HostileRegistry elsewhere;
        QVERIFY(server.listen());
        QVERIFY(elsewhere.listen());
        elsewhere.setAnswer("GET", TagsPath,
                            HostileAnswer::json(200, R"({"name":"acme/app","tags":["evil"]})"));
        const QByteArray header = QString(link)
                                      .replace(u"OTHER"_s, elsewhere.hostPort())
                                      .replace(u"SELF"_s, server.hostPort())
                                      .toLatin1() +
                                  R"(; rel="next")";
        server.setAnswer("GET", TagsPath,
                         HostileAnswer::json(200, R"({"name":"acme/app","tags":["a","b"]})",
                                             {{"Link", header}}));
        Pending<QStringList> tags;
        RegistryClient client(server.hostPort(), hostileOptions(config));
        client.listTags(Repository, this, tags.callback(), 2);
        WAIT_FOR(tags);
        VERIFY_FAILED(tags);
        VERIFY_MENTIONS(tags.message(), u"another server"_s);
        QCOMPARE(server.hitCount("GET", TagsPath), 1);
        QCOMPARE(server.tlsHellos(), 0); // loopback is asked in plain first
        QCOMPARE(elsewhere.connectionCount(), 0);
        QVERIFY(elsewhere.requests().isEmpty());
    }

    void unauthorizedForeverAsksForOneFreshToken() {
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        const QByteArray challenge =
            "Bearer realm=\"http://" + server.hostPort().toLatin1() +
            "/token\",service=\"hostile\",scope=\"repository:acme/app:pull\"";
        HostileAnswer refused = HostileAnswer::registryError(401, "UNAUTHORIZED", "go away");
        refused.headers.emplaceBack("WWW-Authenticate", challenge);
        server.setAnswer("GET", u"/v2/"_s, refused);
        server.setAnswer("GET", TagsPath, refused);
        server.setAnswer("GET", u"/token"_s,
                         HostileAnswer::json(200, R"({"token":"t0k3n","expires_in":300})"));
        Pending<QStringList> tags;
        RegistryClient client(server.hostPort(), hostileOptions(config));
        client.listTags(Repository, this, tags.callback());
        WAIT_FOR(tags);
        VERIFY_FAILED(tags);
        QCOMPARE(tags.result().error().httpStatus, 401);
        VERIFY_MENTIONS(tags.message(), u"HTTP 401"_s);

        const QList<RecordedRequest> listings = server.requestsFor("GET", TagsPath);
        QCOMPARE(listings.size(), 2);
        QVERIFY(!listings.at(0).hasHeader("Authorization"));
        QCOMPARE(listings.at(1).header("Authorization"), QByteArray("Bearer t0k3n"));
        const QList<RecordedRequest> tokens = server.requestsFor("GET", u"/token"_s);
        QCOMPARE(tokens.size(), 1);
        VERIFY_MENTIONS(tokens.at(0).query, u"service=hostile"_s);
        VERIFY_MENTIONS(tokens.at(0).query, u"scope=repository"_s);
        QCOMPARE(server.requests().size(), 4); // the http probe, two listings, one token
    }
};

} // namespace berth::test

BERTH_TEST_MAIN(berth::test::HostileHostsTest)

#include "tst_hostilehosts.moc"
