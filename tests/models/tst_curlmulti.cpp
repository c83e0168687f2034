// CurlMulti against a registry whose Content-Length lies: the announced length is the
// server's word only, so the client sets aside little memory for it up front and lets the
// bytes that really arrive grow the body.

#include "HostileFixtures.h"
#include "HostileRegistry.h"
#include "TestMain.h"

#include "registry/CurlMulti.h"

#include <QTest>

#include <optional>

using namespace Qt::StringLiterals;

namespace berth::test {

namespace {

constexpr qint64 kListPageCap = 32 * 1024 * 1024; // RegistryClient's kMaxListPageBytes
constexpr qint64 kMiB = 1024 * 1024;

} // namespace

class CurlMultiTest : public QObject {
    Q_OBJECT

private slots:
    // A listing page announcing 30 MiB (under the page cap, so not refused on its header)
    // whose body is five bytes. libcurl reads the body by its chunked framing and ignores
    // the length, so the transfer succeeds and the body it filled can be looked at: the
    // memory set aside for it shows whether the announced length was believed.
    void announcedLengthIsNotReservedUpFront_data() {
        QTest::addColumn<qint64>("announced");
        QTest::newRow("30 MiB announced") << 30 * kMiB;
        QTest::newRow("just under the page cap") << kListPageCap - 1;
    }
    void announcedLengthIsNotReservedUpFront() {
        QFETCH(qint64, announced);
        HostileRegistry server;
        QVERIFY(server.listen());
        HostileAnswer lying =
            HostileAnswer::json(200, "5\r\nhello\r\n0\r\n\r\n", {{"Transfer-Encoding", "chunked"}});
        lying.contentLength = announced;
        lying.closeAfterBody = true;
        server.setAnswer("GET", TagsPath, lying);

        CurlMulti curl(4);
        CurlRequest request;
        request.url = server.baseUrl().resolved(QUrl(TagsPath));
        request.maxBodyBytes = kListPageCap;
        std::optional<CurlOutcome> outcome;
        curl.start(request, [&outcome](CurlOutcome done) { outcome.emplace(std::move(done)); });
        QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), kWaitMs);

        QVERIFY2(outcome->failure == CurlOutcome::Failure::None, qPrintable(outcome->detail));
        QCOMPARE(outcome->response.status, 200);
        // The lie reached the client: it is among the headers it parsed.
        QCOMPARE(outcome->response.header("Content-Length"), QByteArray::number(announced));
        QCOMPARE(outcome->response.body, QByteArray("hello"));
        // Believing the header would have set aside all of it before the first byte came.
        QVERIFY2(outcome->response.body.capacity() < kMiB,
                 qPrintable(u"%1 bytes set aside for a body of %2"_s.arg(
                     QString::number(outcome->response.body.capacity()),
                     QString::number(outcome->response.body.size()))));
    }
};

} // namespace berth::test

BERTH_TEST_MAIN(berth::test::CurlMultiTest)

#include "tst_curlmulti.moc"
