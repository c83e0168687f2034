#pragma once

// Paints one build of the timeline: creation time, short digest, revision with its
// commit's summary, platforms and size on the first line; its tags as chips and the
// environments that ran it before on the second. Every row has the same height so a
// 10,000-build list scrolls without measuring rows.

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
};

} // namespace berth::ui
