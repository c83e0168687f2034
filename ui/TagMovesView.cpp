#include "TagMovesView.h"

#include "timeline/TimelineModel.h"

#include <QHeaderView>
#include <QLabel>
#include <QScrollBar>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace berth::ui {

TagMovesView::TagMovesView(QWidget* parent)
    : QWidget(parent)
    , m_headline(new QLabel(this))
    , m_list(new QTreeWidget(this)) {
    setObjectName(u"tagMovesView"_s);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_headline->setObjectName(u"tagAlarmField"_s);
    // Tag names come from the registry: never read as HTML.
    m_headline->setTextFormat(Qt::PlainText);
    m_headline->setWordWrap(true);
    m_headline->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_headline->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    QFont bold = m_headline->font();
    bold.setBold(true);
    m_headline->setFont(bold);
    layout->addWidget(m_headline);

    m_list->setObjectName(u"tagMoveList"_s);
    m_list->setHeaderLabels({u"When"_s, u"Tag"_s, u"From"_s, u"To"_s, u"Seen by"_s, u"Made by"_s});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_list->setToolTip(u"Every position the history recorded for an immutable tag that moved: "
                       u"a build someone pulled by this tag is not the one it names now"_s);
    layout->addWidget(m_list);
    hide();
}

QString TagMovesView::whenText(const TagLintMove& move) {
    return move.when.isValid() ? move.when.toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss"_s)
                               : u"since the history's last look"_s;
}

QString TagMovesView::madeByText(const TagLintMove& move) {
    return move.audited.isEmpty() ? u"outside Berth"_s : move.audited;
}

QString TagMovesView::headline() const {
    return isHidden() ? QString() : m_headline->text();
}

void TagMovesView::showAlarms(const QList<TagAlarm>& alarms) {
    QStringList lines;
    m_list->clear();
    for (const TagAlarm& alarm : alarms) {
        lines.append(alarm.carriesNow ? u"⚠ %1 moved onto this build; an immutable tag never moves "
                                        u"(tags.immutable)"_s.arg(alarm.tag)
                                      : u"⚠ %1 moved off this build; an immutable tag never moves "
                                        u"(tags.immutable)"_s.arg(alarm.tag));
        for (const TagLintMove& move : alarm.moves) {
            auto* item = new QTreeWidgetItem(
                m_list,
                {whenText(move), move.tag, shortDigestOf(move.fromDigest),
                 shortDigestOf(move.toDigest),
                 move.observedBy.isEmpty() ? u"this read"_s : move.observedBy, madeByText(move)});
            item->setToolTip(FromColumn, move.fromDigest);
            item->setToolTip(ToColumn, move.toDigest);
            item->setData(FromColumn, Qt::UserRole, move.fromDigest);
            item->setData(ToColumn, Qt::UserRole, move.toDigest);
        }
    }
    m_headline->setText(lines.join(u'\n'));
    fitRows();
    setVisible(!alarms.isEmpty());
}

void TagMovesView::fitRows() {
    // As tall as its moves (a few at most scroll): the details below stay in sight.
    constexpr int kRowsShown = 5;
    const int rows = std::clamp(m_list->topLevelItemCount(), 1, kRowsShown);
    const int rowHeight = std::max(m_list->sizeHintForRow(0), m_list->fontMetrics().height());
    m_list->setFixedHeight(m_list->header()->sizeHint().height() + rows * rowHeight +
                           m_list->horizontalScrollBar()->sizeHint().height() +
                           2 * m_list->frameWidth());
}

} // namespace berth::ui
