// A timeline row's second line: its tags, then where environments ran it recently, each
// chip whole or not at all. A narrow view keeps the leading chips in order and marks the
// cut with "…"; a chip is never drawn past the row's right edge.

#include "WidgetTestMain.h"

#include "TagChip.h"
#include "TimelineDelegate.h"

#include <QFontMetrics>

using namespace Qt::StringLiterals;
using namespace berth;
using ChipLine = ui::TimelineDelegate::ChipLine;

namespace {

const QList<ClassifiedTag> kTags{{u"production"_s, TagKind::Environment},
                                 {u"v1"_s, TagKind::FloatingSemver},
                                 {u"v1.3.1"_s, TagKind::ExactSemver},
                                 {u"be7b79e"_s, TagKind::GitSha},
                                 {u"main-be7b79e"_s, TagKind::BranchSha}};

QList<LaneMarker> markers() {
    const QDateTime until(QDate(2026, 11, 11), QTime(17, 20), Qt::UTC);
    return {LaneMarker{u"production"_s, true, 0, until.addDays(-2), until, {}, {}},
            LaneMarker{u"dev"_s, false, 1, until.addDays(-9), until, until, {}},
            LaneMarker{u"staging"_s, false, 2, until.addDays(-8), until, until, {}},
            LaneMarker{
                u"qa"_s, false, 3, until.addDays(-20), until.addDays(-10), until.addDays(-10), {}}};
}

// What the line holds, in order: tag names, past positions as "was:<env>".
QStringList names(const ChipLine& line) {
    QStringList result;
    for (const auto& chip : line.chips)
        result.append(chip.pastPosition ? u"was:"_s + chip.tag.name : chip.tag.name);
    return result;
}

// The right end of a chip with its "until …" text.
int endOf(const ui::TimelineDelegate::PlacedChip& chip) {
    const QRect whole = chip.untilRect.isEmpty() ? chip.rect : chip.rect.united(chip.untilRect);
    return whole.x() + whole.width();
}

} // namespace

class TestChipLine : public QObject {
    Q_OBJECT

private slots:
    void aWideRowHoldsEveryTagAndTheRecentPast() {
        const QFont font;
        const ChipLine line =
            ui::TimelineDelegate::chipLine(kTags, markers(), font, QPoint(20, 30), 2000);
        // Not the current position (a lane bar says that), not the older past (age 3).
        QCOMPARE(names(line), (QStringList{u"production"_s, u"v1"_s, u"v1.3.1"_s, u"be7b79e"_s,
                                           u"main-be7b79e"_s, u"was:dev"_s, u"was:staging"_s}));
        QCOMPARE(line.ellipsisX, -1);
        QVERIFY(line.chips.at(5).until.startsWith(u"until "_s));
        QVERIFY(line.chips.at(5).untilRect.x() > endOf(line.chips.at(4)));
        QVERIFY(line.chips.at(5).untilRect.x() >=
                line.chips.at(5).rect.x() + line.chips.at(5).rect.width());
        QVERIFY(line.chips.at(0).untilRect.isEmpty());
        for (qsizetype i = 1; i < line.chips.size(); ++i)
            QVERIFY(line.chips.at(i).rect.x() > endOf(line.chips.at(i - 1)));
        for (const auto& chip : line.chips) {
            QCOMPARE(chip.rect.y(), 30);
            QCOMPARE(chip.rect.height(), ui::TagChip::height(font));
        }
    }

    // A past position says when the lane moved away, not when it was last seen there,
    // and carries the verdict recorded for that environment.
    void aPastPositionSaysWhenItEndedAndItsVerdict_data() {
        QTest::addColumn<std::optional<VerdictKind>>("verdict");
        QTest::addColumn<QString>("mark");
        QTest::newRow("none") << std::optional<VerdictKind>() << QString();
        QTest::newRow("bad") << std::optional(VerdictKind::Bad) << u"✗"_s;
        QTest::newRow("good") << std::optional(VerdictKind::Good) << u"✓"_s;
    }

    void aPastPositionSaysWhenItEndedAndItsVerdict() {
        QFETCH(std::optional<VerdictKind>, verdict);
        QFETCH(QString, mark);
        const QDateTime lastSeen(QDate(2026, 11, 1), QTime(9, 0), Qt::UTC);
        const QDateTime movedAway(QDate(2026, 11, 20), QTime(14, 30), Qt::UTC);
        const QList<LaneMarker> past{
            LaneMarker{u"staging"_s, false, 1, lastSeen.addDays(-3), lastSeen, movedAway, verdict}};
        const ChipLine line = ui::TimelineDelegate::chipLine({}, past, QFont(), QPoint(0, 0), 2000);
        QCOMPARE(line.chips.size(), 1);
        const QString until = line.chips.first().until;
        QVERIFY2(until.startsWith(u"until "_s + ui::TagChip::shortTime(movedAway)),
                 qPrintable(until));
        QCOMPARE(until.endsWith(mark) && !mark.isEmpty(), verdict.has_value());
    }

    void aNarrowRowKeepsTheLeadingChipsWholeAndSaysItIsCut() {
        const QFont font;
        const ChipLine wide =
            ui::TimelineDelegate::chipLine(kTags, markers(), font, QPoint(20, 30), 2000);
        const QStringList all = names(wide);
        // Every width from "nothing fits" to "all but the last fit".
        const int full = endOf(wide.chips.last());
        for (int right = 40; right < full; right += 7) {
            const ChipLine line =
                ui::TimelineDelegate::chipLine(kTags, markers(), font, QPoint(20, 30), right);
            const QStringList shown = names(line);
            QVERIFY2(shown.size() < all.size(), qPrintable(QString::number(right)));
            QCOMPARE(shown, all.first(shown.size()));
            QVERIFY(line.ellipsisX >= 20);
            for (const auto& chip : line.chips)
                QVERIFY2(endOf(chip) <= right, qPrintable(chip.tag.name));
            if (!line.chips.isEmpty())
                QVERIFY(line.ellipsisX > endOf(line.chips.last()));
            QVERIFY(line.ellipsisX + QFontMetrics(font).horizontalAdvance(u"…"_s) <= right);
        }
        // Exactly the room of every chip: the last one needs no "…" after it.
        const ChipLine exact =
            ui::TimelineDelegate::chipLine(kTags, markers(), font, QPoint(20, 30), full);
        QCOMPARE(names(exact), all);
        QCOMPARE(exact.ellipsisX, -1);
    }
};

BERTH_WIDGET_TEST_MAIN(TestChipLine)
#include "tst_chipline.moc"
