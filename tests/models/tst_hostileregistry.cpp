// The registry client against a registry that misbehaves on purpose: broken JSON, lying
// digests and lengths, retries, redirects to another host, endless 401s, huge bodies.
// Every case checks the exact outcome and that the client neither crashes nor hangs.

#include "HostileRegistry.h"
#include "TestMain.h"

#include "registry/BuildCollector.h"
#include "registry/RegistryClient.h"
#include "registry/RegistryTransport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QLocale>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(berth::test::HostileRegistry::TlsProbe)

namespace berth::test {

namespace {

constexpr int kWaitMs = 15000; // far above any case's expected duration: only a hang hits it
const QString Repository = u"acme/app"_s;
const QString TagsPath = u"/v2/acme/app/tags/list"_s;

QString manifestPath(const QString& reference) {
    return u"/v2/acme/app/manifests/"_s + reference;
}

const QByteArray ImageManifest =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
    R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":2,)"
    R"("digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},)"
    R"("layers":[]})";
const QByteArray OciManifestType = "application/vnd.oci.image.manifest.v1+json";

// Waits for one asynchronous result; declared before the client so it outlives it.
template <typename T> class Pending {
public:
    Pending() { m_clock.start(); }

    Callback<T> callback() {
        return [this](Result<T> result) {
            ++m_calls;
            m_elapsedMs = m_clock.elapsed();
            m_result.emplace(std::move(result));
        };
    }
    bool isDone() const { return m_result.has_value(); }
    const Result<T>& result() const { return *m_result; }
    QString message() const { return m_result ? m_result->errorMessage() : QString(); }
    int calls() const { return m_calls; }
    qint64 elapsedMs() const { return m_elapsedMs; } // from construction to the callback
    void restartClock() { m_clock.restart(); }

private:
    QElapsedTimer m_clock;
    std::optional<Result<T>> m_result;
    int m_calls = 0;
    qint64 m_elapsedMs = -1;
};

// Options that keep the suite fast and never read the developer's own docker login.
RegistryOptions hostileOptions(const QTemporaryDir& configDir, int maxRetries = 2,
                               int transferTimeoutMs = 5000) {
    RegistryOptions options;
    options.dockerConfigDir = configDir.path();
    options.maxRetries = maxRetries;
    options.transferTimeoutMs = transferTimeoutMs;
    options.maxRetryAfterSeconds = 5;
    return options;
}

bool hasControlCharacters(const QString& text) {
    for (const QChar c : text) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return true;
    }
    return false;
}

} // namespace

#define WAIT_FOR(pending) QTRY_VERIFY_WITH_TIMEOUT((pending).isDone(), kWaitMs)
#define VERIFY_OK(pending) QVERIFY2((pending).result().ok(), qPrintable((pending).message()))
#define VERIFY_FAILED(pending) QVERIFY2(!(pending).result().ok(), "expected an error, got a value")
#define VERIFY_MENTIONS(text, fragment)                                                            \
    QVERIFY2((text).contains(fragment),                                                            \
             qPrintable(u"\"%1\" does not mention \"%2\""_s.arg(text, fragment)))

class HostileRegistryTest : public QObject {
    Q_OBJECT

private slots:
    void httpsProbeFallsBackToHttp_data() {
        QTest::addColumn<HostileRegistry::TlsProbe>("behaviour");
        QTest::newRow("closes the TLS connection") << HostileRegistry::TlsProbe::Close;
        QTest::newRow("answers garbage to TLS") << HostileRegistry::TlsProbe::Garbage;
        QTest::newRow("never answers TLS") << HostileRegistry::TlsProbe::Silent;
    }
    void httpsProbeFallsBackToHttp() {
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
        QVERIFY(server.tlsHellos() >= 1);
        QCOMPARE(client.transport()->baseUrl(), server.baseUrl());
        // The http probe, then the ping itself.
        QCOMPARE(server.hitCount("GET", u"/v2/"_s), 2);
    }

    void malformedTagListIsAClearError_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("truncated JSON") << QByteArray(R"({"name":"acme/app","tags":["v1",)");
        QTest::newRow("HTML with 200") << QByteArray("<html><body>Welcome to nginx!</body></html>");
        QTest::newRow("empty body") << QByteArray();
        QTest::newRow("array instead of object") << QByteArray(R"(["v1","v2"])");
    }
    void malformedTagListIsAClearError() {
        QFETCH(QByteArray, body);
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        server.setAnswer("GET", TagsPath, HostileAnswer::json(200, body));
        Pending<QStringList> tags;
        RegistryClient client(server.hostPort(), hostileOptions(config));
        client.listTags(Repository, this, tags.callback());
        WAIT_FOR(tags);
        VERIFY_FAILED(tags);
        VERIFY_MENTIONS(tags.message(), u"Tags of %1/acme/app"_s.arg(server.hostPort()));
        VERIFY_MENTIONS(tags.message(), u"JSON"_s);
        // Parsed fine but shaped wrong must not read as "invalid JSON (no error occurred)".
        QVERIFY2(!tags.message().contains(u"no error occurred"_s), qPrintable(tags.message()));
        QCOMPARE(server.hitCount("GET", TagsPath), 1);
    }

    void manifestWithWrongDigestIsRefused_data() {
        QTest::addColumn<bool>("byDigest");
        QTest::addColumn<bool>("headerClaimsRequested");
        QTest::newRow("by digest, no header") << true << false;
        QTest::newRow("by digest, header repeats the lie") << true << true;
        QTest::newRow("by tag, lying header") << false << true;
    }
    void manifestWithWrongDigestIsRefused() {
        QFETCH(bool, byDigest);
        QFETCH(bool, headerClaimsRequested);
        const QByteArray served = ImageManifest;
        const QByteArray other =
            QByteArray(ImageManifest).replace("\"layers\":[]", "\"layers\":[ ]");
        const QString claimed = digestOf(other);
        const QString actual = digestOf(served);
        const QString reference = byDigest ? claimed : u"v1"_s;

        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        HeaderList headers{{"Content-Type", OciManifestType}};
        if (headerClaimsRequested)
            headers.emplaceBack("Docker-Content-Digest", claimed.toLatin1());
        server.setAnswer("GET", manifestPath(reference), HostileAnswer::json(200, served, headers));
        Pending<ManifestBlob> manifest;
        RegistryClient client(server.hostPort(), hostileOptions(config));
        client.getManifest(Repository, reference, this, manifest.callback());
        WAIT_FOR(manifest);
        VERIFY_FAILED(manifest);
        VERIFY_MENTIONS(manifest.message(), u"digest"_s);
        VERIFY_MENTIONS(manifest.message(), claimed);
        VERIFY_MENTIONS(manifest.message(), actual);
        VERIFY_MENTIONS(manifest.message(), u"acme/app"_s);
    }

    void headWithoutDigestFallsBackToGet_data() {
        QTest::addColumn<QByteArray>("headDigest");
        QTest::newRow("no Docker-Content-Digest") << QByteArray();
        QTest::newRow("unusable Docker-Content-Digest") << QByteArray("sha256:not-a-digest");
    }
    void headWithoutDigestFallsBackToGet() {
        QFETCH(QByteArray, headDigest);
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        HeaderList headHeaders{{"Content-Type", OciManifestType}};
        if (!headDigest.isEmpty())
            headHeaders.emplaceBack("Docker-Content-Digest", headDigest);
        server.setAnswer("HEAD", manifestPath(u"v1"_s),
                         HostileAnswer::json(200, ImageManifest, headHeaders));
        server.setAnswer(
            "GET", manifestPath(u"v1"_s),
            HostileAnswer::json(200, ImageManifest,
                                {{"Content-Type", OciManifestType + "; charset=UTF-8"}}));
        Pending<ManifestHead> head;
        RegistryClient client(server.hostPort(), hostileOptions(config));
        client.headManifest(Repository, u"v1"_s, this, head.callback());
        WAIT_FOR(head);
        VERIFY_OK(head);
        QCOMPARE(head.result()->digest, digestOf(ImageManifest));
        QCOMPARE(head.result()->mediaType, QString::fromLatin1(OciManifestType));
        QCOMPARE(head.result()->size, qint64(ImageManifest.size()));
        QCOMPARE(server.hitCount("HEAD", manifestPath(u"v1"_s)), 1);
        QCOMPARE(server.hitCount("GET", manifestPath(u"v1"_s)), 1);
    }

    void retryAfterIsHonoured_data() {
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("asHttpDate");
        QTest::newRow("429, Retry-After: 1") << 429 << false;
        QTest::newRow("503, Retry-After: 1") << 503 << false;
        QTest::newRow("429, Retry-After as HTTP date") << 429 << true;
    }
    void retryAfterIsHonoured() {
        QFETCH(int, status);
        QFETCH(bool, asHttpDate);
        // Two seconds ahead as a date, in whole seconds: the retry may not come before it.
        const QDateTime notBefore = QDateTime::fromSecsSinceEpoch(
            QDateTime::currentDateTimeUtc().addSecs(2).toSecsSinceEpoch(), Qt::UTC);
        const QByteArray retryAfter =
            asHttpDate
                ? QLocale::c().toString(notBefore, u"ddd, dd MMM yyyy HH:mm:ss 'GMT'"_s).toLatin1()
                : QByteArray("1");
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        QList<HostileAnswer> answers{
            HostileAnswer::registryError(status, "TOOMANYREQUESTS", "slow down"),
            HostileAnswer::json(200, R"({"name":"acme/app","tags":["v1","v2"]})")};
        answers.first().headers.emplaceBack("Retry-After", retryAfter);
        server.setAnswers("GET", TagsPath, answers);
        Pending<QStringList> tags;
        RegistryClient client(server.hostPort(), hostileOptions(config));
        client.listTags(Repository, this, tags.callback());
        WAIT_FOR(tags);
        VERIFY_OK(tags);
        QCOMPARE(tags.result().value(), QStringList({u"v1"_s, u"v2"_s}));
        const QList<RecordedRequest> hits = server.requestsFor("GET", TagsPath);
        QCOMPARE(hits.size(), 2);
        const qint64 gap = hits.at(1).receivedAtMs - hits.at(0).receivedAtMs;
        if (asHttpDate) {
            QVERIFY2(hits.at(1).receivedAtUtc >= notBefore,
                     qPrintable(u"retried at %1, before %2"_s.arg(
                         hits.at(1).receivedAtUtc.toString(Qt::ISODateWithMs),
                         notBefore.toString(Qt::ISODateWithMs))));
        } else {
            QVERIFY2(gap >= 900, qPrintable(u"retried after %1 ms"_s.arg(gap)));
        }
        QVERIFY2(gap < 4000, qPrintable(u"retried after %1 ms"_s.arg(gap)));
    }

    void retryAfterBeyondLimitIsReportedAtOnce() {
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        HostileAnswer limited = HostileAnswer::registryError(429, "TOOMANYREQUESTS", "slow down");
        limited.headers.emplaceBack("Retry-After", "3600");
        server.setAnswer("GET", TagsPath, limited);
        Pending<QStringList> tags;
        RegistryClient client(server.hostPort(), hostileOptions(config));
        client.listTags(Repository, this, tags.callback());
        WAIT_FOR(tags);
        VERIFY_FAILED(tags);
        QCOMPARE(tags.result().error().httpStatus, 429);
        QCOMPARE(tags.result().error().code, u"TOOMANYREQUESTS"_s);
        VERIFY_MENTIONS(tags.message(), u"3600"_s);
        QCOMPARE(server.hitCount("GET", TagsPath), 1);
        QVERIFY2(tags.elapsedMs() < 3000, qPrintable(u"took %1 ms"_s.arg(tags.elapsedMs())));
    }

    void serverErrorThenSuccess() {
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        server.setAnswers("GET", TagsPath,
                          {HostileAnswer::registryError(500, "UNKNOWN", "boom"),
                           HostileAnswer::json(200, R"({"name":"acme/app","tags":["v1"]})")});
        Pending<QStringList> tags;
        RegistryClient client(server.hostPort(), hostileOptions(config));
        client.listTags(Repository, this, tags.callback());
        WAIT_FOR(tags);
        VERIFY_OK(tags);
        QCOMPARE(tags.result().value(), QStringList{u"v1"_s});
        QCOMPARE(server.hitCount("GET", TagsPath), 2);
    }

    void serverErrorForever_data() {
        QTest::addColumn<int>("maxRetries");
        QTest::newRow("no retries") << 0;
        QTest::newRow("one retry") << 1;
        QTest::newRow("two retries") << 2;
    }
    void serverErrorForever() {
        QFETCH(int, maxRetries);
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        server.setAnswer("GET", TagsPath, HostileAnswer::registryError(500, "UNKNOWN", "boom"));
        Pending<QStringList> tags;
        RegistryClient client(server.hostPort(), hostileOptions(config, maxRetries));
        client.listTags(Repository, this, tags.callback());
        WAIT_FOR(tags);
        VERIFY_FAILED(tags);
        QCOMPARE(tags.result().error().httpStatus, 500);
        VERIFY_MENTIONS(tags.message(), u"HTTP 500"_s);
        VERIFY_MENTIONS(tags.message(), u"boom"_s);
        QCOMPARE(server.hitCount("GET", TagsPath), maxRetries + 1);
        QCOMPARE(tags.calls(), 1);
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

    void truncatedBodyIsAnErrorNotAHang_data() {
        QTest::addColumn<bool>("closeAfterBody");
        QTest::addColumn<int>("maxRetries");
        QTest::addColumn<int>("transferTimeoutMs");
        QTest::newRow("cut short, connection closed") << true << 2 << 5000;
        QTest::newRow("cut short, connection left open") << false << 1 << 1000;
    }
    void truncatedBodyIsAnErrorNotAHang() {
        QFETCH(bool, closeAfterBody);
        QFETCH(int, maxRetries);
        QFETCH(int, transferTimeoutMs);
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        HostileAnswer cut =
            HostileAnswer::json(200, ImageManifest, {{"Content-Type", OciManifestType}});
        cut.contentLength = ImageManifest.size() + 1000;
        cut.sendBodyBytes = 100;
        cut.closeAfterBody = closeAfterBody;
        server.setAnswer("GET", manifestPath(u"v1"_s), cut);
        Pending<ManifestBlob> manifest;
        RegistryClient client(server.hostPort(),
                              hostileOptions(config, maxRetries, transferTimeoutMs));
        client.getManifest(Repository, u"v1"_s, this, manifest.callback());
        WAIT_FOR(manifest);
        VERIFY_FAILED(manifest);
        VERIFY_MENTIONS(manifest.message(), u"manifest acme/app:v1"_s);
        QCOMPARE(server.hitCount("GET", manifestPath(u"v1"_s)), maxRetries + 1);
        QVERIFY2(manifest.elapsedMs() < 8000,
                 qPrintable(u"took %1 ms"_s.arg(manifest.elapsedMs())));
    }

    void oversizedManifestIsRefusedQuickly_data() {
        QTest::addColumn<bool>("sendAll");
        QTest::addColumn<bool>("announceLength");
        QTest::newRow("20 MiB body") << true << true;
        QTest::newRow("20 MiB announced, 1 KiB sent, then silence") << false << true;
        QTest::newRow("20 MiB without Content-Length") << true << false;
    }
    void oversizedManifestIsRefusedQuickly() {
        QFETCH(bool, sendAll);
        QFETCH(bool, announceLength);
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        HostileAnswer huge = HostileAnswer::json(200, QByteArray(20 * 1024 * 1024, ' '),
                                                 {{"Content-Type", OciManifestType}});
        huge.omitContentLength = !announceLength;
        if (!sendAll)
            huge.sendBodyBytes = 1024;
        server.setAnswer("GET", manifestPath(u"v1"_s), huge);
        Pending<ManifestBlob> manifest;
        RegistryClient client(server.hostPort(), hostileOptions(config, 2, 10000));
        client.getManifest(Repository, u"v1"_s, this, manifest.callback());
        WAIT_FOR(manifest);
        VERIFY_FAILED(manifest);
        VERIFY_MENTIONS(manifest.message(), u"manifest acme/app:v1"_s);
        VERIFY_MENTIONS(manifest.message(), u"more than 4.0 MiB"_s);
        QCOMPARE(server.hitCount("GET", manifestPath(u"v1"_s)), 1); // never retried
        QVERIFY2(manifest.elapsedMs() < 5000,
                 qPrintable(u"took %1 ms"_s.arg(manifest.elapsedMs())));
    }

    void registryErrorBodies_data() {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QStringList>("mentions");
        QTest::newRow("404 MANIFEST_UNKNOWN")
            << QByteArray("GET") << 404
            << QByteArray(
                   R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})")
            << u"MANIFEST_UNKNOWN"_s
            << QStringList{u"acme/app:v9"_s, u"manifest unknown"_s, u"HTTP 404"_s};
        QTest::newRow("404 on HEAD, no body")
            << QByteArray("HEAD") << 404 << QByteArray() << QString()
            << QStringList{u"acme/app:v9"_s, u"not found"_s, u"HTTP 404"_s};
        QTest::newRow("403 as HTML")
            << QByteArray("GET") << 403
            << QByteArray("<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n"
                          "<center><h1>403 Forbidden</h1></center>\r\n</body>\r\n</html>\r\n")
            << QString() << QStringList{u"acme/app:v9"_s, u"Forbidden"_s, u"HTTP 403"_s};
        QTest::newRow("502 as a large HTML page")
            << QByteArray("GET") << 502
            << ("<html><body><h1>Bad Gateway</h1>" + QByteArray(200000, 'x') + "</body></html>")
            << QString() << QStringList{u"acme/app:v9"_s, u"Bad Gateway"_s, u"HTTP 502"_s};
        QTest::newRow("unknown error code")
            << QByteArray("GET") << 400
            << QByteArray(R"({"errors":[{"code":"SOMETHING_NEW","message":"no idea"}]})")
            << u"SOMETHING_NEW"_s << QStringList{u"acme/app:v9"_s, u"no idea"_s};
    }
    void registryErrorBodies() {
        QFETCH(QByteArray, method);
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QString, code);
        QFETCH(QStringList, mentions);
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        HostileAnswer failure;
        failure.status = status;
        failure.body = body;
        failure.headers.emplaceBack("Content-Type",
                                    body.startsWith('<') ? "text/html" : "application/json");
        server.setAnswer(method, manifestPath(u"v9"_s), failure);
        RegistryClient client(server.hostPort(), hostileOptions(config, 0));
        Error error;
        if (method == "HEAD") {
            Pending<ManifestHead> head;
            client.headManifest(Repository, u"v9"_s, this, head.callback());
            WAIT_FOR(head);
            VERIFY_FAILED(head);
            error = head.result().error();
        } else {
            Pending<ManifestBlob> manifest;
            client.getManifest(Repository, u"v9"_s, this, manifest.callback());
            WAIT_FOR(manifest);
            VERIFY_FAILED(manifest);
            error = manifest.result().error();
        }
        QCOMPARE(error.httpStatus, status);
        QCOMPARE(error.code, code);
        for (const QString& fragment : mentions)
            VERIFY_MENTIONS(error.message, fragment);
        QVERIFY2(error.message.size() < 400, qPrintable(error.message));
        QVERIFY2(!hasControlCharacters(error.message), qPrintable(error.message));
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
        QCOMPARE(server.tlsHellos(), 1); // only the client's own https probe
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

    void schema1ManifestIsUnsupportedNotACrash() {
        const QByteArray schema1 =
            R"({"schemaVersion":1,"name":"acme/app","tag":"v1","architecture":"amd64",)"
            R"("fsLayers":[],"history":[],"signatures":[]})";
        const QByteArray schema1Type = "application/vnd.docker.distribution.manifest.v1+prettyjws";
        const QString digest = digestOf(schema1);
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        server.setAnswer("GET", TagsPath,
                         HostileAnswer::json(200, R"({"name":"acme/app","tags":["v1"]})"));
        const HeaderList headers{{"Content-Type", schema1Type},
                                 {"Docker-Content-Digest", digest.toLatin1()}};
        server.setAnswer("HEAD", manifestPath(u"v1"_s), HostileAnswer::json(200, schema1, headers));
        server.setAnswer("GET", manifestPath(digest), HostileAnswer::json(200, schema1, headers));

        Pending<BuildCollection> collected;
        RegistryClient client(server.hostPort(), hostileOptions(config));
        BuildCollector collector(&client);
        collector.collect(Repository, this, collected.callback());
        WAIT_FOR(collected);
        VERIFY_OK(collected);
        const BuildCollection& collection = collected.result().value();
        QCOMPARE(collection.builds.size(), 1);
        const Build& build = collection.builds.first();
        QCOMPARE(build.digest, digest);
        VERIFY_MENTIONS(build.problem, u"schema 1"_s);
        VERIFY_MENTIONS(build.problem, u"not support"_s);
        QCOMPARE(collection.warnings.size(), 1);
        VERIFY_MENTIONS(collection.warnings.first(), u"schema 1"_s);
        QCOMPARE(collection.tagDigests.value(u"v1"_s), digest);
    }

    void warningHeaderIsReported_data() {
        QTest::addColumn<QList<QByteArray>>("warnings");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("299 deprecated")
            << QList<QByteArray>{R"(299 - "deprecated")"} << QStringList{u"deprecated"_s};
        QTest::newRow("199 is not for people")
            << QList<QByteArray>{R"(199 - "misc")"} << QStringList{};
        QTest::newRow("299 with a warn-date")
            << QList<
                   QByteArray>{R"(299 registry.example "deprecated" "Wed, 21 Oct 2015 07:28:00 GMT")"}
            << QStringList{u"deprecated"_s};
        QTest::newRow("two 299 lines") << QList<QByteArray>{R"(299 - "first")", R"(299 - "second")"}
                                       << QStringList{u"first"_s, u"second"_s};
    }
    void warningHeaderIsReported() {
        QFETCH(QList<QByteArray>, warnings);
        QFETCH(QStringList, expected);
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        HostileAnswer pong = HostileAnswer::json(200, "{}");
        for (const QByteArray& warning : warnings)
            pong.headers.emplaceBack("Warning", warning);
        server.setAnswer("GET", u"/v2/"_s, pong);
        Pending<Unit> pinged;
        RegistryClient client(server.hostPort(), hostileOptions(config));
        QSignalSpy spy(&client, &RegistryClient::registryWarning);
        client.ping(this, pinged.callback());
        WAIT_FOR(pinged);
        VERIFY_OK(pinged);
        QStringList reported;
        for (const QList<QVariant>& arguments : spy)
            reported.append(arguments.first().toString());
        QStringList wanted;
        for (const QString& text : expected)
            wanted.append(server.hostPort() + u": "_s + text);
        QCOMPARE(reported, wanted);
    }

    void cancelAllFailsPendingCallbacks_data() {
        QTest::addColumn<int>("requests");
        QTest::addColumn<int>("concurrency");
        QTest::addColumn<bool>("duringProbe");
        QTest::newRow("one in flight") << 1 << 16 << false;
        QTest::newRow("one in flight, two queued") << 3 << 1 << false;
        QTest::newRow("waiting for the https probe") << 2 << 16 << true;
    }
    void cancelAllFailsPendingCallbacks() {
        QFETCH(int, requests);
        QFETCH(int, concurrency);
        QFETCH(bool, duringProbe);
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        if (duringProbe)
            server.setTlsProbe(HostileRegistry::TlsProbe::Silent);
        HostileAnswer slow =
            HostileAnswer::json(200, ImageManifest, {{"Content-Type", OciManifestType}});
        slow.delayMs = 20000;
        server.setAnswer("GET", manifestPath(u"v1"_s), slow);

        std::vector<std::unique_ptr<Pending<ManifestBlob>>> pending;
        RegistryOptions options = hostileOptions(config, 2, 1500);
        options.concurrency = concurrency;
        RegistryClient client(server.hostPort(), options);
        for (int i = 0; i < requests; ++i) {
            pending.push_back(std::make_unique<Pending<ManifestBlob>>());
            client.getManifest(Repository, u"v1"_s, this, pending.back()->callback());
        }
        if (duringProbe)
            QTRY_COMPARE_WITH_TIMEOUT(server.tlsHellos(), 1, kWaitMs);
        else
            QTRY_COMPARE_WITH_TIMEOUT(server.hitCount("GET", manifestPath(u"v1"_s)), 1, kWaitMs);
        for (auto& one : pending)
            one->restartClock();
        client.cancelAll();
        server.setAnswer(
            "GET", manifestPath(u"v1"_s),
            HostileAnswer::json(200, ImageManifest, {{"Content-Type", OciManifestType}}));
        for (auto& one : pending) {
            WAIT_FOR(*one);
            VERIFY_FAILED(*one);
            VERIFY_MENTIONS(one->message(), u"Cancelled"_s);
            QVERIFY2(one->elapsedMs() < 1000, qPrintable(u"took %1 ms"_s.arg(one->elapsedMs())));
            QCOMPARE(one->calls(), 1);
        }

        // Still usable afterwards, and no cancelled request reached the server late.
        Pending<ManifestBlob> after;
        client.getManifest(Repository, u"v1"_s, this, after.callback());
        WAIT_FOR(after);
        VERIFY_OK(after);
        QCOMPARE(after.result()->digest, digestOf(ImageManifest));
        QCOMPARE(server.hitCount("GET", manifestPath(u"v1"_s)), duringProbe ? 1 : 2);
    }
};

} // namespace berth::test

BERTH_TEST_MAIN(berth::test::HostileRegistryTest)

#include "tst_hostileregistry.moc"
