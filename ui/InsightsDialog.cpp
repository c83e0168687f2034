#include "InsightsDialog.h"

#include "history/HistoryAccess.h"
#include "insights/InsightsReader.h"
#include "insights/InsightsText.h"
#include "timeline/TimelineModel.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTimeAxis>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QScatterSeries>
#include <QSpinBox>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

namespace berth::ui {

namespace {

constexpr int kMoveIndexRole = Qt::UserRole;

QChart* newChart(const QString& title) {
    auto* chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setAnimationOptions(QChart::NoAnimation);
    return chart;
}

QChartView* viewOf(QChart* chart, const QString& name, const QString& tooltip) {
    auto* view = new QChartView(chart);
    view->setObjectName(name);
    view->setToolTip(tooltip);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(260, 220);
    return view;
}

// The y axis of a count: whole numbers, from 0, with a little headroom.
QValueAxis* countAxis(int highest) {
    auto* axis = new QValueAxis;
    axis->setRange(0, std::max(1, highest));
    axis->setTickCount(std::min(std::max(2, highest + 1), 6));
    axis->setLabelFormat(u"%d"_s);
    return axis;
}

QString moveKind(const ProductionMove& move) {
    if (move.deployment)
        return u"deployment"_s;
    return move.rollback ? u"rollback"_s : u"move"_s;
}

} // namespace

InsightsDialog::InsightsDialog(QString subject, ReportSource source, QWidget* parent)
    : QDialog(parent)
    , m_subject(std::move(subject))
    , m_source(std::move(source)) {
    setObjectName(u"insightsDialog"_s);
    setWindowTitle(u"Insights — %1"_s.arg(m_subject));

    m_period = new QComboBox(this);
    m_period->setObjectName(u"insightsPeriod"_s);
    m_period->addItem(u"Last 4 weeks"_s, 4);
    m_period->addItem(u"Last 12 weeks"_s, 12);
    m_period->addItem(u"Last 26 weeks"_s, 26);
    m_period->addItem(u"Last 52 weeks"_s, 52);
    m_period->addItem(u"Everything recorded"_s, 0);
    m_period->setCurrentIndex(1);
    m_environment = new QComboBox(this);
    m_environment->setObjectName(u"insightsEnvironment"_s);
    m_environment->setEditable(true);
    m_environment->addItems({u"production"_s, u"staging"_s, u"dev"_s});
    m_window = new QSpinBox(this);
    m_window->setObjectName(u"insightsFailureWindow"_s);
    m_window->setRange(1, 365);
    m_window->setValue(7);
    m_window->setSuffix(u" days"_s);
    m_window->setToolTip(u"A rollback or bad verdict this long after a deployment makes it a "
                         u"failed change"_s);
    auto* read = new QPushButton(u"Read again"_s, this);
    read->setObjectName(u"insightsReload"_s);
    connect(read, &QPushButton::clicked, this, &InsightsDialog::reload);
    connect(m_period, &QComboBox::activated, this, &InsightsDialog::reload);

    auto* choices = new QHBoxLayout;
    choices->addWidget(new QLabel(u"Period:"_s, this));
    choices->addWidget(m_period);
    choices->addWidget(new QLabel(u"Environment:"_s, this));
    choices->addWidget(m_environment);
    choices->addWidget(new QLabel(u"Failure window:"_s, this));
    choices->addWidget(m_window);
    choices->addWidget(read);
    choices->addStretch();

    m_status = new QLabel(this);
    m_status->setObjectName(u"insightsStatus"_s);
    const auto figure = [this](const QString& name) {
        auto* label = new QLabel(this);
        label->setObjectName(name);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        return label;
    };
    m_frequency = figure(u"deploymentFrequencyValue"_s);
    m_leadTime = figure(u"leadTimeValue"_s);
    m_failureRate = figure(u"changeFailureRateValue"_s);
    m_restore = figure(u"timeToRestoreValue"_s);
    m_frequency->setToolTip(deploymentFrequencyDefinition());
    m_leadTime->setToolTip(leadTimeDefinition());
    m_restore->setToolTip(timeToRestoreDefinition());
    auto* figures = new QFormLayout;
    figures->addRow(u"Deployment frequency:"_s, m_frequency);
    figures->addRow(u"Lead time for changes:"_s, m_leadTime);
    figures->addRow(u"Change failure rate:"_s, m_failureRate);
    figures->addRow(u"Time to restore:"_s, m_restore);

    m_charts = new QHBoxLayout;
    m_deployments = viewOf(newChart(u"Deployments per week"_s), u"deploymentsChart"_s, {});
    m_leadTimes = viewOf(newChart(u"Lead time"_s), u"leadTimeChart"_s, {});
    m_failures = viewOf(newChart(u"Failures and restores"_s), u"failuresChart"_s, {});
    m_charts->addWidget(m_deployments);
    m_charts->addWidget(m_leadTimes);
    m_charts->addWidget(m_failures);

    m_moves = new QTreeWidget(this);
    m_moves->setObjectName(u"insightsMoves"_s);
    m_moves->setRootIsDecorated(false);
    m_moves->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_moves->setHeaderLabels({u"When (UTC)"_s, u"Move"_s, u"Service"_s, u"Build"_s, u"Revision"_s,
                              u"Made by"_s, u"Commits"_s, u"Failure"_s, u"Restored after"_s});
    m_moves->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_moves->setToolTip(u"The moves behind the figures. Double-click one to show its build"_s);
    connect(m_moves, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        const int index = item->data(0, kMoveIndexRole).toInt();
        if (index >= 0 && index < m_report.moves.size())
            emit buildChosen(m_report.moves[index].repository, m_report.moves[index].digest);
    });
    m_notes = new QLabel(this);
    m_notes->setObjectName(u"insightsNotes"_s);
    m_notes->setWordWrap(true);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(choices);
    layout->addWidget(m_status);
    layout->addLayout(figures);
    layout->addLayout(m_charts, 2);
    layout->addWidget(m_moves, 1);
    layout->addWidget(m_notes);
    layout->addWidget(buttons);
    resize(1100, 760);
    reload();
}

InsightsDialog::ReportSource InsightsDialog::fromHistory(std::function<HistoryAccess*()> historyOf,
                                                         QStringList repositories,
                                                         QHash<QString, QString> clones) {
    return [historyOf = std::move(historyOf), repositories = std::move(repositories),
            clones = std::move(clones)](QObject* context, const InsightsOptions& options,
                                        Callback<InsightsReport> done) {
        HistoryAccess* history = historyOf();
        if (!history)
            return done(
                Result<InsightsReport>::failure(u"the history database is not available"_s));
        history->run<InsightsReport>(
            context,
            [repositories, clones, options](HistoryStore& store) {
                return readPooledInsights(
                    store, repositories, options,
                    [&clones](const QString& repository) { return clones.value(repository); });
            },
            std::move(done));
    };
}

QList<std::pair<QString, qint64>> InsightsDialog::leadTimeBuckets() {
    constexpr qint64 hour = 3600;
    return {{u"< 1 h"_s, hour},       {u"1–4 h"_s, 4 * hour},
            {u"4–24 h"_s, 24 * hour}, {u"1–3 d"_s, 72 * hour},
            {u"3–7 d"_s, 168 * hour}, {u"> 7 d"_s, std::numeric_limits<qint64>::max()}};
}

InsightsOptions InsightsDialog::chosenOptions() const {
    InsightsOptions options;
    options.environment = m_environment->currentText().trimmed();
    if (options.environment.isEmpty())
        options.environment = u"production"_s;
    options.until = QDateTime::currentDateTimeUtc();
    const int weeks = m_period->currentData().toInt();
    if (weeks > 0)
        options.since = options.until.addDays(-7 * qint64(weeks));
    options.failureWindowSeconds = qint64(m_window->value()) * 24 * 3600;
    return options;
}

void InsightsDialog::reload() {
    m_loading = true;
    m_status->setText(u"Reading the history of %1…"_s.arg(m_subject));
    m_source(this, chosenOptions(), [this](Result<InsightsReport> report) { showReport(report); });
}

void InsightsDialog::showReport(const Result<InsightsReport>& report) {
    m_loading = false;
    if (!report) {
        m_status->setText(u"Insights could not be read: %1"_s.arg(report.errorMessage()));
        return;
    }
    m_report = *report;
    m_status->setText(u"%1 in %2, %3 to %4 (UTC)"_s.arg(
        m_report.environment, m_report.repositories.join(u", "_s),
        m_report.since.toString(u"yyyy-MM-dd"_s), m_report.until.toString(u"yyyy-MM-dd"_s)));
    showFigures();
    replaceChart(m_deployments, deploymentsChart());
    replaceChart(m_leadTimes, leadTimeChart());
    replaceChart(m_failures, failuresChart());
    fillMoves();
    m_notes->setText(m_report.notes.join(u'\n'));
}

void InsightsDialog::showFigures() {
    m_frequency->setText(deploymentFrequencyText(m_report));
    m_leadTime->setText(leadTimeText(m_report));
    m_failureRate->setText(changeFailureRateText(m_report));
    m_failureRate->setToolTip(changeFailureRateDefinition(m_report.failureWindowSeconds));
    m_restore->setText(timeToRestoreText(m_report));
}

void InsightsDialog::replaceChart(QChartView*& slot, QChartView* chart) {
    delete m_charts->replaceWidget(slot, chart); // the old item is the caller's
    // Gone for good now, though deleted later: nobody may find it by name meanwhile.
    slot->setObjectName({});
    slot->hide();
    slot->deleteLater();
    slot = chart;
}

QChartView* InsightsDialog::deploymentsChart() {
    auto* deployed = new QBarSet(u"Deployments"_s);
    deployed->setColor(QColor(0x1e, 0x88, 0xe5));
    auto* failed = new QBarSet(u"Failed"_s);
    failed->setColor(QColor(0xc0, 0x39, 0x2b));
    QStringList weeks;
    int highest = 0;
    for (const InsightsWeek& week : std::as_const(m_report.weeks)) {
        *deployed << week.deployments;
        *failed << week.failures;
        highest = std::max(highest, week.deployments);
        // A week nobody watched throughout is marked, not shown as a quiet one.
        weeks.append(week.monday.toString(u"MM-dd"_s) + (week.hasGap ? u" ?"_s : QString()));
    }
    auto* series = new QBarSeries;
    series->append(deployed);
    series->append(failed);
    QChart* chart = newChart(u"Deployments per week"_s);
    chart->addSeries(series);
    auto* weeksAxis = new QBarCategoryAxis;
    weeksAxis->append(weeks);
    weeksAxis->setLabelsAngle(-90); // a quarter's weeks side by side stay readable
    chart->addAxis(weeksAxis, Qt::AlignBottom);
    series->attachAxis(weeksAxis);
    QValueAxis* counts = countAxis(highest);
    chart->addAxis(counts, Qt::AlignLeft);
    series->attachAxis(counts);
    connect(series, &QBarSeries::clicked, this, [this](int index, QBarSet*) { selectWeek(index); });
    return viewOf(chart, u"deploymentsChart"_s,
                  deploymentFrequencyDefinition() +
                      u"\nA week marked ? was not observed throughout. Click a bar for its "
                      u"moves."_s);
}

QChartView* InsightsDialog::leadTimeChart() {
    const QList<std::pair<QString, qint64>> buckets = leadTimeBuckets();
    QList<int> counts(buckets.size(), 0);
    for (const LeadTime& lead : std::as_const(m_report.leadTimes)) {
        const auto bucket = std::find_if(buckets.cbegin(), buckets.cend(), [&lead](const auto& b) {
            return lead.seconds < b.second;
        });
        ++counts[std::distance(buckets.cbegin(), bucket)];
    }
    auto* commits = new QBarSet(u"Commits"_s);
    QStringList labels;
    for (qsizetype i = 0; i < buckets.size(); ++i) {
        *commits << counts[i];
        labels.append(buckets[i].first);
    }
    auto* series = new QBarSeries;
    series->append(commits);
    QChart* chart =
        newChart(m_report.needsClone ? u"Lead time (needs the git clone)"_s : u"Lead time"_s);
    chart->addSeries(series);
    auto* axis = new QBarCategoryAxis;
    axis->append(labels);
    axis->setLabelsAngle(-45);
    chart->addAxis(axis, Qt::AlignBottom);
    series->attachAxis(axis);
    QValueAxis* countsAxis = countAxis(*std::max_element(counts.cbegin(), counts.cend()));
    chart->addAxis(countsAxis, Qt::AlignLeft);
    series->attachAxis(countsAxis);
    chart->legend()->hide();
    return viewOf(chart, u"leadTimeChart"_s, leadTimeDefinition());
}

QChartView* InsightsDialog::failuresChart() {
    auto* failures = new QScatterSeries;
    failures->setName(u"Failed"_s);
    failures->setMarkerSize(11);
    failures->setColor(QColor(0xc0, 0x39, 0x2b));
    auto* restores = new QScatterSeries;
    restores->setName(u"Restored"_s);
    restores->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    restores->setMarkerSize(9);
    restores->setColor(QColor(0x2e, 0x7d, 0x32));
    qint64 longest = 0;
    for (const ProductionMove& move : std::as_const(m_report.moves)) {
        if (!move.deployment || !move.failed())
            continue;
        // Height: hours to restore (0 until restored), so slow restores stand out.
        const double hours = move.restoreSeconds().value_or(0) / 3600.0;
        longest = std::max(longest, move.restoreSeconds().value_or(0));
        failures->append(double(move.failedAt.toMSecsSinceEpoch()), hours);
        if (move.restoredAt.isValid())
            restores->append(double(move.restoredAt.toMSecsSinceEpoch()), hours);
    }
    QChart* chart = newChart(u"Failures and restores"_s);
    chart->addSeries(failures);
    chart->addSeries(restores);
    auto* time = new QDateTimeAxis;
    time->setFormat(u"MM-dd"_s);
    time->setRange(m_report.since, m_report.until);
    chart->addAxis(time, Qt::AlignBottom);
    auto* hours = new QValueAxis;
    hours->setRange(0, std::max(1.0, longest / 3600.0 * 1.1));
    hours->setTitleText(u"hours to restore"_s);
    chart->addAxis(hours, Qt::AlignLeft);
    for (QScatterSeries* series : {failures, restores}) {
        series->attachAxis(time);
        series->attachAxis(hours);
        connect(series, &QScatterSeries::clicked, this, [this](const QPointF& point) {
            selectMoveNear(QDateTime::fromMSecsSinceEpoch(qint64(point.x()), Qt::UTC));
        });
    }
    return viewOf(chart, u"failuresChart"_s,
                  changeFailureRateDefinition(m_report.failureWindowSeconds) + u"\n"_s +
                      timeToRestoreDefinition() + u"\nClick a point for its deployment."_s);
}

void InsightsDialog::fillMoves() {
    m_moves->clear();
    for (qsizetype i = 0; i < m_report.moves.size(); ++i) {
        const ProductionMove& move = m_report.moves[i];
        auto* item = new QTreeWidgetItem(m_moves);
        item->setData(0, kMoveIndexRole, int(i));
        item->setText(0, move.time.toString(u"yyyy-MM-dd HH:mm"_s));
        item->setText(1, moveKind(move));
        item->setText(2, move.repository.section(u'/', 1));
        item->setText(3, shortDigestOf(move.digest));
        item->setText(4, move.revision.left(12));
        item->setText(5, move.actionId != 0 ? u"Berth (audit #%1)"_s.arg(move.actionId)
                                            : u"outside Berth"_s);
        if (move.deployment) {
            item->setText(6, move.leadProblem.isEmpty() ? QString::number(move.commitsShipped)
                                                        : u"?"_s);
            item->setToolTip(6, move.leadProblem);
            item->setText(7, move.failure);
            item->setText(8, move.failed() ? durationText(move.restoreSeconds()) : QString());
        }
    }
}

QList<int> InsightsDialog::selectedMoves() const {
    QList<int> rows;
    for (const QTreeWidgetItem* item : m_moves->selectedItems())
        rows.append(item->data(0, kMoveIndexRole).toInt());
    std::sort(rows.begin(), rows.end());
    return rows;
}

void InsightsDialog::selectWeek(int week) {
    if (week < 0 || week >= m_report.weeks.size())
        return;
    const QDateTime monday(m_report.weeks[week].monday, QTime(0, 0), Qt::UTC);
    const QDateTime next = monday.addDays(7);
    m_moves->clearSelection();
    QTreeWidgetItem* first = nullptr;
    for (int row = 0; row < m_moves->topLevelItemCount(); ++row) {
        QTreeWidgetItem* item = m_moves->topLevelItem(row);
        const QDateTime time = m_report.moves[item->data(0, kMoveIndexRole).toInt()].time;
        if (time >= monday && time < next) {
            item->setSelected(true);
            first = first ? first : item;
        }
    }
    if (first)
        m_moves->scrollToItem(first);
}

void InsightsDialog::selectMoveNear(const QDateTime& time) {
    // A point stands for a failed deployment: the one whose failure or restore is closest.
    QTreeWidgetItem* nearest = nullptr;
    qint64 best = std::numeric_limits<qint64>::max();
    for (int row = 0; row < m_moves->topLevelItemCount(); ++row) {
        QTreeWidgetItem* item = m_moves->topLevelItem(row);
        const ProductionMove& move = m_report.moves[item->data(0, kMoveIndexRole).toInt()];
        if (!move.failed())
            continue;
        for (const QDateTime& at : {move.failedAt, move.restoredAt}) {
            if (!at.isValid())
                continue;
            const qint64 distance = std::abs(at.secsTo(time));
            if (distance < best) {
                best = distance;
                nearest = item;
            }
        }
    }
    if (!nearest)
        return;
    m_moves->clearSelection();
    nearest->setSelected(true);
    m_moves->setCurrentItem(nearest);
    m_moves->scrollToItem(nearest);
}

} // namespace berth::ui
