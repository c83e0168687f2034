// The publish plan: which tags the policy asks for, which floating tags move (only
// forward), and what happens to each tag given where it points now. Pure functions, so
// every rule is a row.

#include "release/PublishPlan.h"

#include "TestMain.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace berth;

namespace {

const QString kCommit = u"a3f2c8d91b0e4f5a6b7c8d9e0f1a2b3c4d5e6f70"_s;
const QString kBuild = u"sha256:"_s + QString(64, u'b');
const QString kOther = u"sha256:"_s + QString(64, u'e');

// "tag=apply|hold" in order, then "note: ..." lines for what the set leaves out.
QStringList describe(const PublishTagSet& set) {
    QStringList lines;
    for (const PublishCandidate& candidate : set.candidates)
        lines.append(candidate.tag +
                     (candidate.intent == PublishIntent::Apply ? u"=apply"_s : u"=hold"_s));
    return lines;
}

PublishSubject subject(const QString& version, const QString& branch = u"main"_s) {
    PublishSubject subject;
    subject.digest = kBuild;
    subject.commit = kCommit;
    subject.branch = branch;
    if (!version.isEmpty())
        subject.version = SemanticVersion::parse(version);
    return subject;
}

TagPolicy policyWith(const std::function<void(TagPolicy&)>& change) {
    TagPolicy policy = TagPolicy::defaults(u"test"_s);
    change(policy);
    return policy;
}

} // namespace

class TestPublishPlan : public QObject {
    Q_OBJECT

private slots:
    void tagSet_data() {
        QTest::addColumn<TagPolicy>("policy");
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("branch");
        QTest::addColumn<QStringList>("registryTags");
        QTest::addColumn<QStringList>("expected");
        QTest::addColumn<QString>("note"); // a note the set must carry, "" for none
        const TagPolicy defaults = TagPolicy::defaults(u"test"_s);
        QTest::newRow("main build, no release")
            << defaults << QString() << u"main"_s << QStringList{u"v2.4.1"_s}
            << QStringList{u"a3f2c8d=apply"_s, u"main-a3f2c8d=apply"_s}
            << u"no version tags: not a release"_s;
        QTest::newRow("first release")
            << defaults << u"2.4.1"_s << u"main"_s << QStringList()
            << QStringList{u"a3f2c8d=apply"_s, u"main-a3f2c8d=apply"_s, u"v2.4.1=apply"_s,
                           u"v2.4=apply"_s,    u"v2=apply"_s,           u"latest=apply"_s}
            << QString();
        QTest::newRow("next patch moves every pointer")
            << defaults << u"v2.4.2"_s << u"main"_s
            << QStringList{u"v2.4.1"_s, u"v2.4"_s, u"v2"_s, u"latest"_s, u"v2.3.8"_s}
            << QStringList{u"a3f2c8d=apply"_s, u"main-a3f2c8d=apply"_s, u"v2.4.2=apply"_s,
                           u"v2.4=apply"_s,    u"v2=apply"_s,           u"latest=apply"_s}
            << QString();
        QTest::newRow("late hotfix moves its minor only")
            << defaults << u"2.3.9"_s << u"release/2.3"_s
            << QStringList{u"v2.4.1"_s, u"v2.3.8"_s, u"v2.4"_s, u"v2.3"_s, u"v2"_s, u"latest"_s}
            << QStringList{u"a3f2c8d=apply"_s, u"release-2.3-a3f2c8d=apply"_s,
                           u"v2.3.9=apply"_s,  u"v2.3=apply"_s,
                           u"v2=hold"_s,       u"latest=hold"_s}
            << QString();
        QTest::newRow("older patch of a line holds its minor")
            << defaults << u"2.4.2"_s << u"main"_s << QStringList{u"v2.4.3"_s}
            << QStringList{u"a3f2c8d=apply"_s, u"main-a3f2c8d=apply"_s,
                           u"v2.4.2=apply"_s,  u"v2.4=hold"_s,
                           u"v2=hold"_s,       u"latest=hold"_s}
            << QString();
        QTest::newRow("a higher pre-release does not hold")
            << defaults << u"2.4.2"_s << u"main"_s
            << QStringList{u"v2.5.0-rc.1"_s, u"v3.0.0-rc.1"_s}
            << QStringList{u"a3f2c8d=apply"_s, u"main-a3f2c8d=apply"_s, u"v2.4.2=apply"_s,
                           u"v2.4=apply"_s,    u"v2=apply"_s,           u"latest=apply"_s}
            << QString();
        QTest::newRow("the other spelling counts as a release")
            << defaults << u"2.4.2"_s << u"main"_s << QStringList{u"2.4.5"_s}
            << QStringList{u"a3f2c8d=apply"_s, u"main-a3f2c8d=apply"_s,
                           u"v2.4.2=apply"_s,  u"v2.4=hold"_s,
                           u"v2=hold"_s,       u"latest=hold"_s}
            << QString();
        QTest::newRow("pre-release: exact tag only")
            << defaults << u"3.0.0-rc.1"_s << u"main"_s << QStringList()
            << QStringList{u"a3f2c8d=apply"_s, u"main-a3f2c8d=apply"_s, u"v3.0.0-rc.1=apply"_s}
            << u"v3.0.0-rc.1 is a pre-release"_s;
        QTest::newRow("bare spelling")
            << policyWith([](TagPolicy& p) { p.semverPrefix.clear(); }) << u"v1.2.3"_s << u"main"_s
            << QStringList() << QStringList{u"a3f2c8d=apply"_s, u"main-a3f2c8d=apply"_s,
                                            u"1.2.3=apply"_s,   u"1.2=apply"_s,
                                            u"1=apply"_s,       u"latest=apply"_s}
            << QString();
        QTest::newRow("no commit tags, no pointers") << policyWith([](TagPolicy& p) {
            p.commitLength = 0;
            p.branchCommit = false;
            p.floatingMinor = false;
            p.floatingMajor = false;
            p.latest = false;
        }) << u"1.2.3"_s << u"main"_s << QStringList()
                                                     << QStringList{u"v1.2.3=apply"_s} << QString();
        QTest::newRow("longer SHA, branch-SHA alone")
            << policyWith([](TagPolicy& p) { p.commitLength = 12; }) << QString()
            << u"feature/Login-Fix"_s << QStringList()
            << QStringList{u"a3f2c8d91b0e=apply"_s, u"feature-login-fix-a3f2c8d91b0e=apply"_s}
            << QString();
        QTest::newRow("branch-SHA without commit tags keeps 7 digits")
            << policyWith([](TagPolicy& p) { p.commitLength = 0; }) << QString() << u"main"_s
            << QStringList() << QStringList{u"main-a3f2c8d=apply"_s} << QString();
        QTest::newRow("detached, no branch")
            << defaults << QString() << QString() << QStringList()
            << QStringList{u"a3f2c8d=apply"_s} << u"the branch is not known"_s;
        QTest::newRow("branch with nothing to spell")
            << defaults << QString() << u"___/"_s.replace(u'_', u'/') << QStringList()
            << QStringList{u"a3f2c8d=apply"_s} << u"has no letter or digit"_s;
    }
    void tagSet() {
        QFETCH(TagPolicy, policy);
        QFETCH(QString, version);
        QFETCH(QString, branch);
        QFETCH(QStringList, registryTags);
        QFETCH(QStringList, expected);
        QFETCH(QString, note);
        const PublishTagSet set = publishTagSet(policy, subject(version, branch), registryTags);
        QCOMPARE(describe(set), expected);
        if (!note.isEmpty())
            QVERIFY2(set.notes.join(u'\n').contains(note), qPrintable(set.notes.join(u'\n')));
        // Every tag the set names is a valid tag of the kind it claims.
        for (const PublishCandidate& candidate : set.candidates)
            QCOMPARE(policy.classifier().classify(candidate.tag), candidate.kind);
    }

    void lateHotfixSaysWhatHoldsThePointer() {
        const PublishTagSet set =
            publishTagSet(TagPolicy::defaults(u"test"_s), subject(u"2.3.9"_s), {u"v2.4.1"_s});
        QCOMPARE(set.candidates.at(4).tag, u"v2"_s);
        QCOMPARE(set.candidates.at(4).why, u"v2.4.1 is higher (v2 only moves forward)"_s);
    }

    void settle_data() {
        QTest::addColumn<QString>("tag");
        QTest::addColumn<bool>("held");
        QTest::addColumn<QString>("now");
        QTest::addColumn<QString>("action");
        QTest::addColumn<bool>("refused");
        QTest::newRow("absent SHA tag")
            << u"a3f2c8d"_s << false << QString() << u"create"_s << false;
        QTest::newRow("SHA tag already there")
            << u"a3f2c8d"_s << false << kBuild << u"keep"_s << false;
        QTest::newRow("SHA tag on another build")
            << u"a3f2c8d"_s << false << kOther << u"conflict"_s << true;
        QTest::newRow("version overwrite")
            << u"v2.4.1"_s << false << kOther << u"conflict"_s << true;
        QTest::newRow("branch-SHA overwrite")
            << u"main-a3f2c8d"_s << false << kOther << u"conflict"_s << true;
        QTest::newRow("minor moves") << u"v2.4"_s << false << kOther << u"move"_s << false;
        QTest::newRow("latest created")
            << u"latest"_s << false << QString() << u"create"_s << false;
        QTest::newRow("held pointer stays") << u"v2"_s << true << kOther << u"hold"_s << false;
    }
    void settle() {
        QFETCH(QString, tag);
        QFETCH(bool, held);
        QFETCH(QString, now);
        QFETCH(QString, action);
        QFETCH(bool, refused);
        const TagPolicy policy = TagPolicy::defaults(u"test"_s);
        PublishTagSet set;
        set.candidates.append({tag, policy.classifier().classify(tag),
                               held ? PublishIntent::Hold : PublishIntent::Apply, u"rule"_s});
        QMap<QString, QString> current;
        if (!now.isEmpty())
            current.insert(tag, now);
        const PublishPlan plan =
            settlePublishPlan(policy, u"acme/api"_s, subject(u"2.4.1"_s), set, current);
        QCOMPARE(plan.steps.size(), 1);
        const PublishStep& step = plan.steps.first();
        QCOMPARE(publishActionName(step.action), action);
        QCOMPARE(step.now, now);
        QCOMPARE(step.after, step.changesRegistry() ? kBuild : now);
        QCOMPARE(plan.refused(), refused);
        QCOMPARE(plan.changes().size(), step.changesRegistry() ? 1 : 0);
        if (refused)
            QVERIFY2(plan.refusals.first().contains(u"immutable"_s),
                     qPrintable(plan.refusals.first()));
    }

    void revisionAgainstHead_data() {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("refusal"); // "" = agrees
        const QString oci = u"org.opencontainers.image.revision"_s;
        QTest::newRow("full id") << oci << kCommit << QString();
        QTest::newRow("upper case") << oci << kCommit.toUpper() << QString();
        QTest::newRow("abbreviated") << oci << kCommit.left(7) << QString();
        QTest::newRow("git.commit") << u"git.commit"_s << kCommit << QString();
        QTest::newRow("too short") << oci << kCommit.left(6) << u"names commit a3f2c8"_s;
        QTest::newRow("another commit")
            << oci << QString(40, u'1') << u"but the clone's HEAD is a3f2c8d91b0e"_s;
        QTest::newRow("no label") << u"maintainer"_s << u"ada"_s << u"carries no revision label"_s;
    }
    void revisionAgainstHead() {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, refusal);
        const QString answer = revisionRefusal({{key, value}}, kCommit);
        if (refusal.isEmpty())
            QCOMPARE(answer, QString());
        else
            QVERIFY2(answer.contains(refusal), qPrintable(answer));
    }

    void branchSlugs_data() {
        QTest::addColumn<QString>("branch");
        QTest::addColumn<QString>("slug");
        QTest::newRow("plain") << u"main"_s << u"main"_s;
        QTest::newRow("slashes and case") << u"feature/Login-Fix"_s << u"feature-login-fix"_s;
        QTest::newRow("runs collapse") << u"a//b__c"_s << u"a-b__c"_s;
        QTest::newRow("ends trimmed") << u"-x-"_s << u"x"_s;
        QTest::newRow("non-ASCII") << u"café/ü"_s << u"caf"_s;
        QTest::newRow("dots kept") << u"release/2.4"_s << u"release-2.4"_s;
    }
    void branchSlugs() {
        QFETCH(QString, branch);
        QFETCH(QString, slug);
        QCOMPARE(branchTagSlug(branch), slug);
    }

    void aLongBranchStaysWithinTheTagLength() {
        const PublishTagSet set =
            publishTagSet(TagPolicy::defaults(u"test"_s), subject({}, QString(300, u'x')), {});
        QCOMPARE(set.candidates.size(), 2);
        QCOMPARE(set.candidates.at(1).tag.size(), 128);
        QVERIFY(set.candidates.at(1).tag.endsWith(u"-a3f2c8d"_s));
    }

    void planTextAndJsonNameEveryTag() {
        const TagPolicy policy = TagPolicy::defaults(u"test"_s);
        const PublishTagSet set = publishTagSet(policy, subject(u"2.3.9"_s), {u"v2.4.1"_s});
        const PublishPlan plan =
            settlePublishPlan(policy, u"acme/api"_s, subject(u"2.3.9"_s), set, {{u"v2"_s, kOther}});
        const QString text = plan.text();
        QVERIFY2(text.contains(u"hold     v2 "_s), qPrintable(text));
        QVERIFY2(text.contains(u"create   v2.3.9 "_s), qPrintable(text));
        const QJsonObject json = plan.toJson();
        QCOMPARE(json.value(u"version"_s).toString(), u"2.3.9"_s);
        QCOMPARE(json.value(u"tags"_s).toArray().size(), 6);
    }
};

BERTH_TEST_MAIN(TestPublishPlan)
#include "tst_publishplan.moc"
