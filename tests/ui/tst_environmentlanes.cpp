// The lanes above the timeline: each past position is a whole button or none at all. A
// narrow window hides the oldest positions instead of squeezing every button until its
// text is cut at both ends, and the lane's tooltip still names what is hidden.

#include "WidgetTestMain.h"

#include "EnvironmentLanes.h"
#include "FittingRow.h"
#include "TagChip.h"

#include "timeline/EnvironmentLane.h"
#include "timeline/TimelineModel.h"

#include <QMenu>
#include <QSignalSpy>
#include <QToolButton>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace berth;

namespace {

QString digest(char fill) {
    return u"sha256:"_s + QString(64, QChar::fromLatin1(fill));
}

// production now on 'a', before that on 'b', 'c', 'd', 'e', newest first.
EnvironmentLane productionLane() {
    EnvironmentLane lane;
    lane.tag = u"production"_s;
    lane.currentDigest = digest('a');
    QDateTime until(QDate(2026, 11, 20), QTime(15, 20), Qt::UTC);
    for (const char fill : {'a', 'b', 'c', 'd', 'e'}) {
        lane.positions.append(LanePosition{digest(fill), until.addDays(-7), until});
        until = until.addDays(-7);
    }
    return lane;
}

// Every past position's button of the lane, oldest last, shown or not.
QList<QToolButton*> pastButtons(const ui::EnvironmentLanes& lanes, const QString& tag) {
    const auto* row = lanes.findChild<ui::FittingRow*>(u"past-"_s + tag);
    return row ? row->findChildren<QToolButton*>() : QList<QToolButton*>{};
}

// The production lane on a window wide enough for every position; false if not shown.
bool showWide(ui::EnvironmentLanes& lanes, const TimelineModel* timeline) {
    lanes.setLanes({productionLane()}, timeline);
    lanes.resize(1800, lanes.sizeHint().height());
    lanes.show();
    return QTest::qWaitForWindowExposed(&lanes);
}

} // namespace

class TestEnvironmentLanes : public QObject {
    Q_OBJECT

private slots:
    void aWideLaneShowsEveryPastPositionWhole() {
        ui::EnvironmentLanes lanes;
        QVERIFY(showWide(lanes, nullptr));

        const QList<QToolButton*> past = pastButtons(lanes, u"production"_s);
        QCOMPARE(past.size(), 4);
        for (QToolButton* button : past) {
            QVERIFY2(button->isVisible(), qPrintable(button->text()));
            QVERIFY2(button->width() >= button->sizeHint().width(), qPrintable(button->text()));
        }
        QVERIFY(past.first()->text().contains(u"(until 13 Nov"_s));
    }

    void aNarrowLaneHidesTheOldestInsteadOfCuttingTheText() {
        ui::EnvironmentLanes lanes;
        QVERIFY(showWide(lanes, nullptr));
        const QList<QToolButton*> past = pastButtons(lanes, u"production"_s);
        QCOMPARE(past.size(), 4);
        // Room for the chip, roll back, the current build and about two past positions.
        const QToolButton* first = past.first();
        const int narrow = first->mapTo(&lanes, QPoint(0, 0)).x() + 2 * first->sizeHint().width() +
                           first->sizeHint().width() / 2;
        lanes.resize(narrow, lanes.height());
        QTRY_COMPARE(lanes.width(), narrow);
        QCoreApplication::processEvents();

        // Every button still on screen (roll back, current, past) is whole and inside.
        for (const QToolButton* button : lanes.findChildren<QToolButton*>()) {
            if (!button->isVisible())
                continue;
            const QRect onLanes(button->mapTo(&lanes, QPoint(0, 0)), button->size());
            QVERIFY2(lanes.contentsRect().contains(onLanes), qPrintable(button->text()));
            QVERIFY2(button->width() >= button->sizeHint().width(), qPrintable(button->text()));
        }
        const int shown = int(std::count_if(past.cbegin(), past.cend(),
                                            [](const QToolButton* b) { return b->isVisible(); }));
        QVERIFY2(shown >= 1 && shown < past.size(), qPrintable(QString::number(shown)));
        // The newest are the ones kept, in order: no gap.
        for (int i = 0; i < past.size(); ++i)
            QCOMPARE(past.at(i)->isVisible(), i < shown);
        const auto* row = lanes.findChild<ui::FittingRow*>(u"past-production"_s);
        QCOMPARE(row->shownCount(), shown);
        QVERIFY2(row->toolTip().contains(shortDigestOf(digest('e')).left(8)),
                 qPrintable(row->toolTip()));

        // Widening again brings them back.
        lanes.resize(1800, lanes.height());
        QTRY_COMPARE(row->shownCount(), past.size());
    }

    // A past position names its build by version and selects it on a click.
    void clickingAPastPositionSelectsThatBuild() {
        QList<Build> builds;
        for (const char fill : {'a', 'b', 'c', 'd', 'e'}) {
            Build build;
            build.digest = digest(fill);
            build.tags = {{u"v1.0.%1"_s.arg(int('e' - fill)), TagKind::ExactSemver}};
            builds.append(build);
        }
        TimelineModel timeline;
        timeline.setBuilds(u"127.0.0.1:5000/acme/api"_s, builds);

        ui::EnvironmentLanes lanes;
        QVERIFY(showWide(lanes, &timeline));
        QSignalSpy requested(&lanes, &ui::EnvironmentLanes::buildRequested);
        const QList<QToolButton*> past = pastButtons(lanes, u"production"_s);
        QCOMPARE(past.size(), 4);
        QToolButton* second = past.at(1); // production two moves ago: build 'c'
        QVERIFY2(second->text().startsWith(u"v1.0.2 (until"_s), qPrintable(second->text()));
        QTest::mouseClick(second, Qt::LeftButton);
        QCOMPARE(requested.count(), 1);
        QCOMPARE(requested.first().first().toString(), digest('c'));
    }

    void theRollBackButtonOffersRollBackAndMarkBad() {
        TimelineModel timeline;
        ui::EnvironmentLanes lanes;
        QVERIFY(showWide(lanes, &timeline));
        auto* button = lanes.findChild<QToolButton*>(u"rollback-production"_s);
        QVERIFY(button);
        QSignalSpy rollback(&lanes, &ui::EnvironmentLanes::rollbackRequested);
        QSignalSpy markBad(&lanes, &ui::EnvironmentLanes::rollbackAndMarkBadRequested);
        // The button itself still rolls back; its menu holds the one-action variant.
        QTest::mouseClick(button, Qt::LeftButton, {}, QPoint(4, button->height() / 2));
        QCOMPARE(rollback.count(), 1);
        QVERIFY(button->menu());
        auto* action = button->menu()->findChild<QAction*>(u"rollbackMarkBad-production"_s);
        QVERIFY(action);
        action->trigger();
        QCOMPARE(markBad.count(), 1);
        QCOMPARE(markBad.first().first().toString(), u"production"_s);
        QCOMPARE(rollback.count(), 1);
    }

    // A past position ends when the lane moved on (the newer position's first sighting),
    // however long after that a record run last saw the old one; and it shows the
    // verdict recorded on that build for this environment, with who, when and why.
    void aPastPositionEndsWhenTheLaneMovedAndShowsItsVerdict() {
        const QDateTime seenLast(QDate(2026, 11, 2), QTime(9, 0), Qt::UTC);
        const QDateTime moved(QDate(2026, 11, 18), QTime(9, 0), Qt::UTC);
        EnvironmentLane lane;
        lane.tag = u"production"_s;
        lane.currentDigest = digest('a');
        lane.positions = {LanePosition{digest('a'), moved, moved.addDays(2)},
                          LanePosition{digest('b'), seenLast.addDays(-5), seenLast}};
        QList<Build> builds;
        for (const char fill : {'a', 'b'}) {
            Build build;
            build.digest = digest(fill);
            builds.append(build);
        }
        TimelineModel timeline;
        timeline.setBuilds(u"127.0.0.1:5000/acme/api"_s, builds);
        timeline.setVerdicts(
            {Verdict{u"127.0.0.1:5000"_s, u"acme/api"_s, digest('b'), u"production"_s,
                     VerdictKind::Bad, moved, u"alice"_s, u"500s on checkout"_s}});
        ui::EnvironmentLanes lanes;
        lanes.setLanes({lane}, &timeline);
        lanes.resize(1800, lanes.sizeHint().height());
        lanes.show();
        QVERIFY(QTest::qWaitForWindowExposed(&lanes));
        const QList<QToolButton*> past = pastButtons(lanes, u"production"_s);
        QCOMPARE(past.size(), 1);
        const QString text = past.first()->text();
        QVERIFY2(text.contains(u"(until "_s + ui::TagChip::shortTime(moved)), qPrintable(text));
        QVERIFY2(text.contains(u"✗"_s), qPrintable(text));
        const QString tip = past.first()->toolTip();
        QVERIFY2(tip.contains(u"Marked bad for production by alice"_s) &&
                     tip.contains(u"500s on checkout"_s),
                 qPrintable(tip));
    }

    void aLaneSaysWhatRunsAndTheDrift() {
        ui::EnvironmentLanes lanes;
        QVERIFY(showWide(lanes, nullptr));
        QVERIFY(lanes.runningText(u"production"_s).isEmpty()); // no engine read yet
        RunningContainer current{
            u"1"_s,       u"api"_s,
            {},           {},
            {},           u"running"_s,
            u"healthy"_s, QDateTime(QDate(2026, 11, 20), QTime(15, 30), Qt::UTC)};
        RunningContainer stale{u"2"_s, u"api-2"_s, {}, {}, {}, u"running"_s, {}, {}};
        EnvironmentRunning production;
        production.environment = u"production"_s;
        production.tagDigest = digest('a');
        production.containers = {
            {u"unix:///run/a.sock"_s, current, digest('a'), u"aaaa"_s, u"repo digest"_s},
            {u"tcp://prod-2:2376"_s, stale, digest('b'), u"bbbb"_s, u"config digest"_s}};
        production.unreachable = {u"tcp://prod-3:2376: no answer within 10 s"_s};
        production.drift = {u"production → aaaa, api-2 on tcp://prod-2:2376 still runs bbbb"_s};
        lanes.setRunning({production});
        const QString text = lanes.runningText(u"production"_s);
        QVERIFY2(text.startsWith(u"running: api aaaaaaaa (running, healthy, since "_s),
                 qPrintable(text));
        QVERIFY2(text.contains(u"api-2 bbbbbbbb (running)"_s), qPrintable(text));
        QVERIFY2(text.contains(u"unreachable: tcp://prod-3:2376: no answer within 10 s"_s),
                 qPrintable(text));
        QVERIFY2(text.contains(u"\n⚠ production → aaaa, api-2 on tcp://prod-2:2376 still runs "
                               u"bbbb"_s),
                 qPrintable(text));
        // The lanes drawn again (a refresh) keep the line; another repository clears it.
        lanes.setLanes({productionLane()}, nullptr);
        QVERIFY(!lanes.runningText(u"production"_s).isEmpty());
        lanes.setRunning({});
        QVERIFY(lanes.runningText(u"production"_s).isEmpty());
    }
};

BERTH_WIDGET_TEST_MAIN(TestEnvironmentLanes)
#include "tst_environmentlanes.moc"
