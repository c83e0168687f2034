#include "board/BoardFilterModel.h"

#include "board/BoardModel.h"

namespace berth {

BoardFilterModel::BoardFilterModel(QObject* parent)
    : QSortFilterProxyModel(parent) {
}

void BoardFilterModel::setNameFilter(const QString& text) {
    m_name = text.trimmed();
    invalidateRowsFilter();
}

void BoardFilterModel::setDiffering(const QString& first, const QString& second) {
    m_first = first;
    m_second = second;
    invalidateRowsFilter();
}

bool BoardFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    const auto* board = qobject_cast<const BoardModel*>(sourceModel());
    if (!board || sourceParent.isValid() || sourceRow >= board->rows().size())
        return true;
    const BoardRow& row = board->rows().at(sourceRow);
    if (!m_name.isEmpty() && !row.repository.contains(m_name, Qt::CaseInsensitive))
        return false;
    if (m_first.isEmpty() && m_second.isEmpty())
        return true;
    return environmentsDiffer(row, m_first, m_second);
}

} // namespace berth
