#pragma once

// The tag health view: every lint finding of the shown repository (severity, finding,
// tags, the rule it breaks), sortable by any column. Activating a finding asks for its
// build, which the window selects on the timeline and shows in the details panel.
// Non-modal: it stays open beside the window and follows each new lint.

#include <QDialog>

class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace berth {
class TagHealthModel;
}

namespace berth::ui {

class TagHealthDialog : public QDialog {
    Q_OBJECT
public:
    explicit TagHealthDialog(TagHealthModel* model, QWidget* parent = nullptr);

    QTableView* table() const { return m_table; }
    QString summary() const;

signals:
    // The builds a finding concerns, the one to select first.
    void buildRequested(const QStringList& digests);

private:
    void updateSummary();

    TagHealthModel* m_model;
    QSortFilterProxyModel* m_sorted;
    QTableView* m_table;
    QLabel* m_summary;
};

} // namespace berth::ui
