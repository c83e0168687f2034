#pragma once

// Insights: the four key delivery metrics of the shown repository (or the board's
// project), with their weekly trend charted: deployments per week, the lead-time
// distribution, and failures and restores on one time axis. Clicking a bar or a point
// selects the moves behind it in the list below, each with its build and audit row;
// choosing one shows that build on the timeline.
//
// The history is read where it lives (the window's history thread), never on this
// thread; closing the dialog drops an answer still on its way.

#include "core/Callback.h"
#include "insights/DeliveryInsights.h"

#include <QDialog>
#include <QHash>

#include <functional>

class QChartView;
class QComboBox;
class QHBoxLayout;
class QLabel;
class QSpinBox;
class QTreeWidget;

namespace berth {
class HistoryAccess;
}

namespace berth::ui {

class InsightsDialog : public QDialog {
    Q_OBJECT
public:
    // Computes the report for the options, wherever the history lives, answering on
    // `context`.
    using ReportSource = std::function<void(QObject* context, const InsightsOptions& options,
                                            Callback<InsightsReport> done)>;

    InsightsDialog(QString subject, ReportSource source, QWidget* parent = nullptr);

    // Reads `repositories` pooled from the history `historyOf` answers (nullptr: none) on
    // its thread, each with the clone `clones` names for it (none: lead time needs one).
    static ReportSource fromHistory(std::function<HistoryAccess*()> historyOf,
                                    QStringList repositories, QHash<QString, QString> clones);

    // Reads again with the period, environment and window chosen.
    void reload();
    bool isLoading() const { return m_loading; }
    const InsightsReport& report() const { return m_report; }
    // The rows of the moves list now selected, as indexes into report().moves.
    QList<int> selectedMoves() const;
    // What a click on a chart does, for keyboards and tests too.
    void selectWeek(int week);
    void selectMoveNear(const QDateTime& time);

    // Lead-time buckets of the distribution chart, upper bounds in seconds.
    static QList<std::pair<QString, qint64>> leadTimeBuckets();

signals:
    // A move of the list was activated: show its build.
    void buildChosen(const QString& repository, const QString& digest);

private:
    void showReport(const Result<InsightsReport>& report);
    void showFigures();
    void fillMoves();
    QChartView* deploymentsChart();
    QChartView* leadTimeChart();
    QChartView* failuresChart();
    void replaceChart(QChartView*& slot, QChartView* chart);
    InsightsOptions chosenOptions() const;

    QString m_subject;
    ReportSource m_source;
    InsightsReport m_report;
    bool m_loading = false;
    QComboBox* m_period;
    QComboBox* m_environment;
    QSpinBox* m_window;
    QLabel* m_status;
    QLabel* m_frequency;
    QLabel* m_leadTime;
    QLabel* m_failureRate;
    QLabel* m_restore;
    QHBoxLayout* m_charts;
    QChartView* m_deployments = nullptr;
    QChartView* m_leadTimes = nullptr;
    QChartView* m_failures = nullptr;
    QTreeWidget* m_moves;
    QLabel* m_notes;
};

} // namespace berth::ui
