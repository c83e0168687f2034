// Pagination Link headers: finding rel="next", resolving it, and refusing to leave
// the registry.

#include "registry/LinkHeader.h"

#include "TestMain.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace berth;

class TestLinkHeader : public QObject {
    Q_OBJECT

private slots:
    void findsNextPage_data();
    void findsNextPage();
    void refusesBadLinks_data();
    void refusesBadLinks();
};

void TestLinkHeader::findsNextPage_data() {
    QTest::addColumn<QList<QByteArray>>("headers");
    QTest::addColumn<QUrl>("requestUrl");
    QTest::addColumn<QString>("next"); // FullyEncoded; empty: no next page

    const QUrl catalog(u"http://127.0.0.1:5000/v2/_catalog?n=2"_s);
    const QUrl tags(u"https://registry.example:8443/v2/acme/app/tags/list?n=100"_s);

    QTest::newRow("relative path, as distribution sends it")
        << QList<QByteArray>{R"(</v2/_catalog?last=b&n=2>; rel="next")"} << catalog
        << u"http://127.0.0.1:5000/v2/_catalog?last=b&n=2"_s;
    QTest::newRow("absolute, same host")
        << QList<
               QByteArray>{R"(<https://registry.example:8443/v2/acme/app/tags/list?last=v9&n=100>; rel="next")"}
        << tags << u"https://registry.example:8443/v2/acme/app/tags/list?last=v9&n=100"_s;
    QTest::newRow("absolute with default port written out")
        << QList<QByteArray>{R"(<https://ghcr.io:443/v2/a/tags/list?last=x>; rel="next")"}
        << QUrl(u"https://ghcr.io/v2/a/tags/list"_s)
        << u"https://ghcr.io:443/v2/a/tags/list?last=x"_s;
    QTest::newRow("host differs only in case")
        << QList<QByteArray>{R"(<http://LOCALHOST:5000/v2/_catalog?last=c>; rel="next")"}
        << QUrl(u"http://localhost:5000/v2/_catalog"_s)
        << u"http://localhost:5000/v2/_catalog?last=c"_s;
    QTest::newRow("query-only reference")
        << QList<QByteArray>{R"(<?last=b&n=2>; rel="next")"} << catalog
        << u"http://127.0.0.1:5000/v2/_catalog?last=b&n=2"_s;
    QTest::newRow("several links, next not first")
        << QList<
               QByteArray>{R"(</v2/_catalog?n=2>; rel="first", </v2/_catalog?last=a&n=2>; rel="prev", </v2/_catalog?last=d&n=2>; rel="next")"}
        << catalog << u"http://127.0.0.1:5000/v2/_catalog?last=d&n=2"_s;
    QTest::newRow("next found on second header line")
        << QList<QByteArray>{R"(</v2/_catalog?n=2>; rel="first")",
                             R"(</v2/_catalog?last=e&n=2>; rel="next")"}
        << catalog << u"http://127.0.0.1:5000/v2/_catalog?last=e&n=2"_s;
    QTest::newRow("rel without quotes")
        << QList<QByteArray>{"</v2/_catalog?last=f&n=2>; rel=next"} << catalog
        << u"http://127.0.0.1:5000/v2/_catalog?last=f&n=2"_s;
    QTest::newRow("rel list") << QList<QByteArray>{R"(</v2/_catalog?last=g&n=2>; rel="prev next")"}
                              << catalog << u"http://127.0.0.1:5000/v2/_catalog?last=g&n=2"_s;
    QTest::newRow("rel in upper case, other params around it")
        << QList<
               QByteArray>{R"(</v2/_catalog?last=h&n=2> ; title="page; two, really" ; REL = "NEXT"; type=x)"}
        << catalog << u"http://127.0.0.1:5000/v2/_catalog?last=h&n=2"_s;
    QTest::newRow("comma and semicolon inside the url")
        << QList<QByteArray>{R"(</v2/_catalog?last=a,b;c&n=2>; rel="next")"} << catalog
        << u"http://127.0.0.1:5000/v2/_catalog?last=a,b;c&n=2"_s;
    QTest::newRow("query kept exactly, encoded characters included")
        << QList<
               QByteArray>{R"(</v2/acme/app/tags/list?last=v1.0%2B1%2Fx&n=100&x=a+b>; rel="next")"}
        << tags
        << u"https://registry.example:8443/v2/acme/app/tags/list?last=v1.0%2B1%2Fx&n=100&x=a+b"_s;
    QTest::newRow("only a second rel is next: ignored")
        << QList<QByteArray>{R"(</v2/_catalog?last=z>; rel="prev"; rel="next")"} << catalog
        << QString();
    QTest::newRow("only other rels")
        << QList<QByteArray>{R"(</v2/_catalog?n=2>; rel="prev")"} << catalog << QString();
    QTest::newRow("rel that merely contains next")
        << QList<QByteArray>{R"(</v2/_catalog?last=z>; rel="nextpage")"} << catalog << QString();
    QTest::newRow("no rel at all")
        << QList<QByteArray>{"</v2/_catalog?last=z>"} << catalog << QString();
    QTest::newRow("no header") << QList<QByteArray>{} << catalog << QString();
    QTest::newRow("empty header") << QList<QByteArray>{QByteArray()} << catalog << QString();
}

void TestLinkHeader::findsNextPage() {
    QFETCH(QList<QByteArray>, headers);
    QFETCH(QUrl, requestUrl);
    QFETCH(QString, next);
    const auto result = nextPageUrl(headers, requestUrl);
    QVERIFY2(result.ok(), qPrintable(result.errorMessage()));
    QCOMPARE(result.value().has_value(), !next.isEmpty());
    if (result.value())
        QCOMPARE(result.value()->toString(QUrl::FullyEncoded), next);
}

void TestLinkHeader::refusesBadLinks_data() {
    QTest::addColumn<QList<QByteArray>>("headers");
    QTest::addColumn<QUrl>("requestUrl");
    QTest::addColumn<QString>("messagePart");

    const QUrl catalog(u"http://127.0.0.1:5000/v2/_catalog?n=2"_s);

    QTest::newRow("other host")
        << QList<QByteArray>{R"(<http://evil.example:5000/v2/_catalog?last=b>; rel="next")"}
        << catalog << u"evil.example"_s;
    QTest::newRow("network-path reference to other host")
        << QList<QByteArray>{R"(<//evil.example/v2/_catalog?last=b>; rel="next")"} << catalog
        << u"another server"_s;
    QTest::newRow("other port")
        << QList<QByteArray>{R"(<http://127.0.0.1:5001/v2/_catalog?last=b>; rel="next")"} << catalog
        << u"5001"_s;
    QTest::newRow("https downgraded to http")
        << QList<QByteArray>{R"(<http://ghcr.io/v2/a/tags/list?last=b>; rel="next")"}
        << QUrl(u"https://ghcr.io/v2/a/tags/list"_s) << u"another server"_s;
    QTest::newRow("other scheme") << QList<QByteArray>{R"(<file:///etc/passwd>; rel="next")"}
                                  << catalog << u"another server"_s;
    QTest::newRow("points at itself")
        << QList<QByteArray>{R"(</v2/_catalog?n=2>; rel="next")"} << catalog << u"same page"_s;
    QTest::newRow("missing angle brackets")
        << QList<QByteArray>{R"(/v2/_catalog?last=b; rel="next")"} << catalog << u"cannot read"_s;
    QTest::newRow("unclosed angle bracket")
        << QList<QByteArray>{R"(</v2/_catalog?last=b; rel="next")"} << catalog << u"cannot read"_s;
    QTest::newRow("unclosed quoted parameter")
        << QList<QByteArray>{R"(</v2/_catalog?last=b>; rel="next)"} << catalog << u"cannot read"_s;
    QTest::newRow("junk after link")
        << QList<QByteArray>{R"(</v2/_catalog?last=b> rel="next")"} << catalog << u"cannot read"_s;
}

void TestLinkHeader::refusesBadLinks() {
    QFETCH(QList<QByteArray>, headers);
    QFETCH(QUrl, requestUrl);
    QFETCH(QString, messagePart);
    const auto result = nextPageUrl(headers, requestUrl);
    QVERIFY2(!result.ok(), qPrintable(result.ok() && result.value() ? result.value()->toString()
                                                                    : u"no error, no page"_s));
    QVERIFY2(result.errorMessage().contains(messagePart), qPrintable(result.errorMessage()));
}

BERTH_TEST_MAIN(TestLinkHeader)
#include "tst_linkheader.moc"
