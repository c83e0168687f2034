#include "TimelineView.h"

#include "TimelineDelegate.h"

#include "timeline/TimelineModel.h"

#include <QEvent>
#include <QLabel>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace berth::ui {

TimelineView::TimelineView(QWidget* parent)
    : QListView(parent)
    , m_empty(new QLabel(viewport())) {
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
    m_empty->setObjectName(u"timelineEmptyText"_s);
    m_empty->setTextFormat(Qt::PlainText);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    auto* layout = new QVBoxLayout(viewport());
    layout->addWidget(m_empty);
    m_empty->hide();
}

void TimelineView::setEmptyText(const QString& text) {
    m_empty->setText(text);
    updateEmptyText();
}

QString TimelineView::emptyText() const {
    return m_empty->text();
}

void TimelineView::updateEmptyText() {
    m_empty->setVisible(!m_empty->text().isEmpty() && model() && model()->rowCount() == 0);
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
    connect(model, &QAbstractItemModel::modelReset, this, &TimelineView::updateEmptyText);
    connect(model, &QAbstractItemModel::layoutChanged, this, &TimelineView::updateEmptyText);
    connect(model, &QAbstractItemModel::rowsInserted, this, &TimelineView::updateEmptyText);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &TimelineView::updateEmptyText);
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
