#pragma once

// Paints one build of the timeline: creation time, short digest, revision with its
// commit's summary, platforms and size on the first line; its tags as chips and the
// environments that ran it before on the second. Every row has the same height so a
// 10,000-build list scrolls without measuring rows.

#include "registry/TagClassifier.h"
#include "timeline/EnvironmentLane.h"

#include <QColor>
#include <QStyledItemDelegate>

namespace berth::ui {

class TimelineDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    explicit TimelineDelegate(QObject* parent = nullptr);

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    bool helpEvent(QHelpEvent* event, QAbstractItemView* view, const QStyleOptionViewItem& option,
                   const QModelIndex& index) override;

    static int rowHeight(const QFont& font);

    // A row's second line as painted and as the tooltip reads it: the tags, then the
    // recent past positions ("was staging until …"), each whole or not at all.
    struct PlacedChip {
        ClassifiedTag tag;
        bool pastPosition = false;
        QString until;   // after a past position's chip; may be empty
        QRect rect;      // the chip alone
        QRect untilRect; // where `until` is written; empty without one
    };
    struct ChipLine {
        QList<PlacedChip> chips;
        int ellipsisX = -1; // where "…" says some did not fit; -1 when all did
    };
    static ChipLine chipLine(const QList<ClassifiedTag>& tags, const QList<LaneMarker>& markers,
                             const QFont& font, const QPoint& topLeft, int right);

    // What a row's text is painted with, all opaque; each text colour reads on the
    // background at WCAG AA (4.5:1) or falls back to the palette's text colour.
    struct RowColours {
        QColor background; // the base, tinted with the highlight when selected
        QColor text;       // time, revision, commit summary
        QColor muted;      // digest, platforms, size, "until …"
        QColor note;       // "same config as …", "incomplete"
    };
    static RowColours rowColours(const QPalette& palette, bool selected);
};

} // namespace berth::ui
