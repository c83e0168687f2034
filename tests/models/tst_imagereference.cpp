// ImageReference: Docker's reference grammar and defaults, and the validators beside it.

#include "registry/ImageReference.h"

#include "TestMain.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace berth;

namespace {
const QString Sha256 = QString(u"sha256:"_s + QString(64, u'a'));
const QString Sha512 = QString(u"sha512:"_s + QString(128, u'0'));
} // namespace

class TestImageReference : public QObject {
    Q_OBJECT

private slots:
    void parsesValidReferences_data();
    void parsesValidReferences();
    void rejectsInvalidReferences_data();
    void rejectsInvalidReferences();
    void roundTripsThroughToString_data();
    void roundTripsThroughToString();
    void validatesTags_data();
    void validatesTags();
    void validatesRepositoryPaths_data();
    void validatesRepositoryPaths();
    void validatesDigests_data();
    void validatesDigests();
    void detectsLoopbackHosts_data();
    void detectsLoopbackHosts();
};

void TestImageReference::parsesValidReferences_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("domain");
    QTest::addColumn<QString>("apiHost");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("tag");
    QTest::addColumn<QString>("digest");
    QTest::addColumn<QString>("pullable"); // repository() + ':' or '@' + reference()
    QTest::addColumn<QString>("canonical");

    QTest::newRow("official image")
        << u"ubuntu"_s << u"docker.io"_s << u"registry-1.docker.io"_s << u"library/ubuntu"_s
        << QString() << QString() << u"docker.io/library/ubuntu:latest"_s
        << u"docker.io/library/ubuntu"_s;
    QTest::newRow("official image with tag")
        << u"ubuntu:22.04"_s << u"docker.io"_s << u"registry-1.docker.io"_s << u"library/ubuntu"_s
        << u"22.04"_s << QString() << u"docker.io/library/ubuntu:22.04"_s
        << u"docker.io/library/ubuntu:22.04"_s;
    QTest::newRow("hub user image")
        << u"acme/payment-api:v2"_s << u"docker.io"_s << u"registry-1.docker.io"_s
        << u"acme/payment-api"_s << u"v2"_s << QString() << u"docker.io/acme/payment-api:v2"_s
        << u"docker.io/acme/payment-api:v2"_s;
    QTest::newRow("explicit docker.io gets library/")
        << u"docker.io/nginx"_s << u"docker.io"_s << u"registry-1.docker.io"_s << u"library/nginx"_s
        << QString() << QString() << u"docker.io/library/nginx:latest"_s
        << u"docker.io/library/nginx"_s;
    QTest::newRow("index.docker.io normalised")
        << u"index.docker.io/acme/app:1.0.0"_s << u"docker.io"_s << u"registry-1.docker.io"_s
        << u"acme/app"_s << u"1.0.0"_s << QString() << u"docker.io/acme/app:1.0.0"_s
        << u"docker.io/acme/app:1.0.0"_s;
    QTest::newRow("ghcr") << u"ghcr.io/acme/payment-api"_s << u"ghcr.io"_s << u"ghcr.io"_s
                          << u"acme/payment-api"_s << QString() << QString()
                          << u"ghcr.io/acme/payment-api:latest"_s << u"ghcr.io/acme/payment-api"_s;
    QTest::newRow("single component on other registry keeps no library/")
        << u"ghcr.io/app"_s << u"ghcr.io"_s << u"ghcr.io"_s << u"app"_s << QString() << QString()
        << u"ghcr.io/app:latest"_s << u"ghcr.io/app"_s;
    QTest::newRow("host with port and tag")
        << u"localhost:5000/acme/payment-api:staging"_s << u"localhost:5000"_s
        << u"localhost:5000"_s << u"acme/payment-api"_s << u"staging"_s << QString()
        << u"localhost:5000/acme/payment-api:staging"_s
        << u"localhost:5000/acme/payment-api:staging"_s;
    QTest::newRow("ip with port") << u"127.0.0.1:5000/app:v1"_s << u"127.0.0.1:5000"_s
                                  << u"127.0.0.1:5000"_s << u"app"_s << u"v1"_s << QString()
                                  << u"127.0.0.1:5000/app:v1"_s << u"127.0.0.1:5000/app:v1"_s;
    QTest::newRow("localhost without port is a domain")
        << u"localhost/app"_s << u"localhost"_s << u"localhost"_s << u"app"_s << QString()
        << QString() << u"localhost/app:latest"_s << u"localhost/app"_s;
    QTest::newRow("bare localhost is a hub image")
        << u"localhost"_s << u"docker.io"_s << u"registry-1.docker.io"_s << u"library/localhost"_s
        << QString() << QString() << u"docker.io/library/localhost:latest"_s
        << u"docker.io/library/localhost"_s;
    QTest::newRow("ipv6 host") << u"[::1]:5000/app:v1"_s << u"[::1]:5000"_s << u"[::1]:5000"_s
                               << u"app"_s << u"v1"_s << QString() << u"[::1]:5000/app:v1"_s
                               << u"[::1]:5000/app:v1"_s;
    QTest::newRow("upper case first component is a domain")
        << u"Registry/app"_s << u"Registry"_s << u"Registry"_s << u"app"_s << QString() << QString()
        << u"Registry/app:latest"_s << u"Registry/app"_s;
    QTest::newRow("digest only") << QString(u"ubuntu@"_s + Sha256) << u"docker.io"_s
                                 << u"registry-1.docker.io"_s << u"library/ubuntu"_s << QString()
                                 << Sha256 << QString(u"docker.io/library/ubuntu@"_s + Sha256)
                                 << QString(u"docker.io/library/ubuntu@"_s + Sha256);
    QTest::newRow("tag and digest: digest wins")
        << QString(u"localhost:5000/acme/app:v2.4.1@"_s + Sha256) << u"localhost:5000"_s
        << u"localhost:5000"_s << u"acme/app"_s << u"v2.4.1"_s << Sha256
        << QString(u"localhost:5000/acme/app@"_s + Sha256)
        << QString(u"localhost:5000/acme/app:v2.4.1@"_s + Sha256);
    QTest::newRow("sha512 digest")
        << QString(u"ghcr.io/a/b@"_s + Sha512) << u"ghcr.io"_s << u"ghcr.io"_s << u"a/b"_s
        << QString() << Sha512 << QString(u"ghcr.io/a/b@"_s + Sha512)
        << QString(u"ghcr.io/a/b@"_s + Sha512);
    QTest::newRow("separators in path")
        << u"registry.example.com/a.b/c__d/e--f_g:1"_s << u"registry.example.com"_s
        << u"registry.example.com"_s << u"a.b/c__d/e--f_g"_s << u"1"_s << QString()
        << u"registry.example.com/a.b/c__d/e--f_g:1"_s
        << u"registry.example.com/a.b/c__d/e--f_g:1"_s;
    QTest::newRow("surrounding whitespace trimmed")
        << u"  ubuntu:22.04\n"_s << u"docker.io"_s << u"registry-1.docker.io"_s
        << u"library/ubuntu"_s << u"22.04"_s << QString() << u"docker.io/library/ubuntu:22.04"_s
        << u"docker.io/library/ubuntu:22.04"_s;
}

void TestImageReference::parsesValidReferences() {
    QFETCH(QString, text);
    const auto parsed = ImageReference::parse(text);
    QVERIFY2(parsed.ok(), qPrintable(parsed.errorMessage()));
    const ImageReference& ref = parsed.value();
    QTEST(ref.domain(), "domain");
    QTEST(ref.apiHost(), "apiHost");
    QTEST(ref.path(), "path");
    QTEST(ref.tag(), "tag");
    QTEST(ref.digest(), "digest");
    QFETCH(QString, domain);
    QFETCH(QString, path);
    QCOMPARE(ref.repository(), domain + u'/' + path);
    const QChar separator = ref.digest().isEmpty() ? u':' : u'@';
    QTEST(QString(ref.repository() + separator + ref.reference()), "pullable");
    QTEST(ref.toString(), "canonical");
}

void TestImageReference::rejectsInvalidReferences_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("messageParts"); // each must appear in the error

    QTest::newRow("empty") << QString() << QStringList{u"empty"_s};
    QTest::newRow("only spaces") << u"   "_s << QStringList{u"empty"_s};
    QTest::newRow("upper case path")
        << u"ghcr.io/Acme/App"_s << QStringList{u"lowercase"_s, u"ghcr.io/Acme/App"_s};
    QTest::newRow("upper case hub name") << u"Ubuntu"_s << QStringList{u"lowercase"_s, u"Ubuntu"_s};
    QTest::newRow("empty tag") << u"ubuntu:"_s << QStringList{u"tag"_s, u"empty"_s};
    QTest::newRow("tag starting with dot")
        << u"ubuntu:.hidden"_s << QStringList{u"tag"_s, u".hidden"_s};
    QTest::newRow("tag too long") << QString(u"ubuntu:"_s + QString(129, u'a'))
                                  << QStringList{u"129"_s, u"128"_s};
    QTest::newRow("digest with upper case hex") << QString(u"ubuntu@sha256:"_s + QString(64, u'A'))
                                                << QStringList{u"digest"_s, u"sha256:AAAA"_s};
    QTest::newRow("digest too short")
        << u"ubuntu@sha256:abc"_s << QStringList{u"digest"_s, u"sha256:abc"_s};
    QTest::newRow("unknown digest algorithm")
        << QString(u"ubuntu@md5:"_s + QString(32, u'a')) << QStringList{u"digest"_s, u"md5:"_s};
    QTest::newRow("empty digest") << u"ubuntu@"_s << QStringList{u"digest"_s, u"ubuntu@"_s};
    QTest::newRow("no name, only tag") << u":v1"_s << QStringList{u"no repository name"_s};
    QTest::newRow("no name, only digest")
        << QString(u"@"_s + Sha256) << QStringList{u"no repository name"_s};
    QTest::newRow("empty path after host")
        << u"localhost:5000/"_s << QStringList{u"not a valid repository name"_s};
    QTest::newRow("double slash") << u"ghcr.io/a//b"_s << QStringList{u"a//b"_s};
    QTest::newRow("trailing separator") << u"acme/app-"_s << QStringList{u"acme/app-"_s};
    QTest::newRow("three underscores") << u"acme/a___b"_s << QStringList{u"acme/a___b"_s};
    QTest::newRow("inner whitespace") << u"acme/my app"_s << QStringList{u"acme/my app"_s};
    QTest::newRow("bad port") << u"localhost:abc/app"_s
                              << QStringList{u"registry host"_s, u"localhost:abc"_s};
    QTest::newRow("too long") << QString(u"ghcr.io/"_s + QString(250, u'a'))
                              << QStringList{u"too long"_s, u"258"_s};
}

void TestImageReference::rejectsInvalidReferences() {
    QFETCH(QString, text);
    QFETCH(QStringList, messageParts);
    const auto parsed = ImageReference::parse(text);
    QVERIFY2(!parsed.ok(), qPrintable(parsed.ok() ? parsed.value().toString() : QString()));
    for (const QString& part : messageParts)
        QVERIFY2(parsed.errorMessage().contains(part, Qt::CaseInsensitive),
                 qPrintable(parsed.errorMessage() + u" lacks "_s + part));
}

void TestImageReference::roundTripsThroughToString_data() {
    QTest::addColumn<QString>("text");
    QTest::newRow("hub") << u"ubuntu"_s;
    QTest::newRow("port tag digest") << QString(u"localhost:5000/acme/app:v1@"_s + Sha256);
    QTest::newRow("ipv6") << u"[::1]:5000/app:v1"_s;
    QTest::newRow("index.docker.io") << u"index.docker.io/acme/app"_s;
}

void TestImageReference::roundTripsThroughToString() {
    QFETCH(QString, text);
    const auto first = ImageReference::parse(text);
    QVERIFY2(first.ok(), qPrintable(first.errorMessage()));
    const auto second = ImageReference::parse(first.value().toString());
    QVERIFY2(second.ok(), qPrintable(second.errorMessage()));
    QCOMPARE(second.value(), first.value());
    QCOMPARE(second.value().toString(), first.value().toString());
}

void TestImageReference::validatesTags_data() {
    QTest::addColumn<QString>("tag");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("messagePart"); // expected in tagValidationError when invalid

    QTest::newRow("simple") << u"v2.4.1"_s << true << QString();
    QTest::newRow("underscore first") << u"_build"_s << true << QString();
    QTest::newRow("upper case") << u"Release-1"_s << true << QString();
    QTest::newRow("single char") << u"a"_s << true << QString();
    QTest::newRow("128 chars") << QString(128, u'x') << true << QString();
    QTest::newRow("129 chars") << QString(129, u'x') << false << u"at most 128"_s;
    QTest::newRow("empty") << QString() << false << u"empty"_s;
    QTest::newRow("dot first") << u".x"_s << false << u"start"_s;
    QTest::newRow("dash first") << u"-x"_s << false << u"start"_s;
    QTest::newRow("plus") << u"1.0+build"_s << false << u"\"+\""_s;
    QTest::newRow("slash") << u"feature/x"_s << false << u"\"/\""_s;
    QTest::newRow("colon") << u"a:b"_s << false << u"\":\""_s;
    QTest::newRow("non ascii") << u"caf\u00e9"_s << false << u"\"\u00e9\""_s;
    QTest::newRow("space") << u"a b"_s << false << u"\" \""_s;
}

void TestImageReference::validatesTags() {
    QFETCH(QString, tag);
    QFETCH(bool, valid);
    QFETCH(QString, messagePart);
    QCOMPARE(isValidTag(tag), valid);
    const QString error = tagValidationError(tag);
    QCOMPARE(error.isEmpty(), valid);
    if (!valid) {
        QVERIFY2(error.contains(messagePart), qPrintable(error));
        QVERIFY2(tag.isEmpty() || error.contains(tag), qPrintable(error)); // names the input
    }
}

void TestImageReference::validatesRepositoryPaths_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("valid");

    QTest::newRow("two components") << u"acme/payment-api"_s << true;
    QTest::newRow("deep") << u"a/b/c/d"_s << true;
    QTest::newRow("dots and underscores") << u"a.b_c__d"_s << true;
    QTest::newRow("dash run") << u"a---b"_s << true;
    QTest::newRow("255 chars") << QString(255, u'a') << true;
    QTest::newRow("256 chars") << QString(256, u'a') << false;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("upper case") << u"Acme/app"_s << false;
    QTest::newRow("leading slash") << u"/acme"_s << false;
    QTest::newRow("trailing slash") << u"acme/"_s << false;
    QTest::newRow("leading dot") << u".acme"_s << false;
    QTest::newRow("double dot") << u"a..b"_s << false;
    QTest::newRow("triple underscore") << u"a___b"_s << false;
    QTest::newRow("dot dash") << u"a.-b"_s << false;
    QTest::newRow("colon") << u"a:b"_s << false;
}

void TestImageReference::validatesRepositoryPaths() {
    QFETCH(QString, path);
    QTEST(isValidRepositoryPath(path), "valid");
}

void TestImageReference::validatesDigests_data() {
    QTest::addColumn<QString>("digest");
    QTest::addColumn<bool>("valid");

    QTest::newRow("sha256") << Sha256 << true;
    QTest::newRow("sha512") << Sha512 << true;
    QTest::newRow("sha256 with 63 hex") << QString(u"sha256:"_s + QString(63, u'a')) << false;
    QTest::newRow("sha256 with 65 hex") << QString(u"sha256:"_s + QString(65, u'a')) << false;
    QTest::newRow("sha256 with 128 hex") << QString(u"sha256:"_s + QString(128, u'a')) << false;
    QTest::newRow("upper case hex") << QString(u"sha256:"_s + QString(64, u'F')) << false;
    QTest::newRow("upper case algorithm") << QString(u"SHA256:"_s + QString(64, u'a')) << false;
    QTest::newRow("non hex") << QString(u"sha256:"_s + QString(64, u'g')) << false;
    QTest::newRow("no algorithm") << QString(64, u'a') << false;
    QTest::newRow("unknown algorithm") << QString(u"sha1:"_s + QString(40, u'a')) << false;
    QTest::newRow("empty") << QString() << false;
}

void TestImageReference::validatesDigests() {
    QFETCH(QString, digest);
    QTEST(isValidDigest(digest), "valid");
}

void TestImageReference::detectsLoopbackHosts_data() {
    QTest::addColumn<QString>("host");
    QTest::addColumn<bool>("loopback");

    QTest::newRow("localhost") << u"localhost"_s << true;
    QTest::newRow("localhost with port") << u"localhost:5000"_s << true;
    QTest::newRow("localhost any case") << u"LocalHost:5000"_s << true;
    QTest::newRow("127.0.0.1") << u"127.0.0.1"_s << true;
    QTest::newRow("127.0.0.1 with port") << u"127.0.0.1:5000"_s << true;
    QTest::newRow("other 127/8 address") << u"127.10.20.30:443"_s << true;
    QTest::newRow("short ipv4 form") << u"127.1:5000"_s << true;
    QTest::newRow("hex ipv4 form") << u"0x7f000001"_s << true;
    QTest::newRow("ipv4-mapped loopback") << u"[::ffff:127.0.0.1]:5000"_s << true;
    QTest::newRow("ipv4-mapped lan address") << u"[::ffff:192.168.1.10]"_s << false;
    QTest::newRow("numeric with junk") << u"127.0.0.1x"_s << false;
    QTest::newRow("ipv6 loopback bare") << u"::1"_s << true;
    QTest::newRow("ipv6 loopback bracketed") << u"[::1]"_s << true;
    QTest::newRow("ipv6 loopback with port") << u"[::1]:5000"_s << true;
    QTest::newRow("ipv6 loopback long form") << u"[0:0:0:0:0:0:0:1]:5000"_s << true;
    QTest::newRow("lan address") << u"192.168.1.10:5000"_s << false;
    QTest::newRow("128.0.0.1") << u"128.0.0.1"_s << false;
    QTest::newRow("public host") << u"ghcr.io"_s << false;
    QTest::newRow("localhost lookalike") << u"localhost.example.com"_s << false;
    QTest::newRow("localhost prefix") << u"localhostx:5000"_s << false;
    QTest::newRow("ipv6 other") << u"[2001:db8::1]:5000"_s << false;
    QTest::newRow("ipv6 unspecified") << u"::"_s << false;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("bad port") << u"localhost:abc"_s << false;
    QTest::newRow("empty port") << u"localhost:"_s << false;
    QTest::newRow("port out of range") << u"127.0.0.1:70000"_s << false;
    QTest::newRow("unclosed bracket") << u"[::1:5000"_s << false;
    QTest::newRow("junk after bracket") << u"[::1]x"_s << false;
}

void TestImageReference::detectsLoopbackHosts() {
    QFETCH(QString, host);
    QTEST(isLoopbackHost(host), "loopback");
}

BERTH_TEST_MAIN(TestImageReference)
#include "tst_imagereference.moc"
