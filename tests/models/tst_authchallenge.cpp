// WWW-Authenticate parsing (RFC 7235), the choice between the offered schemes, and the
// token service's answer that follows a Bearer challenge.

#include "registry/AuthChallenge.h"
#include "registry/TokenResponse.h"

#include "TestMain.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace berth;

using Params = QMap<QString, QString>;

namespace {

// One readable line per challenge: "scheme token68 {key=value;key=value}".
QString describe(const AuthChallenge& challenge) {
    QStringList params;
    for (auto it = challenge.params.cbegin(); it != challenge.params.cend(); ++it)
        params << it.key() + u'=' + it.value();
    return challenge.scheme + u' ' + challenge.token68 + u" {"_s + params.join(u';') + u'}';
}

QStringList describeAll(const QList<AuthChallenge>& challenges) {
    QStringList lines;
    for (const AuthChallenge& challenge : challenges)
        lines << describe(challenge);
    return lines;
}

} // namespace

class TestAuthChallenge : public QObject {
    Q_OBJECT

private slots:
    void parsesChallenges_data();
    void parsesChallenges();
    void looksUpParamsCaseInsensitively();
    void prefersBearerOverBasic_data();
    void prefersBearerOverBasic();
    void splitsScopes_data();
    void splitsScopes();
    void readsTokenResponses_data();
    void readsTokenResponses();
};

void TestAuthChallenge::parsesChallenges_data() {
    QTest::addColumn<QList<QByteArray>>("headers");
    QTest::addColumn<QStringList>("expected"); // describe() of each challenge, in order

    QTest::newRow("docker token auth")
        << QList<
               QByteArray>{R"(Bearer realm="https://auth.example/token",service="registry",scope="repository:x:pull,push")"}
        << QStringList{
               u"bearer  {realm=https://auth.example/token;scope=repository:x:pull,push;service=registry}"_s};
    QTest::newRow("escaped quotes and backslashes")
        << QList<QByteArray>{R"(Newauth slashed="he\"\l\lo")"}
        << QStringList{u"newauth  {slashed=he\"llo}"_s};
    QTest::newRow("escaped backslash kept once")
        << QList<QByteArray>{R"(Bearer realm="a\\b")"} << QStringList{u"bearer  {realm=a\\b}"_s};
    QTest::newRow("two challenges on one line")
        << QList<QByteArray>{R"(Basic realm="r", Bearer realm="t")"}
        << QStringList{u"basic  {realm=r}"_s, u"bearer  {realm=t}"_s};
    QTest::newRow("two challenges with several params each")
        << QList<QByteArray>{R"(Bearer realm="t", service="s", Basic realm="r", charset="UTF-8")"}
        << QStringList{u"bearer  {realm=t;service=s}"_s, u"basic  {charset=UTF-8;realm=r}"_s};
    QTest::newRow("two header lines")
        << QList<QByteArray>{R"(Basic realm="r")", R"(Bearer realm="t",service="s")"}
        << QStringList{u"basic  {realm=r}"_s, u"bearer  {realm=t;service=s}"_s};
    QTest::newRow("lines joined by a newline")
        << QList<QByteArray>{"Basic realm=\"r\"\nBearer realm=\"t\""}
        << QStringList{u"basic  {realm=r}"_s, u"bearer  {realm=t}"_s};
    QTest::newRow("upper case scheme and names, token value")
        << QList<QByteArray>{"BEARER REALM=x"} << QStringList{u"bearer  {realm=x}"_s};
    QTest::newRow("value case is kept") << QList<QByteArray>{"Bearer Service=Registry.Example"}
                                        << QStringList{u"bearer  {service=Registry.Example}"_s};
    QTest::newRow("whitespace around equals and empty elements")
        << QList<QByteArray>{" ,  Bearer   realm = \"t\" , , service\t=\ts ,,"}
        << QStringList{u"bearer  {realm=t;service=s}"_s};
    QTest::newRow("scheme without params")
        << QList<QByteArray>{"Negotiate, Basic realm=\"r\""}
        << QStringList{u"negotiate  {}"_s, u"basic  {realm=r}"_s};
    QTest::newRow("token68")
        << QList<QByteArray>{"Negotiate YIIB9wYJKoZIhvcSAQICAQBuggHmMIIB4qADAgEF=="}
        << QStringList{u"negotiate YIIB9wYJKoZIhvcSAQICAQBuggHmMIIB4qADAgEF== {}"_s};
    QTest::newRow("token68 then another challenge")
        << QList<QByteArray>{"Custom abc/def+=, Basic realm=r"}
        << QStringList{u"custom abc/def+= {}"_s, u"basic  {realm=r}"_s};
    QTest::newRow("unquoted url value")
        << QList<QByteArray>{"Bearer realm=https://auth.example/token,service=registry"}
        << QStringList{u"bearer  {realm=https://auth.example/token;service=registry}"_s};
    QTest::newRow("empty quoted value") << QList<QByteArray>{R"(Bearer realm="t",scope="")"}
                                        << QStringList{u"bearer  {realm=t;scope=}"_s};
    QTest::newRow("repeated param: first wins")
        << QList<QByteArray>{R"(Bearer realm="first", realm="second")"}
        << QStringList{u"bearer  {realm=first}"_s};
    QTest::newRow("unterminated quote drops only that param")
        << QList<QByteArray>{R"(Bearer service="s", realm="https://auth.exa)"}
        << QStringList{u"bearer  {service=s}"_s};
    QTest::newRow("unterminated quote does not eat the next line")
        << QList<QByteArray>{R"(Bearer realm="https://auth.exa)", R"(Basic realm="r")"}
        << QStringList{u"bearer  {}"_s, u"basic  {realm=r}"_s};
    QTest::newRow("trailing backslash in quote")
        << QList<QByteArray>{"Bearer realm=\"abc\\"} << QStringList{u"bearer  {}"_s};
    QTest::newRow("param before any scheme is ignored")
        << QList<QByteArray>{R"(realm="x", Basic realm="r")"} << QStringList{u"basic  {realm=r}"_s};
    QTest::newRow("garbage characters skipped")
        << QList<QByteArray>{R"(=== , "quoted, junk", Basic realm="r")"}
        << QStringList{u"basic  {realm=r}"_s};
    QTest::newRow("empty input") << QList<QByteArray>{} << QStringList{};
    QTest::newRow("empty line") << QList<QByteArray>{QByteArray()} << QStringList{};
    QTest::newRow("only separators") << QList<QByteArray>{" , ,\t"} << QStringList{};
}

void TestAuthChallenge::parsesChallenges() {
    QFETCH(QList<QByteArray>, headers);
    QTEST(describeAll(parseAuthChallenges(headers)), "expected");
}

void TestAuthChallenge::looksUpParamsCaseInsensitively() {
    const auto challenges = parseAuthChallenges({"Bearer Realm=\"t\""});
    QCOMPARE(challenges.size(), 1);
    QCOMPARE(challenges.first().param(u"REALM"_s), u"t"_s);
    QCOMPARE(challenges.first().param(u"realm"_s), u"t"_s);
    QCOMPARE(challenges.first().param(u"service"_s), QString());
}

void TestAuthChallenge::prefersBearerOverBasic_data() {
    QTest::addColumn<QList<QByteArray>>("headers");
    QTest::addColumn<QString>("scheme"); // empty: nothing usable offered
    QTest::addColumn<QString>("realm");

    QTest::newRow("basic first, bearer later")
        << QList<QByteArray>{R"(Basic realm="r", Bearer realm="t")"} << u"bearer"_s << u"t"_s;
    QTest::newRow("bearer on second line")
        << QList<QByteArray>{R"(Basic realm="r")", R"(BEARER realm="t")"} << u"bearer"_s << u"t"_s;
    QTest::newRow("basic only") << QList<QByteArray>{R"(Basic realm="r")"} << u"basic"_s << u"r"_s;
    QTest::newRow("first bearer of two")
        << QList<QByteArray>{R"(Bearer realm="one", Bearer realm="two")"} << u"bearer"_s
        << u"one"_s;
    QTest::newRow("unknown schemes only")
        << QList<QByteArray>{"Negotiate, Digest realm=\"d\""} << QString() << QString();
    QTest::newRow("nothing") << QList<QByteArray>{} << QString() << QString();
}

void TestAuthChallenge::prefersBearerOverBasic() {
    QFETCH(QList<QByteArray>, headers);
    QFETCH(QString, scheme);
    const auto preferred = preferredChallenge(parseAuthChallenges(headers));
    QCOMPARE(preferred.has_value(), !scheme.isEmpty());
    if (preferred) {
        QCOMPARE(preferred->scheme, scheme);
        QTEST(preferred->param(u"realm"_s), "realm");
    }
}

void TestAuthChallenge::splitsScopes_data() {
    QTest::addColumn<QString>("scope");
    QTest::addColumn<QStringList>("scopes");

    QTest::newRow("one") << u"repository:x:pull,push"_s << QStringList{u"repository:x:pull,push"_s};
    QTest::newRow("two") << u"repository:a:pull repository:b:pull,push"_s
                         << QStringList{u"repository:a:pull"_s, u"repository:b:pull,push"_s};
    QTest::newRow("extra whitespace")
        << u"  registry:catalog:*   repository:a:pull\t"_s
        << QStringList{u"registry:catalog:*"_s, u"repository:a:pull"_s};
    QTest::newRow("empty") << QString() << QStringList{};
}

void TestAuthChallenge::splitsScopes() {
    QFETCH(QString, scope);
    QTEST(splitScopes(scope), "scopes");
}

void TestAuthChallenge::readsTokenResponses_data() {
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("authorization"); // empty: refused
    QTest::addColumn<int>("expiresIn");

    QTest::newRow("distribution") << QByteArray(R"({"token":"e.f.g","expires_in":300})")
                                  << QByteArray("Bearer e.f.g") << 300;
    QTest::newRow("oauth2 alias") << QByteArray(R"({"access_token":"a-b_c~","expires_in":60})")
                                  << QByteArray("Bearer a-b_c~") << 60;
    QTest::newRow("token wins over alias")
        << QByteArray(R"({"token":"t","access_token":"a"})") << QByteArray("Bearer t") << 0;
    QTest::newRow("negative lifetime unsaid")
        << QByteArray(R"({"token":"t","expires_in":-5})") << QByteArray("Bearer t") << 0;
    QTest::newRow("fractional lifetime unsaid")
        << QByteArray(R"({"token":"t","expires_in":1.5})") << QByteArray("Bearer t") << 0;
    QTest::newRow("no token") << QByteArray(R"({"expires_in":60})") << QByteArray() << 0;
    QTest::newRow("not json") << QByteArray("<html>") << QByteArray() << 0;
    // Sent as it is, "t\r\nX-Evil: 1" would add a header of the token service's choosing.
    QTest::newRow("line break") << QByteArray(R"({"token":"t\r\nX-Evil: 1"})") << QByteArray() << 0;
    QTest::newRow("space") << QByteArray(R"({"token":"a b"})") << QByteArray() << 0;
    QTest::newRow("not ascii") << QByteArray(R"({"token":"t\u00e9"})") << QByteArray() << 0;
}

void TestAuthChallenge::readsTokenResponses() {
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, authorization);
    const Result<BearerToken> token = parseTokenResponse(body);
    QCOMPARE(token.ok(), !authorization.isEmpty());
    if (token) {
        QCOMPARE(token->authorization, authorization);
        QTEST(token->expiresInSeconds, "expiresIn");
    } else {
        QVERIFY(!token.errorMessage().isEmpty());
    }
}

BERTH_TEST_MAIN(TestAuthChallenge)
#include "tst_authchallenge.moc"
