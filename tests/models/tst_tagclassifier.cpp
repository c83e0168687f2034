// TagClassifier: every kind, the ambiguous tags between them, and the kind names that
// settings and `berthctl --json` depend on.

#include "registry/TagClassifier.h"

#include "TestMain.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace berth;

Q_DECLARE_METATYPE(berth::TagKind)

namespace berth {
// Found by QTest through argument-dependent lookup, so failures print the kind's name.
char* toString(TagKind kind) {
    return qstrdup(qPrintable(tagKindName(kind)));
}
} // namespace berth

class TestTagClassifier : public QObject {
    Q_OBJECT

private slots:
    void classifiesWithDefaults_data();
    void classifiesWithDefaults();
    void classifiesWithCustomEnvironments_data();
    void classifiesWithCustomEnvironments();
    void defaultEnvironmentNames();
    void setEnvironmentNamesDropsEmptyAndDuplicates();
    void classifiesAllInOrder();
    void extractsCommitSha_data();
    void extractsCommitSha();
    void kindNamesRoundTrip_data();
    void kindNamesRoundTrip();
    void rejectsUnknownKindNames_data();
    void rejectsUnknownKindNames();
};

void TestTagClassifier::classifiesWithDefaults_data() {
    QTest::addColumn<QString>("tag");
    QTest::addColumn<TagKind>("kind");

    // exact semver
    QTest::newRow("v2.4.1") << u"v2.4.1"_s << TagKind::ExactSemver;
    QTest::newRow("2.4.1") << u"2.4.1"_s << TagKind::ExactSemver;
    QTest::newRow("0.0.0") << u"0.0.0"_s << TagKind::ExactSemver;
    QTest::newRow("v3.0.0-rc.1") << u"v3.0.0-rc.1"_s << TagKind::ExactSemver;
    QTest::newRow("1.0.0-alpha-2.beta") << u"1.0.0-alpha-2.beta"_s << TagKind::ExactSemver;
    QTest::newRow("v10.20.30") << u"v10.20.30"_s << TagKind::ExactSemver;
    QTest::newRow("prerelease with empty part") << u"1.0.0-rc..1"_s << TagKind::Other;
    QTest::newRow("empty prerelease") << u"1.0.0-"_s << TagKind::Other;
    QTest::newRow("leading zero") << u"01.2.3"_s << TagKind::Other;
    QTest::newRow("date tag") << u"2024.01.15"_s << TagKind::Other;
    QTest::newRow("four parts") << u"1.2.3.4"_s << TagKind::Other;
    QTest::newRow("upper case V") << u"V2.4.1"_s << TagKind::Other;
    QTest::newRow("vv") << u"vv2.4.1"_s << TagKind::Other;

    // floating semver
    QTest::newRow("v2.4") << u"v2.4"_s << TagKind::FloatingSemver;
    QTest::newRow("v2") << u"v2"_s << TagKind::FloatingSemver;
    QTest::newRow("2.4") << u"2.4"_s << TagKind::FloatingSemver;
    QTest::newRow("bare major 2") << u"2"_s << TagKind::FloatingSemver;
    QTest::newRow("bare 0") << u"0"_s << TagKind::FloatingSemver;
    QTest::newRow("six digits") << u"123456"_s << TagKind::FloatingSemver;
    QTest::newRow("v1234567 has a v") << u"v1234567"_s << TagKind::FloatingSemver;
    QTest::newRow("floating with prerelease") << u"v2-rc1"_s << TagKind::Other;
    QTest::newRow("leading zero minor") << u"2.04"_s << TagKind::Other;
    QTest::newRow("bare v") << u"v"_s << TagKind::Other;

    // git SHA
    QTest::newRow("7 hex") << u"a3f2c8d"_s << TagKind::GitSha;
    QTest::newRow("7 digits is a sha, not a version") << u"1234567"_s << TagKind::GitSha;
    QTest::newRow("40 hex") << u"0123456789abcdef0123456789abcdef01234567"_s << TagKind::GitSha;
    QTest::newRow("41 hex") << u"0123456789abcdef0123456789abcdef012345678"_s << TagKind::Other;
    QTest::newRow("64 hex digest pasted as tag") << QString(64, u'a') << TagKind::Other;
    QTest::newRow("6 hex") << u"a3f2c8"_s << TagKind::Other;
    QTest::newRow("upper case hex") << u"A3F2C8D"_s << TagKind::Other;
    QTest::newRow("mixed case hex") << u"a3F2c8d"_s << TagKind::Other;
    QTest::newRow("non hex letter") << u"a3f2c8g"_s << TagKind::Other;

    // branch-SHA
    QTest::newRow("main-a3f2c8d") << u"main-a3f2c8d"_s << TagKind::BranchSha;
    QTest::newRow("feature-x-a3f2c8d") << u"feature-x-a3f2c8d"_s << TagKind::BranchSha;
    QTest::newRow("dots and underscores in branch")
        << u"release_2.4-hotfix.1-a3f2c8d"_s << TagKind::BranchSha;
    QTest::newRow("full sha") << u"main-0123456789abcdef0123456789abcdef01234567"_s
                              << TagKind::BranchSha;
    QTest::newRow("release-2024.01 is not one") << u"release-2024.01"_s << TagKind::Other;
    QTest::newRow("short sha") << u"main-a3f2c8"_s << TagKind::Other;
    QTest::newRow("41-hex sha part")
        << u"main-0123456789abcdef0123456789abcdef012345678"_s << TagKind::Other;
    QTest::newRow("upper case branch") << u"Main-a3f2c8d"_s << TagKind::Other;
    QTest::newRow("upper case sha part") << u"main-A3F2C8D"_s << TagKind::Other;
    QTest::newRow("empty branch segment") << u"main--a3f2c8d"_s << TagKind::Other;
    QTest::newRow("sha first, branch last") << u"a3f2c8d-main"_s << TagKind::Other;

    // environment, latest, other
    QTest::newRow("dev") << u"dev"_s << TagKind::Environment;
    QTest::newRow("qa") << u"qa"_s << TagKind::Environment;
    QTest::newRow("staging") << u"staging"_s << TagKind::Environment;
    QTest::newRow("production") << u"production"_s << TagKind::Environment;
    QTest::newRow("prod") << u"prod"_s << TagKind::Environment;
    QTest::newRow("canary") << u"canary"_s << TagKind::Environment;
    QTest::newRow("Production is flagged") << u"Production"_s << TagKind::Other;
    QTest::newRow("STAGING is flagged") << u"STAGING"_s << TagKind::Other;
    QTest::newRow("latest") << u"latest"_s << TagKind::Latest;
    QTest::newRow("LATEST") << u"LATEST"_s << TagKind::Other;
    QTest::newRow("Latest") << u"Latest"_s << TagKind::Other;
    QTest::newRow("final2") << u"final2"_s << TagKind::Other;
    QTest::newRow("new") << u"new"_s << TagKind::Other;
    QTest::newRow("test is not a default environment") << u"test"_s << TagKind::Other;
    QTest::newRow("empty") << QString() << TagKind::Other;
}

void TestTagClassifier::classifiesWithDefaults() {
    QFETCH(QString, tag);
    QTEST(TagClassifier().classify(tag), "kind");
}

void TestTagClassifier::classifiesWithCustomEnvironments_data() {
    QTest::addColumn<QStringList>("environments");
    QTest::addColumn<QString>("tag");
    QTest::addColumn<TagKind>("kind");

    const QStringList custom{u"uat"_s, u"live"_s, u"eu-prod"_s};
    QTest::newRow("custom name") << custom << u"uat"_s << TagKind::Environment;
    QTest::newRow("custom name with dash") << custom << u"eu-prod"_s << TagKind::Environment;
    QTest::newRow("default name no longer one") << custom << u"staging"_s << TagKind::Other;
    QTest::newRow("custom name exact case") << custom << u"Live"_s << TagKind::Other;
    QTest::newRow("configured v2 beats floating semver")
        << QStringList{u"v2"_s} << u"v2"_s << TagKind::Environment;
    QTest::newRow("unconfigured v3 stays floating")
        << QStringList{u"v2"_s} << u"v3"_s << TagKind::FloatingSemver;
    QTest::newRow("configured name beats git sha")
        << QStringList{u"deadbee"_s} << u"deadbee"_s << TagKind::Environment;
    QTest::newRow("no environments at all") << QStringList{} << u"production"_s << TagKind::Other;
    QTest::newRow("patterns unaffected") << custom << u"main-a3f2c8d"_s << TagKind::BranchSha;
}

void TestTagClassifier::classifiesWithCustomEnvironments() {
    QFETCH(QStringList, environments);
    QFETCH(QString, tag);
    TagClassifier classifier;
    classifier.setEnvironmentNames(environments);
    QCOMPARE(classifier.environmentNames(), environments);
    QTEST(classifier.classify(tag), "kind");
}

void TestTagClassifier::defaultEnvironmentNames() {
    const QStringList expected{u"dev"_s,        u"qa"_s,   u"staging"_s,
                               u"production"_s, u"prod"_s, u"canary"_s};
    QCOMPARE(TagClassifier().environmentNames(), expected);
}

void TestTagClassifier::setEnvironmentNamesDropsEmptyAndDuplicates() {
    TagClassifier classifier;
    classifier.setEnvironmentNames({u"qa"_s, QString(), u"live"_s, u"qa"_s});
    QCOMPARE(classifier.environmentNames(), (QStringList{u"qa"_s, u"live"_s}));
    QCOMPARE(classifier.classify(QString()), TagKind::Other);
}

void TestTagClassifier::classifiesAllInOrder() {
    const QStringList tags{u"latest"_s, u"v2.4.1"_s, u"a3f2c8d"_s, u"staging"_s, u"final2"_s};
    const QList<ClassifiedTag> expected{
        {u"latest"_s, TagKind::Latest},  {u"v2.4.1"_s, TagKind::ExactSemver},
        {u"a3f2c8d"_s, TagKind::GitSha}, {u"staging"_s, TagKind::Environment},
        {u"final2"_s, TagKind::Other},
    };
    QCOMPARE(TagClassifier().classifyAll(tags), expected);
    QVERIFY(TagClassifier().classifyAll({}).isEmpty());
}

void TestTagClassifier::extractsCommitSha_data() {
    QTest::addColumn<QString>("tag");
    QTest::addColumn<QString>("sha");

    QTest::newRow("git sha") << u"a3f2c8d"_s << u"a3f2c8d"_s;
    QTest::newRow("all-digit sha") << u"1234567"_s << u"1234567"_s;
    QTest::newRow("branch sha") << u"main-a3f2c8d"_s << u"a3f2c8d"_s;
    QTest::newRow("dashed branch") << u"feature-x-a3f2c8d"_s << u"a3f2c8d"_s;
    QTest::newRow("branch with full sha") << u"main-0123456789abcdef0123456789abcdef01234567"_s
                                          << u"0123456789abcdef0123456789abcdef01234567"_s;
    QTest::newRow("exact semver has none") << u"v2.4.1"_s << QString();
    QTest::newRow("environment has none") << u"production"_s << QString();
    QTest::newRow("other has none") << u"release-2024.01"_s << QString();
}

void TestTagClassifier::extractsCommitSha() {
    QFETCH(QString, tag);
    const TagKind kind = TagClassifier().classify(tag);
    QTEST(TagClassifier::commitShaOf(tag, kind), "sha");
}

void TestTagClassifier::kindNamesRoundTrip_data() {
    QTest::addColumn<TagKind>("kind");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("mutableKind");

    QTest::newRow("exact") << TagKind::ExactSemver << u"exact-semver"_s << false;
    QTest::newRow("floating") << TagKind::FloatingSemver << u"floating-semver"_s << true;
    QTest::newRow("git") << TagKind::GitSha << u"git-sha"_s << false;
    QTest::newRow("branch") << TagKind::BranchSha << u"branch-sha"_s << false;
    QTest::newRow("environment") << TagKind::Environment << u"environment"_s << true;
    QTest::newRow("latest") << TagKind::Latest << u"latest"_s << true;
    QTest::newRow("other") << TagKind::Other << u"other"_s << false;
}

void TestTagClassifier::kindNamesRoundTrip() {
    QFETCH(TagKind, kind);
    QFETCH(QString, name);
    QCOMPARE(tagKindName(kind), name);
    const std::optional<TagKind> parsed = tagKindFromName(name);
    QVERIFY(parsed.has_value());
    QCOMPARE(*parsed, kind);
    QTEST(isMutableKind(kind), "mutableKind");
}

void TestTagClassifier::rejectsUnknownKindNames_data() {
    QTest::addColumn<QString>("name");
    QTest::newRow("empty") << QString();
    QTest::newRow("wrong case") << u"Latest"_s;
    QTest::newRow("underscore") << u"git_sha"_s;
    QTest::newRow("unknown") << u"nightly"_s;
}

void TestTagClassifier::rejectsUnknownKindNames() {
    QFETCH(QString, name);
    QVERIFY(!tagKindFromName(name).has_value());
}

BERTH_TEST_MAIN(TestTagClassifier)
#include "tst_tagclassifier.moc"
