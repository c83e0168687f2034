#pragma once

// The board's rows a person asked for: those whose repository contains the filter text, and
// optionally only those where two environments run different builds ("only rows where
// staging ≠ production"), which is what makes a board of fifty rows usable.

#include <QSortFilterProxyModel>

namespace berth {

class BoardFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit BoardFilterModel(QObject* parent = nullptr);

    void setNameFilter(const QString& text);
    // Only rows where `first` and `second` differ; two empty names show every row.
    void setDiffering(const QString& first, const QString& second);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_name;
    QString m_first;
    QString m_second;
};

} // namespace berth
