#include "TimelineView.h"

#include "TimelineDelegate.h"

#include "timeline/TimelineModel.h"

#include <QEvent>

using namespace Qt::StringLiterals;

namespace berth::ui {

TimelineView::TimelineView(QWidget* parent)
    : QListView(parent) {
    setObjectName(u"timeline"_s);
    setItemDelegate(new TimelineDelegate(this));
    // Every row is as tall as the first: no per-row measuring on 10,000 builds.
    setUniformItemSizes(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setMouseTracking(true);
    setAlternatingRowColors(true);
    setToolTip(u"Builds of the repository, newest first. Environment tags are filled, moving "
               u"tags are rounded, immutable tags are square, inconsistent tags are dashed."_s);
    setAccessibleName(u"Build timeline"_s);
}

void TimelineView::setModel(QAbstractItemModel* model) {
    QListView::setModel(model);
    connect(selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) {
                emit currentBuildChanged(current.data(TimelineModel::DigestRole).toString());
            });
    // A reset or a filter that hides the selected build leaves nothing selected.
    connect(model, &QAbstractItemModel::modelReset, this,
            [this] { emit currentBuildChanged(currentDigest()); });
}

QString TimelineView::currentDigest() const {
    return currentIndex().data(TimelineModel::DigestRole).toString();
}

bool TimelineView::selectDigest(const QString& digest) {
    if (!model())
        return false;
    const QModelIndexList found = model()->match(model()->index(0, 0), TimelineModel::DigestRole,
                                                 digest, 1, Qt::MatchExactly);
    if (found.isEmpty())
        return false;
    setCurrentIndex(found.first());
    scrollTo(found.first(), QAbstractItemView::PositionAtCenter);
    return true;
}

void TimelineView::changeEvent(QEvent* event) {
    // Row height follows the font; uniform sizes cache it, so ask again.
    if (event->type() == QEvent::FontChange)
        doItemsLayout();
    QListView::changeEvent(event);
}

} // namespace berth::ui
