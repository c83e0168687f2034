#pragma once

// Paints one build of the timeline: creation time, short digest, revision with its
// commit's summary, platforms and size on the first line; its tags as chips and the
// environments that ran it before on the second. Every row has the same height so a
// 10,000-build list scrolls without measuring rows.

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
