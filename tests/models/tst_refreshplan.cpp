// Which tags a refresh asks the registry about: every tag that moves by design or that the
// history does not know, immutable ones only once their last check is a sweep period old or
// when their turn in the rolling sweep comes, every tag with full.

#include "TestMain.h"

#include "registry/RefreshPlan.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace berth;

namespace {

const QDateTime kNow(QDate(2026, 3, 2), QTime(12, 0), Qt::UTC);
const QString kDigest = u"sha256:"_s + QString(64, u'a');

KnownTag checkedMinutesAgo(int minutes) {
    return KnownTag{kDigest, kNow.addSecs(-60 * minutes)};
}

} // namespace

class TestRefreshPlan : public QObject {
    Q_OBJECT

private slots:
    void tagsThatMoveByDesignAreAlwaysAsked() {
        const QStringList listed{u"production"_s, u"latest"_s, u"v1.2"_s, u"final2"_s, u"v1.2.3"_s};
        QMap<QString, KnownTag> known;
        for (const QString& tag : listed)
            known.insert(tag, checkedMinutesAgo(1));
        RefreshRule rule;
        rule.sweepShare = 0; // no rolling share: only what must be asked
        const RefreshPlan plan = planRefresh(listed, known, TagClassifier(), rule, kNow);
        QCOMPARE(plan.toCheck, (QStringList{u"production"_s, u"latest"_s, u"v1.2"_s, u"final2"_s}));
        QCOMPARE(plan.fromHistory, (QMap<QString, QString>{{u"v1.2.3"_s, kDigest}}));
    }

    void immutableTagsAreAskedWhenUnknownOrDue() {
        const QStringList listed{u"v1.0.0"_s, u"a1b2c3d"_s, u"main-a1b2c3d"_s, u"v2.0.0"_s};
        const QMap<QString, KnownTag> known{{u"v1.0.0"_s, checkedMinutesAgo(61)},
                                            {u"a1b2c3d"_s, checkedMinutesAgo(10)},
                                            {u"main-a1b2c3d"_s, KnownTag{kDigest, {}}}};
        RefreshRule rule;
        rule.sweepShare = 0;
        const RefreshPlan plan = planRefresh(listed, known, TagClassifier(), rule, kNow);
        // Past the hour, never checked, unknown: asked; checked ten minutes ago: not.
        QCOMPARE(plan.toCheck, (QStringList{u"v1.0.0"_s, u"main-a1b2c3d"_s, u"v2.0.0"_s}));
        QCOMPARE(plan.fromHistory.keys(), QStringList{u"a1b2c3d"_s});
    }

    void theRollingSweepTakesTheLongestUncheckedShare() {
        QStringList listed;
        QMap<QString, KnownTag> known;
        for (int i = 0; i < 10; ++i) {
            const QString tag = u"v1.0.%1"_s.arg(i);
            listed.append(tag);
            known.insert(tag, checkedMinutesAgo(i)); // v1.0.9 waited longest
        }
        RefreshRule rule;
        rule.sweepShare = 4; // a quarter, rounded up: 3 of 10
        const RefreshPlan plan = planRefresh(listed, known, TagClassifier(), rule, kNow);
        QCOMPARE(plan.toCheck, (QStringList{u"v1.0.7"_s, u"v1.0.8"_s, u"v1.0.9"_s}));
        QCOMPARE(plan.fromHistory.size(), 7);
    }

    void fullAsksAboutEveryTag() {
        const QStringList listed{u"v1.0.0"_s, u"staging"_s};
        const QMap<QString, KnownTag> known{{u"v1.0.0"_s, checkedMinutesAgo(1)},
                                            {u"staging"_s, checkedMinutesAgo(1)}};
        RefreshRule rule;
        rule.full = true;
        const RefreshPlan plan = planRefresh(listed, known, TagClassifier(), rule, kNow);
        QCOMPARE(plan.toCheck, listed);
        QVERIFY(plan.fromHistory.isEmpty());
    }
};

BERTH_TEST_MAIN(TestRefreshPlan)
#include "tst_refreshplan.moc"
