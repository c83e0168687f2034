#pragma once

// The audit log: every promote, rollback and verdict Berth performed (who, when, from,
// to, why, result), newest first, narrowed by tag, kind, result and free text.

#include "core/Callback.h"
#include "history/HistoryTypes.h"

#include <QDialog>

#include <functional>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace berth {
class AuditLogFilterModel;
class AuditLogModel;
} // namespace berth

namespace berth::ui {

class AuditLogDialog : public QDialog {
    Q_OBJECT
public:
    // Reads the actions to show (wherever the history lives) and answers on `context`;
    // called on open and on Refresh.
    using ActionSource = std::function<void(QObject* context, Callback<QList<Action>> done)>;

    explicit AuditLogDialog(ActionSource source, QWidget* parent = nullptr);

    void reload();
    AuditLogModel* model() const { return m_model; }
    AuditLogFilterModel* filterModel() const { return m_filterModel; }

private:
    void showActions(const Result<QList<Action>>& actions);
    void fillTagChoices();
    void updateSummary();

    ActionSource m_source;
    AuditLogModel* m_model;
    AuditLogFilterModel* m_filterModel;
    QComboBox* m_tag;
    QComboBox* m_kind;
    QComboBox* m_state;
    QLineEdit* m_text;
    QTableView* m_table;
    QLabel* m_summary;
};

} // namespace berth::ui
