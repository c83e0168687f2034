// The registry client against a registry whose answers are broken or lie: malformed tag
// lists, wrong digests, HEAD without a digest, cut and oversized bodies, error bodies in
// every shape, schema 1 manifests, Warning headers. Every case checks the exact outcome
// and that the client neither crashes nor hangs.

#include "HostileFixtures.h"
#include "HostileRegistry.h"
#include "TestMain.h"

#include "registry/BuildCollector.h"
#include "registry/RegistryClient.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace berth::test {

namespace {

// A transfer timeout longer than WAIT_FOR's deadline: a client that waits for it fails the
// test by that deadline, with no clock read in the test.
constexpr int kBeyondWaitMs = 60000;
static_assert(kBeyondWaitMs > 2 * kWaitMs);

bool hasControlCharacters(const QString& text) {
    for (const QChar c : text) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return true;
    }
    return false;
}

} // namespace

class HostileAnswersTest : public QObject {
    Q_OBJECT

private slots:
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

    void truncatedBodyIsAnErrorNotAHang_data() {
        QTest::addColumn<bool>("closeAfterBody");
        QTest::addColumn<int>("maxRetries");
        QTest::addColumn<int>("transferTimeoutMs");
        // Closed: the close alone must end each attempt; waiting for the transfer timeout
        // instead would miss WAIT_FOR's deadline.
        QTest::newRow("cut short, connection closed") << true << 2 << kBeyondWaitMs;
        // Left open: the transfer timeout ends each attempt; the production default (30 s)
        // in its place would miss WAIT_FOR's deadline.
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
        if (!closeAfterBody)
            VERIFY_MENTIONS(manifest.message(),
                            u"nothing arrived for %1 ms"_s.arg(transferTimeoutMs));
        const QList<RecordedRequest> hits = server.requestsFor("GET", manifestPath(u"v1"_s));
        QCOMPARE(hits.size(), maxRetries + 1);
        for (qsizetype i = 1; i < hits.size(); ++i) {
            // Each attempt on a connection of its own: the cut one was given up, not reused.
            QVERIFY(hits.at(i).connection != hits.at(i - 1).connection);
            // Left open, the client gave up on the silence only once the timeout had passed.
            const qint64 gap = hits.at(i).receivedAtMs - hits.at(i - 1).receivedAtMs;
            if (!closeAfterBody)
                QVERIFY2(gap >= transferTimeoutMs, qPrintable(u"retried after %1 ms"_s.arg(gap)));
        }
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
        // A client that waited for the announced bytes (or the silence) to end would meet the
        // transfer timeout only after WAIT_FOR's deadline.
        RegistryClient client(server.hostPort(), hostileOptions(config, 2, kBeyondWaitMs));
        client.getManifest(Repository, u"v1"_s, this, manifest.callback());
        WAIT_FOR(manifest);
        VERIFY_FAILED(manifest);
        VERIFY_MENTIONS(manifest.message(), u"manifest acme/app:v1"_s);
        VERIFY_MENTIONS(manifest.message(), u"more than 4.0 MiB"_s);
        QCOMPARE(server.hitCount("GET", manifestPath(u"v1"_s)), 1); // never retried
    }

    void oversizedHeaderIsNamedAsSuch_data() {
        QTest::addColumn<int>("lines");
        QTest::addColumn<int>("lineBytes");
        // One line past libcurl's own limit, and many small lines that add up.
        QTest::newRow("one 200 KB header line") << 1 << 200 * 1024;
        QTest::newRow("200 lines of 1 KB") << 200 << 1024;
    }
    void oversizedHeaderIsNamedAsSuch() {
        QFETCH(int, lines);
        QFETCH(int, lineBytes);
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        HeaderList headers{{"Content-Type", OciManifestType}};
        for (int i = 0; i < lines; ++i)
            headers.emplaceBack("X-Padding-" + QByteArray::number(i), QByteArray(lineBytes, 'x'));
        server.setAnswer("GET", manifestPath(u"v1"_s),
                         HostileAnswer::json(200, ImageManifest, headers));
        Pending<ManifestBlob> manifest;
        RegistryClient client(server.hostPort(), hostileOptions(config, 2, 10000));
        client.getManifest(Repository, u"v1"_s, this, manifest.callback());
        WAIT_FOR(manifest);
        VERIFY_FAILED(manifest);
        VERIFY_MENTIONS(manifest.message(), u"response header too large"_s);
        QVERIFY2(!manifest.message().contains(u"memory"_s, Qt::CaseInsensitive),
                 qPrintable(manifest.message()));
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

    // A tag list holding names outside the tag grammar: each is reported and left out,
    // never requested, never a build's tag.
    void invalidListedTagsAreReportedNotRequested() {
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        server.setAnswer("GET", TagsPath,
                         HostileAnswer::json(200, R"({"name":"acme/app","tags":["v1","-evil",)"
                                                  R"("..\/..\/v2\/other","two words"]})"));
        server.setAnswer("HEAD", manifestPath(u"v1"_s), HostileAnswer::json(404, {}));

        Pending<BuildCollection> collected;
        RegistryClient client(server.hostPort(), hostileOptions(config));
        BuildCollector collector(&client);
        collector.collect(Repository, this, collected.callback());
        WAIT_FOR(collected);
        VERIFY_OK(collected);
        const BuildCollection& collection = collected.result().value();
        QVERIFY(!collection.tagDigests.contains(u"-evil"_s));
        QVERIFY(!collection.tagDigests.contains(u"two words"_s));
        QCOMPARE(collection.warnings.filter(u"not one"_s).size(), 3);
        for (const RecordedRequest& request : server.requests())
            QVERIFY2(!request.path.contains(u"evil"_s) && !request.path.contains(u"other"_s) &&
                         !request.path.contains(u"two"_s),
                     qPrintable(request.path));
        QCOMPARE(server.hitCount("HEAD", manifestPath(u"v1"_s)), 1);
    }

    // Sizes a manifest declares are summed into the build's size: values whose sum does
    // not fit in 64 bits, or that are negative, make the manifest a clear problem (the
    // sum was undefined behaviour, aborting under UBSan).
    void impossibleSizesAreAProblemNotOverflow_data() {
        QTest::addColumn<QByteArray>("configSize");
        QTest::addColumn<QList<QByteArray>>("layerSizes");
        const QByteArray max = "9223372036854775807";
        QTest::newRow("two layers of INT64_MAX") << QByteArray("2") << QList<QByteArray>{max, max};
        QTest::newRow("config INT64_MAX, one layer") << max << QList<QByteArray>{"1"};
        QTest::newRow("negative layer") << QByteArray("2") << QList<QByteArray>{"10", "-5"};
        QTest::newRow("negative config") << QByteArray("-2") << QList<QByteArray>{"10"};
        QTest::newRow("INT64_MIN layers")
            << QByteArray("2") << QList<QByteArray>{"-9223372036854775807", "-9223372036854775807"};
    }
    void impossibleSizesAreAProblemNotOverflow() {
        QFETCH(QByteArray, configSize);
        QFETCH(QList<QByteArray>, layerSizes);
        QByteArray layers;
        for (const QByteArray& size : layerSizes) {
            if (!layers.isEmpty())
                layers += ',';
            layers += R"({"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","size":)" +
                      size + ",\"digest\":\"sha256:" + QByteArray(64, '0') + "\"}";
        }
        const QByteArray manifest =
            R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
            R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":)" +
            configSize +
            R"(,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},)"
            "\"layers\":[" +
            layers + "]}";
        const QString digest = digestOf(manifest);
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        server.setAnswer("GET", TagsPath,
                         HostileAnswer::json(200, R"({"name":"acme/app","tags":["v1"]})"));
        const HeaderList headers{{"Content-Type", OciManifestType},
                                 {"Docker-Content-Digest", digest.toLatin1()}};
        server.setAnswer("HEAD", manifestPath(u"v1"_s),
                         HostileAnswer::json(200, manifest, headers));
        server.setAnswer("GET", manifestPath(digest), HostileAnswer::json(200, manifest, headers));
        // The config is real ("{}"): only the declared sizes are wrong.
        server.setAnswer("GET", u"/v2/acme/app/blobs/"_s + digestOf("{}"),
                         HostileAnswer::json(200, "{}"));

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
        VERIFY_MENTIONS(build.problem, u"size"_s);
        VERIFY_MENTIONS(build.problem, u"manifest"_s);
        QVERIFY2(build.size >= 0, qPrintable(QString::number(build.size)));
        QCOMPARE(collection.warnings.size(), 1);
    }

    // Each page is within its own cap; the listing as a whole is not, and must stop with a
    // clear error instead of growing for 10,000 pages.
    void endlessListingStopsWithAClearError_data() {
        QTest::addColumn<int>("pages");
        QTest::addColumn<int>("tagsPerPage");
        QTest::addColumn<int>("paddingBytes");
        QTest::addColumn<QString>("mentioned");
        QTest::newRow("1,000 tags a page, never ending") << 101 << 1000 << 0 << u"100000 entries"_s;
        QTest::newRow("30 MiB pages, never ending") << 3 << 1 << 30 * 1024 * 1024 << u"64 MiB"_s;
    }
    void endlessListingStopsWithAClearError() {
        QFETCH(int, pages);
        QFETCH(int, tagsPerPage);
        QFETCH(int, paddingBytes);
        QFETCH(QString, mentioned);
        QList<HostileAnswer> answers;
        for (int page = 0; page < pages; ++page) {
            QByteArray tags;
            for (int i = 0; i < tagsPerPage; ++i)
                tags += (i ? ",\"p" : "\"p") + QByteArray::number(page) + 't' +
                        QByteArray::number(i) + '"';
            // Whitespace is valid JSON and costs the client the same bytes as names.
            const QByteArray body = "{\"name\":\"acme/app\",\"tags\":[" + tags + "]" +
                                    QByteArray(paddingBytes, ' ') + "}";
            const QByteArray link =
                "</v2/acme/app/tags/list?last=p" + QByteArray::number(page) + ">; rel=\"next\"";
            answers.append(HostileAnswer::json(200, body, {{"Link", link}}));
        }
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        server.setAnswers("GET", TagsPath, answers);
        Pending<QStringList> tags;
        RegistryClient client(server.hostPort(), hostileOptions(config));
        client.listTags(Repository, this, tags.callback());
        WAIT_FOR(tags);
        VERIFY_FAILED(tags);
        VERIFY_MENTIONS(tags.message(), u"Tags of %1/acme/app"_s.arg(server.hostPort()));
        VERIFY_MENTIONS(tags.message(), mentioned);
        VERIFY_MENTIONS(tags.message(), u"endless"_s);
        QCOMPARE(server.hitCount("GET", TagsPath), pages);
    }

    // Tiny pages, each linking to one never seen before: neither the entry nor the byte cap
    // is near, no page repeats, and only the page cap ends the listing. One page more than the
    // cap is scripted; it links to itself, so a client without the cap ends there, mistaken.
    void endlessListingOfTinyPagesStopsAtThePageCap() {
        constexpr int kPageCap = 10000; // RegistryClient's kMaxListPages
        QList<HostileAnswer> answers;
        answers.reserve(kPageCap + 1);
        for (int page = 0; page <= kPageCap; ++page) {
            const QByteArray number = QByteArray::number(page);
            const QByteArray link = "</v2/acme/app/tags/list?last=p" + number + ">; rel=\"next\"";
            answers.append(HostileAnswer::json(
                200, "{\"name\":\"acme/app\",\"tags\":[\"p" + number + "\"]}", {{"Link", link}}));
        }
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        server.setAnswers("GET", TagsPath, answers);
        Pending<QStringList> tags;
        RegistryClient client(server.hostPort(), hostileOptions(config));
        client.listTags(Repository, this, tags.callback());
        // 10,000 exchanges take 2.5 s in the dev build and 7 s under ASan, on loopback.
        QTRY_VERIFY_WITH_TIMEOUT(tags.isDone(), 8 * kWaitMs);
        VERIFY_FAILED(tags);
        VERIFY_MENTIONS(tags.message(), u"Tags of %1/acme/app"_s.arg(server.hostPort()));
        VERIFY_MENTIONS(tags.message(), u"past %1 pages"_s.arg(kPageCap));
        VERIFY_MENTIONS(tags.message(), u"read %1 pages, %1 entries"_s.arg(kPageCap));
        QCOMPARE(server.hitCount("GET", TagsPath), kPageCap);
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
};

} // namespace berth::test

BERTH_TEST_MAIN(berth::test::HostileAnswersTest)

#include "tst_hostileanswers.moc"
