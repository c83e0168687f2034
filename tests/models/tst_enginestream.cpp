// The engine transport's pure parts: the JSON object stream cut at awkward places,
// DOCKER_HOST parsing, the X-Registry-Auth header and API version comparison.

#include "TestMain.h"

#include "engine/EngineConnection.h"
#include "engine/EngineHost.h"
#include "engine/EngineStreamParser.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;
using namespace berth;

namespace {

struct Parsed {
    QStringList statuses;
    QString error;
    bool malformed = false;
    QString pushedDigest;
    int objects = 0;
};

Parsed parseInPieces(const QByteArray& stream, const QList<qsizetype>& cuts) {
    EngineStreamParser parser(u"push"_s);
    Parsed parsed;
    qsizetype from = 0;
    QList<qsizetype> ends = cuts;
    ends.append(stream.size());
    for (const qsizetype end : std::as_const(ends)) {
        for (const ProgressEvent& event :
             parser.feed(QByteArrayView(stream).sliced(from, end - from)))
            parsed.statuses.append(event.id.isEmpty() ? event.status
                                                      : event.id + u' ' + event.status);
        from = end;
    }
    parser.finish();
    parsed.error = parser.errorMessage();
    parsed.malformed = parser.isMalformed();
    parsed.objects = parser.objectCount();
    if (const auto pushed = parser.pushResult())
        parsed.pushedDigest = pushed->digest;
    return parsed;
}

const QByteArray kDigest =
    "sha256:4503a35447b746be66511e2a9bf9391b791b2cf7cbcf49407d6d3538a6a5bfc5";

} // namespace

class TestEngineStream : public QObject {
    Q_OBJECT

private slots:
    void stream_data() {
        QTest::addColumn<QByteArray>("stream");
        QTest::addColumn<QStringList>("statuses");
        QTest::addColumn<QString>("error");
        QTest::addColumn<bool>("malformed");
        QTest::addColumn<QString>("pushedDigest");

        // As dockerd 20.10 answered a push on loopback.
        QTest::newRow("docker push with aux")
            << QByteArray(
                   "{\"status\":\"The push refers to repository [127.0.0.1:5931/acme/api]\"}\r\n"
                   "{\"status\":\"Preparing\",\"progressDetail\":{},\"id\":\"85119f5f92d4\"}\r\n"
                   "{\"status\":\"Pushing\",\"progressDetail\":{\"current\":512,\"total\":2288},"
                   "\"progress\":\"[==\\u003e  ]\",\"id\":\"85119f5f92d4\"}\r\n"
                   "{\"status\":\"staging: digest: " +
                   kDigest +
                   " size: 524\"}\r\n"
                   "{\"progressDetail\":{},\"aux\":{\"Tag\":\"staging\",\"Digest\":\"" +
                   kDigest + "\",\"Size\":524}}\r\n")
            << QStringList{u"The push refers to repository [127.0.0.1:5931/acme/api]"_s,
                           u"85119f5f92d4 Preparing"_s, u"85119f5f92d4 Pushing"_s,
                           u"staging: digest: "_s + QString::fromLatin1(kDigest) + u" size: 524"_s}
            << QString() << false << QString::fromLatin1(kDigest);
        // Podman 4.3 sends no aux: the status line is all there is.
        QTest::newRow("podman push without aux")
            << QByteArray(
                   "{\"status\":\"The push refers to repository [127.0.0.1:5931/acme/api:t]\"}\n"
                   "{\"status\":\"t: digest: " +
                   kDigest + " size: 402\"}\n")
            << QStringList{u"The push refers to repository [127.0.0.1:5931/acme/api:t]"_s,
                           u"t: digest: "_s + QString::fromLatin1(kDigest) + u" size: 402"_s}
            << QString() << false << QString::fromLatin1(kDigest);
        QTest::newRow("error after progress, HTTP 200")
            << QByteArray(
                   "{\"status\":\"The push refers to repository [127.0.0.1:5998/acme/api]\"}\n"
                   "{\"errorDetail\":{\"message\":\"dial tcp 127.0.0.1:5998: connect: "
                   "connection refused\"},\"error\":\"dial tcp: refused\"}\n")
            << QStringList{u"The push refers to repository [127.0.0.1:5998/acme/api]"_s}
            << u"dial tcp 127.0.0.1:5998: connect: connection refused"_s << false << QString();
        QTest::newRow("error without errorDetail")
            << QByteArray("{\"error\":\"unauthorized: authentication required\"}") << QStringList{}
            << u"unauthorized: authentication required"_s << false << QString();
        QTest::newRow("braces and escapes inside strings")
            << QByteArray("{\"status\":\"a \\\"}{\\\" b\\\\\",\"id\":\"x\"}{\"status\":\"[{]\"}")
            << QStringList{u"x a \"}{\" b\\"_s, u"[{]"_s} << QString() << false << QString();
        QTest::newRow("no separators, nested progressDetail")
            << QByteArray(
                   "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":1,\"total\":2},"
                   "\"id\":\"l1\"}{\"status\":\"Pull complete\",\"id\":\"l1\"}")
            << QStringList{u"l1 Downloading"_s, u"l1 Pull complete"_s} << QString() << false
            << QString();
        QTest::newRow("engine died mid-object")
            << QByteArray("{\"status\":\"Preparing\",\"id\":\"a\"}\n{\"status\":\"Pushi")
            << QStringList{u"a Preparing"_s}
            << u"the engine's answer ended in the middle of a JSON object"_s << true << QString();
        QTest::newRow("not JSON") << QByteArray("<html>proxy error</html>") << QStringList{}
                                  << u"the engine sent something other than a JSON object"_s << true
                                  << QString();
        QTest::newRow("empty") << QByteArray() << QStringList{} << QString() << false << QString();
    }

    // Every split into two pieces, and byte by byte: the result never depends on where
    // the transport cut the stream.
    void stream() {
        QFETCH(QByteArray, stream);
        QFETCH(QStringList, statuses);
        QFETCH(QString, error);
        QFETCH(bool, malformed);
        QFETCH(QString, pushedDigest);

        QList<QList<qsizetype>> cuttings;
        for (qsizetype cut = 0; cut <= stream.size(); ++cut)
            cuttings.append(QList<qsizetype>{cut});
        QList<qsizetype> everyByte;
        for (qsizetype cut = 1; cut < stream.size(); ++cut)
            everyByte.append(cut);
        cuttings.append(everyByte);

        for (const auto& cuts : std::as_const(cuttings)) {
            const Parsed parsed = parseInPieces(stream, cuts);
            const QByteArray where = "cut at " + QByteArray::number(cuts.value(0)) +
                                     (cuts.size() > 1 ? " and every byte" : "");
            QVERIFY2(parsed.statuses == statuses, where.constData());
            QVERIFY2(parsed.error == error,
                     QByteArray(where + ": " + parsed.error.toUtf8()).constData());
            QVERIFY2(parsed.malformed == malformed, where.constData());
            QVERIFY2(parsed.pushedDigest == pushedDigest, where.constData());
        }
    }

    void progressValues() {
        EngineStreamParser parser(u"pull"_s);
        const auto events = parser.feed(
            "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":1024,\"total\":4096},"
            "\"id\":\"6ef32999b1cf\"}");
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.first().step, u"pull"_s);
        QCOMPARE(events.first().id, u"6ef32999b1cf"_s);
        QCOMPARE(events.first().current, 1024);
        QCOMPARE(events.first().total, 4096);
    }

    // Figures no qint64 holds read as "not said" (0): converting them was undefined
    // behaviour, found by tests/fuzz/fuzz_enginestreamparser.
    void progressOutOfRange_data() {
        QTest::addColumn<QByteArray>("progressDetail");
        QTest::addColumn<qint64>("current");
        QTest::addColumn<qint64>("total");

        QTest::newRow("fuzz crash-ffcdfece: total 1e23")
            << QByteArray("{\"current\":36445,\"total\":102776700000000000000000}") << qint64(36445)
            << qint64(0);
        QTest::newRow("both past qint64")
            << QByteArray("{\"current\":1e19,\"total\":-1e300}") << qint64(0) << qint64(0);
        QTest::newRow("largest exact double still read")
            << QByteArray("{\"current\":9007199254740992,\"total\":9007199254740992}")
            << qint64(9007199254740992) << qint64(9007199254740992);
    }

    void progressOutOfRange() {
        QFETCH(QByteArray, progressDetail);
        QFETCH(qint64, current);
        QFETCH(qint64, total);
        EngineStreamParser parser(u"pull"_s);
        const QByteArray object =
            "{\"status\":\"Downloading\",\"progressDetail\":" + progressDetail +
            ",\"id\":\"dd37e16343d9\"}";
        const auto events = parser.feed(object);
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.first().current, current);
        QCOMPARE(events.first().total, total);
        QVERIFY(!parser.hasError());
    }

    void oversizedObject() {
        EngineStreamParser parser;
        const QByteArray huge =
            "{\"status\":\"" + QByteArray(EngineStreamParser::kMaxObjectBytes + 10, 'x');
        parser.feed(huge);
        QVERIFY(parser.isMalformed());
        QVERIFY(parser.errorMessage().contains(u"1 MiB"_s));
    }

    void host_data() {
        QTest::addColumn<QString>("dockerHost");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("socketPath");
        QTest::addColumn<QString>("baseUrl");

        QTest::newRow("default socket") << u"unix:///var/run/docker.sock"_s << true
                                        << u"/var/run/docker.sock"_s << u"http://localhost"_s;
        QTest::newRow("tcp") << u"tcp://127.0.0.1:2375"_s << true << QString()
                             << u"http://127.0.0.1:2375"_s;
        QTest::newRow("tcp ipv6") << u"tcp://[::1]:2375"_s << true << QString()
                                  << u"http://[::1]:2375"_s;
        QTest::newRow("relative socket")
            << u"unix://docker.sock"_s << false << QString() << QString();
        QTest::newRow("tcp without port")
            << u"tcp://127.0.0.1"_s << false << QString() << QString();
        QTest::newRow("ssh") << u"ssh://user@host"_s << false << QString() << QString();
    }

    void host() {
        QFETCH(QString, dockerHost);
        QFETCH(bool, ok);
        QFETCH(QString, socketPath);
        QFETCH(QString, baseUrl);
        const auto parsed = EngineHost::parse(dockerHost);
        QCOMPARE(parsed.ok(), ok);
        if (!ok) {
            QVERIFY(parsed.errorMessage().contains(dockerHost));
            return;
        }
        QCOMPARE(parsed->socketPath(), socketPath);
        QCOMPARE(parsed->baseUrl(), baseUrl);
    }

    void registryAuth_data() {
        QTest::addColumn<QString>("username");
        QTest::addColumn<QString>("secret");
        QTest::addColumn<QJsonObject>("expected");

        QTest::newRow("anonymous") << QString() << QString() << QJsonObject{};
        QTest::newRow("password") << u"berth"_s << u"p?>~ss"_s
                                  << QJsonObject{{u"username"_s, u"berth"_s},
                                                 {u"password"_s, u"p?>~ss"_s},
                                                 {u"serveraddress"_s, u"127.0.0.1:5000"_s}};
        QTest::newRow("identity token") << u"<token>"_s << u"refresh-me"_s
                                        << QJsonObject{{u"identitytoken"_s, u"refresh-me"_s},
                                                       {u"serveraddress"_s, u"127.0.0.1:5000"_s}};
    }

    void registryAuth() {
        QFETCH(QString, username);
        QFETCH(QString, secret);
        QFETCH(QJsonObject, expected);
        std::optional<RegistryCredentials> credentials;
        if (!secret.isEmpty())
            credentials = RegistryCredentials{username, secret};
        const QByteArray header =
            EngineConnection::registryAuthHeader(credentials, u"127.0.0.1:5000"_s);
        // URL-safe alphabet with padding: Podman refuses the header without it.
        QVERIFY(!header.contains('+') && !header.contains('/'));
        QCOMPARE(header.size() % 4, 0);
        const auto decoded = QByteArray::fromBase64Encoding(
            header, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
        QVERIFY(decoded);
        QCOMPARE(QJsonDocument::fromJson(*decoded).object(), expected);
    }

    void apiVersions_data() {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::addColumn<int>("order");
        QTest::newRow("equal") << u"1.41"_s << u"1.41"_s << 0;
        QTest::newRow("numeric, not text") << u"1.9"_s << u"1.41"_s << -1;
        QTest::newRow("newer") << u"1.43"_s << u"1.41"_s << 1;
        QTest::newRow("major") << u"2.0"_s << u"1.99"_s << 1;
    }

    void apiVersions() {
        QFETCH(QString, a);
        QFETCH(QString, b);
        QFETCH(int, order);
        QCOMPARE(EngineConnection::compareApiVersions(a, b), order);
    }
};

BERTH_TEST_MAIN(TestEngineStream)
#include "tst_enginestream.moc"
