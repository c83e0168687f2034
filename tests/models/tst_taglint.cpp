// The tag lint as a pure function: one row per finding and per clean case, each with the
// berth.toml it runs under, the builds (digest, tags, labels) and the tag history.

#include "TestMain.h"

#include "policy/TagLint.h"

#include <QTest>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace berth;

namespace {

const QString kRevision = u"org.opencontainers.image.revision"_s;
const QDateTime kStart = QDateTime(QDate(2026, 3, 1), QTime(9, 0), Qt::UTC);

// A build's digest is its one-character seed repeated ("a": sha256:aaaa…), and unless
// told otherwise it was built from the commit of the same character (aaaa…, 40 digits).
QString digestOf(QChar seed) {
    return u"sha256:"_s + QString(64, seed);
}

// "a: v1.0.0 aaaaaaa rev=<commit> key=value !": seed, tags, labels ("rev=" alone drops
// the revision label), "!" a build that could not be read completely.
Build build(const QString& spec) {
    const QChar seed = spec.at(0);
    Build build;
    build.digest = digestOf(seed);
    build.labels.insert(kRevision, QString(40, seed));
    QStringList tags;
    for (const QString& token : spec.mid(2).split(u' ', Qt::SkipEmptyParts)) {
        if (token == u"!"_s) {
            build.problem = u"its config did not arrive"_s;
        } else if (token.contains(u'=')) {
            const QString key =
                token.section(u'=', 0, 0) == u"rev"_s ? kRevision : token.section(u'=', 0, 0);
            const QString value = token.section(u'=', 1);
            if (value.isEmpty())
                build.labels.remove(key);
            else
                build.labels.insert(key, value);
        } else {
            tags.append(token);
        }
    }
    // Classified as the collector does, without the policy: the lint must reclassify.
    build.tags = TagClassifier().classifyAll(tags);
    return build;
}

QList<Build> builds(const QStringList& specs) {
    QList<Build> result;
    for (const QString& spec : specs)
        result.append(build(spec));
    return result;
}

// "v1.0.0: a b": the tag was seen on build a, then on b, an hour apart; newest first
// within a tag, as HistoryStore::positionsOfRepository answers.
QList<TagPosition> positions(const QStringList& specs) {
    QList<TagPosition> result;
    for (const QString& spec : specs) {
        const QString tag = spec.section(u':', 0, 0);
        const QStringList seeds = spec.section(u':', 1).split(u' ', Qt::SkipEmptyParts);
        QList<TagPosition> ofTag;
        for (qsizetype i = 0; i < seeds.size(); ++i) {
            const QDateTime seen = kStart.addSecs(3600 * i);
            ofTag.prepend({tag, digestOf(seeds[i].at(0)), seen, seen.addSecs(1800),
                           u"ci@runner%1 (berthctl)"_s.arg(i)});
        }
        result.append(ofTag);
    }
    return result;
}

TagPolicy policy(const QByteArray& toml) {
    const Result<TagPolicy> parsed = parseTagPolicy(toml, u"berth.toml"_s, u"test"_s);
    if (!parsed)
        qFatal("%s", qPrintable(parsed.errorMessage()));
    return parsed.value();
}

// "error FLOATING_BEHIND v1.2,v1.2.1 @ab": severity, code, tags, the builds' seeds.
QString describe(const TagLintFinding& finding) {
    QString seeds;
    for (const QString& digest : finding.digests)
        seeds.append(digest.at(7));
    return u"%1 %2 %3 @%4"_s.arg(tagLintSeverityName(finding.severity),
                                 tagLintCodeName(finding.code), finding.tags.join(u','), seeds);
}

QStringList describeAll(const QList<TagLintFinding>& findings) {
    QStringList lines;
    for (const TagLintFinding& finding : findings)
        lines.append(describe(finding));
    return lines;
}

} // namespace

class TestTagLint : public QObject {
    Q_OBJECT

private slots:
    void findings_data() {
        QTest::addColumn<QByteArray>("toml");
        QTest::addColumn<QStringList>("builds");
        QTest::addColumn<QStringList>("history");
        QTest::addColumn<QStringList>("expected");

        const QString ambiguous = u"b: v1.1.0 rev=aaaaaaa"_s + QString(33, u'b');
        QTest::newRow("clean")
            << QByteArray()
            << QStringList{u"a: v1.0.0 aaaaaaa production"_s,
                           u"b: v1.1.0 v1.1 v1 latest bbbbbbb main-bbbbbbb staging"_s}
            << QStringList{} << QStringList{};
        QTest::newRow("tags fitting no form")
            << QByteArray() << QStringList{u"a: v1.0.0 final2 new test"_s} << QStringList{}
            << QStringList{u"error STRAY_TAG final2 @a"_s, u"error STRAY_TAG new @a"_s,
                           u"error STRAY_TAG test @a"_s};
        QTest::newRow("an environment the order does not name")
            << QByteArray("[environments]\norder = [\"dev\", \"production\"]\n")
            << QStringList{u"a: v1.0.0 staging"_s} << QStringList{}
            << QStringList{u"error STRAY_TAG staging @a"_s};
        QTest::newRow("a release without the v")
            << QByteArray() << QStringList{u"a: 1.0.0"_s} << QStringList{}
            << QStringList{u"error STRAY_TAG 1.0.0 @a"_s};
        QTest::newRow("a release with a v the policy does not use")
            << QByteArray("[tags]\nsemver = \"\"\n") << QStringList{u"a: v1.0.0"_s} << QStringList{}
            << QStringList{u"error STRAY_TAG v1.0.0 @a"_s};
        QTest::newRow("two spellings")
            << QByteArray() << QStringList{u"a: v1.2.3"_s, u"b: 1.2.4"_s} << QStringList{}
            << QStringList{u"error MIXED_SPELLING 1.2.4 @b"_s};
        QTest::newRow("two spellings, the policy's without v")
            << QByteArray("[tags]\nsemver = \"\"\n") << QStringList{u"a: 1.2.3"_s, u"b: v1.2.4"_s}
            << QStringList{} << QStringList{u"error MIXED_SPELLING v1.2.4 @b"_s};
        QTest::newRow("a 12-digit SHA under commit = 7")
            << QByteArray() << QStringList{u"a: v1.0.0 aaaaaaaaaaaa"_s} << QStringList{}
            << QStringList{u"error STRAY_TAG aaaaaaaaaaaa @a"_s};
        QTest::newRow("a 7-digit SHA under commit = 12")
            << QByteArray("[tags]\ncommit = 12\n")
            << QStringList{u"a: v1.0.0 aaaaaaaaaaaa main-aaaaaaaaaaaa aaaaaaa"_s} << QStringList{}
            << QStringList{u"error STRAY_TAG aaaaaaa @a"_s};
        QTest::newRow("commit tags under commit = 0")
            << QByteArray("[tags]\ncommit = 0\n")
            << QStringList{u"a: v1.0.0 aaaaaaa main-aaaaaaa"_s} << QStringList{}
            << QStringList{u"error STRAY_TAG aaaaaaa @a"_s, u"error STRAY_TAG main-aaaaaaa @a"_s};
        QTest::newRow("a branch tag under branch_commit = false")
            << QByteArray("[tags]\nbranch_commit = false\n")
            << QStringList{u"a: v1.0.0 main-aaaaaaa"_s} << QStringList{}
            << QStringList{u"error STRAY_TAG main-aaaaaaa @a"_s};
        QTest::newRow("a minor tag the policy does not float")
            << QByteArray("[tags]\nfloating = [\"major\"]\n") << QStringList{u"a: v1.0.0 v1.0 v1"_s}
            << QStringList{} << QStringList{u"error STRAY_TAG v1.0 @a"_s};
        QTest::newRow("a major tag under floating = []")
            << QByteArray("[tags]\nfloating = []\n") << QStringList{u"a: v1.0.0 v1"_s}
            << QStringList{} << QStringList{u"error STRAY_TAG v1 @a"_s};
        QTest::newRow("latest under latest = false")
            << QByteArray("[tags]\nlatest = false\n") << QStringList{u"a: v1.0.0 latest"_s}
            << QStringList{} << QStringList{u"error STRAY_TAG latest @a"_s};

        QTest::newRow("an exact version moved")
            << QByteArray() << QStringList{u"a: aaaaaaa"_s, u"b: v1.0.0"_s}
            << QStringList{u"v1.0.0: a b"_s} << QStringList{u"error IMMUTABLE_MOVED v1.0.0 @ab"_s};
        QTest::newRow("moved away and back")
            << QByteArray() << QStringList{u"a: v1.0.0"_s, u"b: bbbbbbb"_s}
            << QStringList{u"v1.0.0: a b a"_s}
            << QStringList{u"error IMMUTABLE_MOVED v1.0.0 @ab"_s};
        QTest::newRow("moved in the registry since the history's last look")
            << QByteArray() << QStringList{u"a: aaaaaaa"_s, u"b: v1.0.0"_s}
            << QStringList{u"v1.0.0: a"_s} << QStringList{u"error IMMUTABLE_MOVED v1.0.0 @ab"_s};
        QTest::newRow("moving tags move by design")
            << QByteArray() << QStringList{u"a: v1.0.0 production"_s, u"b: v1.1.0 v1 latest"_s}
            << QStringList{u"v1: a b"_s, u"production: b a"_s, u"latest: a b"_s} << QStringList{};
        QTest::newRow("a version the policy does not hold immutable")
            << QByteArray("[tags]\nimmutable = [\"git-sha\"]\n")
            << QStringList{u"a: aaaaaaa"_s, u"b: v1.0.0 bbbbbbb"_s} << QStringList{u"v1.0.0: a b"_s}
            << QStringList{};

        QTest::newRow("a minor tag behind")
            << QByteArray() << QStringList{u"a: v1.2.0 v1.2"_s, u"b: v1.2.1 v1"_s} << QStringList{}
            << QStringList{u"error FLOATING_BEHIND v1.2,v1.2.1 @ab"_s};
        QTest::newRow("a major tag behind")
            << QByteArray() << QStringList{u"a: v1.2.0 v1"_s, u"b: v1.3.0 v1.3"_s} << QStringList{}
            << QStringList{u"error FLOATING_BEHIND v1,v1.3.0 @ab"_s};
        QTest::newRow("a higher pre-release does not count")
            << QByteArray()
            << QStringList{u"a: v1.2.0 v1.2 v1 latest"_s, u"b: v1.2.1-rc.1"_s,
                           u"c: v2.0.0-beta.1"_s}
            << QStringList{} << QStringList{};
        QTest::newRow("versions compare as numbers")
            << QByteArray() << QStringList{u"a: v1.9.0 v1.9"_s, u"b: v1.10.0 v1.10 v1 latest"_s}
            << QStringList{} << QStringList{};
        QTest::newRow("a minor tag with no release to follow")
            << QByteArray() << QStringList{u"a: v1.2.0 v1.2 latest"_s, u"b: v1.3.0-rc.1 v1.3"_s}
            << QStringList{} << QStringList{u"error FLOATING_BEHIND v1.3 @b"_s};
        QTest::newRow("latest behind")
            << QByteArray() << QStringList{u"a: v1.0.0 latest"_s, u"b: v2.0.0"_s} << QStringList{}
            << QStringList{u"error LATEST_BEHIND latest,v2.0.0 @ab"_s};
        QTest::newRow("latest follows the version, not the time")
            << QByteArray() << QStringList{u"b: v1.9.0"_s, u"a: v2.0.0 latest"_s} << QStringList{}
            << QStringList{};
        QTest::newRow("latest on a pre-release")
            << QByteArray() << QStringList{u"a: v1.0.0"_s, u"b: v1.1.0-rc.1 latest"_s}
            << QStringList{} << QStringList{u"error LATEST_BEHIND latest,v1.0.0 @ba"_s};

        QTest::newRow("no revision label")
            << QByteArray() << QStringList{u"a: v1.0.0 rev="_s} << QStringList{}
            << QStringList{u"warning NO_REVISION v1.0.0 @a"_s};
        QTest::newRow("no revision label, none required")
            << QByteArray("[labels]\nrequired = []\n") << QStringList{u"a: v1.0.0 rev="_s}
            << QStringList{} << QStringList{u"warning NO_REVISION v1.0.0 @a"_s};
        QTest::newRow("the revision in git.commit, the policy asking for the OCI label")
            << QByteArray() << QStringList{u"a: v1.0.0 rev= git.commit="_s + QString(40, u'a')}
            << QStringList{} << QStringList{u"warning MISSING_LABEL v1.0.0 @a"_s};
        QTest::newRow("a required label missing")
            << QByteArray("[labels]\nrequired = [\"org.opencontainers.image.revision\", "
                          "\"org.opencontainers.image.source\"]\n")
            << QStringList{u"a: v1.0.0"_s,
                           u"b: v1.1.0 org.opencontainers.image.source=https://example.org/app"_s}
            << QStringList{} << QStringList{u"warning MISSING_LABEL v1.0.0 @a"_s};
        QTest::newRow("a SHA tag naming another commit")
            << QByteArray() << QStringList{u"a: v1.0.0 bbbbbbb"_s} << QStringList{}
            << QStringList{u"error REVISION_MISMATCH bbbbbbb @a"_s};
        QTest::newRow("a branch tag naming another commit")
            << QByteArray() << QStringList{u"a: v1.0.0 main-bbbbbbb"_s} << QStringList{}
            << QStringList{u"error REVISION_MISMATCH main-bbbbbbb @a"_s};
        QTest::newRow("a build read in part is not judged by its labels")
            << QByteArray() << QStringList{u"a: v1.0.0 rev= !"_s} << QStringList{} << QStringList{};

        QTest::newRow("a build no immutable tag names")
            << QByteArray("[tags]\nimmutable = [\"exact-semver\"]\n")
            << QStringList{u"a: v1.0.0"_s, u"b: bbbbbbb"_s} << QStringList{}
            << QStringList{u"warning UNTRACEABLE bbbbbbb @b"_s};
        QTest::newRow("a stray tag alone on a build")
            << QByteArray() << QStringList{u"a: v1.0.0"_s, u"b: final2"_s} << QStringList{}
            << QStringList{u"error STRAY_TAG final2 @b"_s, u"warning UNTRACEABLE final2 @b"_s};
        QTest::newRow("an environment on a build no immutable tag names")
            << QByteArray() << QStringList{u"a: v1.0.0"_s, u"b: staging"_s} << QStringList{}
            << QStringList{u"error ENVIRONMENT_UNTRACEABLE staging @b"_s};

        QTest::newRow("a short SHA that begins another commit")
            << QByteArray() << QStringList{u"a: v1.0.0 aaaaaaa"_s, ambiguous} << QStringList{}
            << QStringList{u"warning AMBIGUOUS_SHA aaaaaaa @ab"_s};
        QTest::newRow("one commit built twice")
            << QByteArray()
            << QStringList{u"a: v1.0.0 aaaaaaa"_s, u"b: v1.0.1 rev="_s + QString(40, u'a')}
            << QStringList{} << QStringList{};
    }

    void findings() {
        QFETCH(QByteArray, toml);
        QFETCH(QStringList, builds);
        QFETCH(QStringList, history);
        QFETCH(QStringList, expected);
        const QList<TagLintFinding> found =
            lintTags(policy(toml), ::builds(builds), positions(history), {});
        QCOMPARE(describeAll(found), expected);
        for (const TagLintFinding& finding : found) {
            QVERIFY2(finding.rule.contains(finding.setting), qPrintable(finding.rule));
            QVERIFY(finding.setting.startsWith(u"tags"_s) ||
                    finding.setting.startsWith(u"labels."_s) ||
                    finding.setting.startsWith(u"environments."_s));
        }
        QCOMPARE(hasLintErrors(found), expected.join(u'\n').contains(u"error "_s));
    }

    void aMovedTagCarriesItsHistory() {
        // Seen on a, moved outside Berth to b, put back on a by a Berth rollback (which the
        // promoter refuses for an immutable tag; an older Berth or a database shared with
        // another tool may still hold one).
        const QList<TagPosition> history = positions({u"v1.0.0: a b a"_s});
        Action rollback;
        rollback.tag = u"v1.0.0"_s;
        rollback.fromDigest = digestOf(u'b');
        rollback.toDigest = digestOf(u'a');
        rollback.kind = ActionKind::Rollback;
        rollback.user = u"alice"_s;
        rollback.state = ActionState::Succeeded;
        Action failed = rollback;
        failed.fromDigest = digestOf(u'a');
        failed.toDigest = digestOf(u'b');
        failed.state = ActionState::Failed;
        const QList<TagLintFinding> found = lintTags(
            policy({}), builds({u"a: v1.0.0"_s, u"b: bbbbbbb"_s}), history, {failed, rollback});
        QCOMPARE(found.size(), 1);
        const TagLintFinding& moved = found.first();
        QCOMPARE(moved.code, TagLintCode::ImmutableMoved);
        QCOMPARE(moved.severity, TagLintSeverity::Error);
        QCOMPARE(moved.setting, u"tags.immutable"_s);
        QCOMPARE(moved.moves.size(), 2);
        QCOMPARE(moved.moves[0].tag, u"v1.0.0"_s);
        QCOMPARE(moved.moves[0].fromDigest, digestOf(u'a'));
        QCOMPARE(moved.moves[0].toDigest, digestOf(u'b'));
        QCOMPARE(moved.moves[0].when, kStart.addSecs(3600));
        QCOMPARE(moved.moves[0].observedBy, u"ci@runner1 (berthctl)"_s);
        QCOMPARE(moved.moves[0].audited, QString()); // the failed attempt moved nothing
        QCOMPARE(moved.moves[1].fromDigest, digestOf(u'b'));
        QCOMPARE(moved.moves[1].toDigest, digestOf(u'a'));
        QCOMPARE(moved.moves[1].when, kStart.addSecs(7200));
        QCOMPARE(moved.moves[1].audited, u"rollback by alice"_s);
        QVERIFY2(moved.rule.contains(u"from sha256:aaaaaaaaaaaa to sha256:bbbbbbbbbbbb on "
                                     u"2026-03-01 10:00:00 UTC (seen by ci@runner1 (berthctl)), "
                                     u"outside Berth"_s),
                 qPrintable(moved.rule));
        QVERIFY2(moved.rule.contains(u"by rollback by alice"_s) ||
                     moved.rule.contains(u", by rollback by alice"_s),
                 qPrintable(moved.rule));
    }

    void aMoveOnlyTheRegistryShowsHasNoTimeYet() {
        const QList<TagLintFinding> found = lintTags(
            policy({}), builds({u"a: aaaaaaa"_s, u"b: v1.0.0"_s}), positions({u"v1.0.0: a"_s}), {});
        QCOMPARE(found.size(), 1);
        QCOMPARE(found[0].moves.size(), 1);
        QVERIFY(!found[0].moves[0].when.isValid());
        QCOMPARE(found[0].moves[0].fromDigest, digestOf(u'a'));
        QCOMPARE(found[0].moves[0].toDigest, digestOf(u'b'));
    }

    void errorsComeFirst() {
        const QList<TagLintFinding> found = lintTags(
            policy({}), builds({u"a: v1.0.0 rev= latest"_s, u"b: v2.0.0 final2"_s}), {}, {});
        QCOMPARE(describeAll(found), (QStringList{u"error STRAY_TAG final2 @b"_s,
                                                  u"error LATEST_BEHIND latest,v2.0.0 @ab"_s,
                                                  u"warning NO_REVISION latest,v1.0.0 @a"_s}));
    }

    void codesHaveStableNames() {
        QStringList names;
        for (int code = int(TagLintCode::StrayTag); code <= int(TagLintCode::AmbiguousSha); ++code)
            names.append(tagLintCodeName(TagLintCode(code)));
        names.sort();
        QCOMPARE(names, (QStringList{u"AMBIGUOUS_SHA"_s, u"ENVIRONMENT_UNTRACEABLE"_s,
                                     u"FLOATING_BEHIND"_s, u"IMMUTABLE_MOVED"_s, u"LATEST_BEHIND"_s,
                                     u"MISSING_LABEL"_s, u"MIXED_SPELLING"_s, u"NO_REVISION"_s,
                                     u"REVISION_MISMATCH"_s, u"STRAY_TAG"_s, u"UNTRACEABLE"_s}));
    }
};

BERTH_TEST_MAIN(TestTagLint)
#include "tst_taglint.moc"
