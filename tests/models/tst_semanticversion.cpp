// SemanticVersion: which tags are exact versions, and their order by semver 2.0 precedence,
// which decides where publish moves the floating tags (v2.4, v2, latest).

#include "policy/SemanticVersion.h"

#include "TestMain.h"

#include <QTest>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace berth;

class TestSemanticVersion : public QObject {
    Q_OBJECT

private slots:
    void parsesExactVersions_data() {
        QTest::addColumn<QString>("tag");
        QTest::addColumn<bool>("exact");
        QTest::addColumn<QString>("parts"); // major.minor.patch|prerelease
        QTest::newRow("prefixed") << u"v2.4.1"_s << true << u"2.4.1|"_s;
        QTest::newRow("bare") << u"2.4.1"_s << true << u"2.4.1|"_s;
        QTest::newRow("zeros") << u"v0.0.0"_s << true << u"0.0.0|"_s;
        QTest::newRow("prerelease") << u"v3.0.0-rc.1"_s << true << u"3.0.0|rc.1"_s;
        QTest::newRow("prerelease with hyphen") << u"1.0.0-x-y.7"_s << true << u"1.0.0|x-y.7"_s;
        QTest::newRow("64-bit major")
            << u"v18446744073709551615.0.0"_s << true << u"18446744073709551615.0.0|"_s;
        QTest::newRow("beyond 64 bits") << u"v18446744073709551616.0.0"_s << false << QString();
        QTest::newRow("floating minor") << u"v2.4"_s << false << QString();
        QTest::newRow("floating major") << u"v2"_s << false << QString();
        QTest::newRow("latest") << u"latest"_s << false << QString();
        QTest::newRow("leading zero") << u"v2.04.1"_s << false << QString();
        QTest::newRow("build metadata") << u"2.4.1+build.5"_s << false << QString();
        QTest::newRow("capital V") << u"V2.4.1"_s << false << QString();
        QTest::newRow("empty identifier") << u"1.0.0-rc..1"_s << false << QString();
        QTest::newRow("trailing dot") << u"1.0.0."_s << false << QString();
        QTest::newRow("empty") << QString() << false << QString();
    }
    void parsesExactVersions() {
        QFETCH(QString, tag);
        QFETCH(bool, exact);
        QFETCH(QString, parts);
        const std::optional<SemanticVersion> version = SemanticVersion::parse(tag);
        QCOMPARE(version.has_value(), exact);
        if (!version)
            return;
        QCOMPARE(u"%1.%2.%3|%4"_s.arg(version->major)
                     .arg(version->minor)
                     .arg(version->patch)
                     .arg(version->prerelease.join(u'.')),
                 parts);
        QCOMPARE(version->isRelease(), version->prerelease.isEmpty());
    }

    // The example order of semver 2.0 §11, shuffled, sorts back into place.
    void ordersBySemverPrecedence() {
        const QStringList ordered{u"1.0.0-alpha"_s, u"1.0.0-alpha.1"_s, u"1.0.0-alpha.beta"_s,
                                  u"1.0.0-beta"_s,  u"1.0.0-beta.2"_s,  u"1.0.0-beta.11"_s,
                                  u"1.0.0-rc.1"_s,  u"1.0.0"_s,         u"v1.0.1"_s,
                                  u"1.2.0"_s,       u"v1.10.0"_s,       u"2.0.0-rc.1"_s,
                                  u"v2.0.0"_s,      u"10.0.0"_s};
        QList<SemanticVersion> versions;
        for (qsizetype i = ordered.size() - 1; i >= 0; i -= 2)
            versions.append(*SemanticVersion::parse(ordered.at(i)));
        for (qsizetype i = ordered.size() - 2; i >= 0; i -= 2)
            versions.append(*SemanticVersion::parse(ordered.at(i)));
        std::sort(versions.begin(), versions.end());
        for (qsizetype i = 0; i < ordered.size(); ++i)
            QVERIFY2(versions.at(i) == *SemanticVersion::parse(ordered.at(i)),
                     qPrintable(u"position %1 should be %2"_s.arg(i).arg(ordered.at(i))));
    }

    void numericIdentifiersCompareByValueAtAnyLength() {
        const auto a = SemanticVersion::parse(u"1.0.0-rc.99999999999999999999999"_s);
        const auto b = SemanticVersion::parse(u"1.0.0-rc.100000000000000000000000"_s);
        QVERIFY(a && b);
        QVERIFY(*a < *b);
        // A word is above any number.
        QVERIFY(*SemanticVersion::parse(u"1.0.0-rc.9"_s) <
                *SemanticVersion::parse(u"1.0.0-rc.a"_s));
    }

    void spellingsOfOneVersionAreEqual() {
        QVERIFY(*SemanticVersion::parse(u"v2.4.1"_s) == *SemanticVersion::parse(u"2.4.1"_s));
        QVERIFY(
            !(*SemanticVersion::parse(u"v2.4.1"_s) == *SemanticVersion::parse(u"2.4.1-rc.1"_s)));
    }
};

BERTH_TEST_MAIN(TestSemanticVersion)
#include "tst_semanticversion.moc"
