#pragma once

// Paints one build of the timeline: creation time, short digest, revision with its
// commit's summary, platforms and size on the first line; its tags as chips and the
// environments that ran it before on the second. Every row has the same height so a
// 10,000-build list scrolls without measuring rows.

#include "registry/TagClassifier.h"
#include "timeline/EnvironmentLane.h"
#include "timeline/TagHealthModel.h"

#include <QColor>
#include <QPointer>
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

    // The lint findings rows are painted with: a moved immutable tag is an alarm on its
    // builds, a chip's tooltip names the rule its tag breaks. Looked up, never linted, in
    // paint(). Null paints none.
    void setTagHealth(TagHealthModel* health) { m_health = health; }
    // What a row's alarm says ("⚠ v1.0.0 moved"), as painted; empty for most builds.
    QString alarmText(const QModelIndex& index) const;

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
    // The second line of the row at `rect` (a view's visual rect), as painted.
    static ChipLine chipLineOf(const QModelIndex& index, const QRect& rect, const QFont& font);

    // What a row's text is painted with, all opaque; each text colour reads on the
    // background at WCAG AA (4.5:1) or falls back to the palette's text colour.
    struct RowColours {
        QColor background; // the base, tinted with the highlight when selected
        QColor text;       // time, revision, commit summary
        QColor muted;      // digest, platforms, size, "until …"
        QColor note;       // "same config as …", "incomplete"
    };
    static RowColours rowColours(const QPalette& palette, bool selected);

private:
    QStringList alarmLines(const QModelIndex& index) const;
    QString chipToolTip(const ClassifiedTag& tag) const;

    QPointer<TagHealthModel> m_health; // the window's, which may go first
};

} // namespace berth::ui
