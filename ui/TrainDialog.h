#pragma once

// The release train from the board: plans every chosen service (on the history thread,
// several at once), lists per service where the target environment is now, the build that
// ships, the commits shipped and lost (from the service's linked clone), and the warnings (a build
// marked bad, a stage skipped, an environment moved since the board was read). Warnings that need
// it are acknowledged with a checkbox. Confirm moves every service with the single promote's guard,
// several in flight; a service moved meanwhile is refused on its row and the others go on. The
// dialog then offers to roll the whole train back, each service guarded again.

#include "registry/RegistryOptions.h"
#include "release/TrainPlanner.h"

#include <QDialog>
#include <QHash>

class QCheckBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace berth {
class HistoryThread;
class Promoter;
class RegistryClient;
class TrainRunner;
} // namespace berth

namespace berth::ui {

class TrainDialog : public QDialog {
    Q_OBJECT
public:
    struct Request {
        QStringList services; // host/path
        QString from;         // e.g. "staging"
        QString to;           // e.g. "production"
        // Where `to` pointed in each service when the board last read it (host/path ->
        // digest); a plan that finds it elsewhere warns.
        QHash<QString, QString> seen;
        QHash<QString, RegistryOptions> options; // by registry
    };

    TrainDialog(Request request, HistoryThread* history, QWidget* parent = nullptr);
    ~TrainDialog() override;

    // Plans every service; the plan shows when it is read.
    void start();

    QTreeWidget* plan() const { return m_plan; }
    QPushButton* confirmButton() const { return m_confirm; }
    QPushButton* rollbackButton() const { return m_rollback; }
    QCheckBox* acknowledgement() const { return m_acknowledge; }
    QLineEdit* reasonField() const { return m_reason; }
    QLabel* summary() const { return m_summary; }
    // The train last run from this dialog; 0 before.
    qint64 trainId() const { return m_trainId; }

signals:
    void planned();
    // A train (or its rollback) finished; `trainId` names it in the audit.
    void trainFinished(qint64 trainId, const QString& summary);

protected:
    void reject() override;

private:
    void showPlan(const PlannedTrain& train);
    // What each service ships and loses, from its linked clone, under its row.
    void readCommits();
    void confirm();
    void run(const Train& train, const QList<TrainCar>& cars);
    void showOutcome(int index, const CarOutcome& outcome);
    void rollBack();
    void updateConfirm();
    Promoter* promoterFor(const QString& registry, ActionKind kind);

    Request m_request;
    HistoryThread* m_history;
    PlannedTrain m_train;
    QList<QTreeWidgetItem*> m_rows; // one per car of the running train
    QHash<QString, RegistryClient*> m_clients;
    QHash<QString, Promoter*> m_promoters; // by kind and registry
    TrainRunner* m_runner = nullptr;
    qint64 m_trainId = 0;
    bool m_running = false;
    QLabel* m_heading;
    QTreeWidget* m_plan;
    QCheckBox* m_acknowledge;
    QLineEdit* m_reason;
    QProgressBar* m_progress;
    QLabel* m_summary;
    QPushButton* m_confirm;
    QPushButton* m_rollback;
    QPushButton* m_close;
};

} // namespace berth::ui
