#include "TrainDialog.h"

#include "git/CloneSettings.h"
#include "history/HistoryAccess.h"
#include "history/HistoryStore.h"
#include "history/SqlManifestCache.h"
#include "policy/TagPolicy.h"
#include "registry/RegistryClient.h"
#include "release/Promoter.h"
#include "release/StageOrderCheck.h"
#include "release/TrainRunner.h"

#include <QCheckBox>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace berth::ui {

namespace {

// Services planned or moved at once, as berthctl train does.
constexpr int kServicesAtOnce = 4;
// Commits listed per service under "ships N commits"; the count is always complete.
constexpr int kCommitLines = 10;

enum Column { ServiceColumn, NowColumn, ShipsColumn, OutcomeColumn };

QString serviceOf(const ReleaseRequest& request) {
    return request.registry + u'/' + request.repository;
}

} // namespace

TrainDialog::TrainDialog(Request request, HistoryThread* history, QWidget* parent)
    : QDialog(parent)
    , m_request(std::move(request))
    , m_history(history)
    , m_heading(new QLabel(this))
    , m_plan(new QTreeWidget(this))
    , m_acknowledge(new QCheckBox(this))
    , m_reason(new QLineEdit(this))
    , m_progress(new QProgressBar(this))
    , m_summary(new QLabel(this))
    , m_confirm(new QPushButton(this))
    , m_rollback(new QPushButton(tr("Roll back train"), this))
    , m_close(new QPushButton(tr("Close"), this)) {
    setWindowTitle(tr("Release train: %1 → %2").arg(m_request.from, m_request.to));
    resize(900, 520);
    m_heading->setWordWrap(true);
    m_heading->setText(tr("Reading where %1 and %2 stand in %n service(s)…", nullptr,
                          int(m_request.services.size()))
                           .arg(m_request.from, m_request.to));
    m_plan->setColumnCount(4);
    m_plan->setHeaderLabels({tr("Service"), tr("%1 now").arg(m_request.to),
                             tr("Ships (%1)").arg(m_request.from), tr("Outcome")});
    m_plan->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_plan->setRootIsDecorated(true);
    m_plan->setAccessibleName(tr("Train plan"));
    m_acknowledge->hide();
    m_reason->setPlaceholderText(tr("Why, for the audit log (e.g. release 42)"));
    m_progress->setRange(0, 0); // busy while the plan is read
    m_summary->setWordWrap(true);
    m_confirm->setEnabled(false);
    m_confirm->setDefault(true);
    m_rollback->setEnabled(false);
    m_rollback->setToolTip(tr("Put every service this train moved back where it found it; a "
                              "service moved since is refused and listed"));

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_summary, 1);
    buttons->addWidget(m_rollback);
    buttons->addWidget(m_confirm);
    buttons->addWidget(m_close);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_heading);
    layout->addWidget(m_plan, 1);
    layout->addWidget(m_acknowledge);
    layout->addWidget(m_reason);
    layout->addWidget(m_progress);
    layout->addLayout(buttons);

    connect(m_acknowledge, &QCheckBox::toggled, this, &TrainDialog::updateConfirm);
    connect(m_confirm, &QPushButton::clicked, this, &TrainDialog::confirm);
    connect(m_rollback, &QPushButton::clicked, this, &TrainDialog::rollBack);
    connect(m_close, &QPushButton::clicked, this, &TrainDialog::reject);
}

TrainDialog::~TrainDialog() = default;

void TrainDialog::start() {
    if (!m_history) {
        m_heading->setText(tr("A train needs the history database (its audit is kept there), "
                              "and history is off."));
        return;
    }
    const QStringList services = m_request.services;
    QList<TrainService> asked;
    for (const QString& service : services)
        asked.append(TrainService{service.section(u'/', 0, 0), service.section(u'/', 1)});
    m_history->start<PlannedTrain>(
        this,
        [asked, from = m_request.from, to = m_request.to,
         options = m_request.options](HistoryStore* store, const Error& unavailable,
                                      QObject* thread, Callback<PlannedTrain> finish) {
            if (!store)
                return finish(unavailable.withMessage(
                    u"The history database could not be opened (%1); a train keeps its audit "
                    u"there, so nothing was planned."_s.arg(unavailable.message)));
            // Lives on the history thread with the planner, until the plan is read.
            auto cache = std::make_shared<SqlManifestCache>(*store);
            auto clients = std::make_shared<QHash<QString, RegistryClient*>>();
            auto* planner = new TrainPlanner(
                [clients, options, thread](const QString& registry) {
                    RegistryClient*& client = (*clients)[registry];
                    if (!client)
                        client = new RegistryClient(registry, options.value(registry), thread);
                    return client;
                },
                store, cache.get(), thread);
            planner->plan(asked, from, to, {}, kServicesAtOnce, thread,
                          [planner, cache, clients, finish](Result<PlannedTrain> planned) {
                              planner->deleteLater();
                              for (RegistryClient* client : std::as_const(*clients))
                                  client->deleteLater();
                              finish(std::move(planned));
                          });
        },
        [this](Result<PlannedTrain> planned) {
            if (!planned) {
                m_progress->setRange(0, 1);
                m_heading->setText(planned.errorMessage());
                return;
            }
            showPlan(planned.value());
        });
}

void TrainDialog::showPlan(const PlannedTrain& train) {
    m_train = train;
    // What the board showed is what the person decided on: say where that changed.
    for (TrainCar& car : m_train.cars) {
        const QString seen = m_request.seen.value(serviceOf(car.request));
        const bool warned =
            std::any_of(car.plan.warnings.cbegin(), car.plan.warnings.cend(),
                        [](const PlanNote& note) { return note.code == kMovedSinceSeenNote; });
        if (!seen.isEmpty() && seen != car.plan.from.digest && !warned)
            car.plan.warnings.append(
                PlanNote{kMovedSinceSeenNote,
                         tr("%1 moved since the board was read: it showed %2, it is now %3.")
                             .arg(car.request.tag, shortPlanDigest(seen),
                                  shortPlanDigest(car.plan.from.digest)),
                         false});
    }
    m_plan->clear();
    m_rows.clear();
    for (const TrainCar& car : std::as_const(m_train.cars)) {
        auto* item = new QTreeWidgetItem(m_plan);
        item->setText(ServiceColumn, serviceOf(car.request));
        item->setText(NowColumn, trainSideLabel(car.plan.from));
        item->setText(ShipsColumn, trainSideLabel(car.plan.to));
        item->setText(OutcomeColumn, car.heldBack.isEmpty() ? tr("to move") : tr("held back"));
        if (!car.heldBack.isEmpty())
            new QTreeWidgetItem(item, {QString(), car.heldBack});
        for (const PlanNote& warning : car.plan.warnings)
            new QTreeWidgetItem(item, {QString(), u"⚠ "_s + warning.text});
        item->setExpanded(true);
        m_rows.append(item);
    }
    readCommits();
    for (const TrainCar& car : std::as_const(m_train.unchanged)) {
        auto* item = new QTreeWidgetItem(m_plan);
        item->setText(ServiceColumn, serviceOf(car.request));
        item->setText(NowColumn, trainSideLabel(car.plan.from));
        item->setText(OutcomeColumn, tr("already there; not part of the train"));
        item->setDisabled(true);
    }
    const int runnable = m_train.runnable();
    m_heading->setText(tr("Promote %1 → %2 in %n service(s). Each is moved only while %3 is "
                          "still where this plan read it.",
                          nullptr, runnable)
                           .arg(m_request.from, m_request.to, m_request.to));
    const QStringList acknowledgements = m_train.acknowledgementsNeeded();
    m_acknowledge->setVisible(!acknowledgements.isEmpty());
    m_acknowledge->setText(tr("I have read the warnings and ship anyway (%n to acknowledge)",
                              nullptr, int(acknowledgements.size())));
    m_acknowledge->setToolTip(acknowledgements.join(u'\n'));
    m_confirm->setText(tr("Promote %n service(s)", nullptr, runnable));
    m_progress->setRange(0, 1);
    m_progress->setValue(1);
    updateConfirm();
    emit planned();
}

void TrainDialog::readCommits() {
    for (qsizetype i = 0; i < m_train.cars.size(); ++i) {
        const TrainCar& car = m_train.cars.at(i);
        const QString clone = CloneSettings::cloneFor(serviceOf(car.request));
        if (clone.isEmpty() || !car.heldBack.isEmpty())
            continue;
        auto* watcher = new QFutureWatcher<ReleasePlan>(this);
        connect(watcher, &QFutureWatcher<ReleasePlan>::finished, this, [this, watcher, i] {
            watcher->deleteLater();
            if (i >= m_rows.size() || m_trainId != 0)
                return; // the plan is gone, or the train already ran
            const ReleasePlan plan = watcher->result();
            if (plan.commits.state != PlanCommits::State::Known)
                return;
            QTreeWidgetItem* row = m_rows.at(i);
            const CommitRange& range = plan.commits.range;
            auto* summary = new QTreeWidgetItem(
                row, {QString(), tr("ships %n commit(s)", nullptr, range.gained.totalCount) +
                                     (range.lost.totalCount > 0
                                          ? tr(", loses %n", nullptr, range.lost.totalCount)
                                          : QString())});
            for (const CommitInfo& commit : range.gained.commits.mid(0, kCommitLines))
                new QTreeWidgetItem(summary, {QString(), commit.shortId + u' ' + commit.summary});
            for (const CommitInfo& commit : range.lost.commits.mid(0, kCommitLines))
                new QTreeWidgetItem(
                    summary, {QString(), tr("lost: ") + commit.shortId + u' ' + commit.summary});
        });
        watcher->setFuture(ReleasePlanner::withCommits(car.plan, clone));
    }
}

void TrainDialog::updateConfirm() {
    const bool acknowledged = !m_train.needsAcknowledgement() || m_acknowledge->isChecked();
    m_confirm->setEnabled(!m_running && m_trainId == 0 && m_train.runnable() > 0 && acknowledged);
}

Promoter* TrainDialog::promoterFor(const QString& registry, ActionKind kind) {
    const QString key = actionKindName(kind) + u' ' + registry;
    Promoter*& promoter = m_promoters[key];
    if (!promoter) {
        RegistryClient*& client = m_clients[registry];
        if (!client)
            client = new RegistryClient(registry, m_request.options.value(registry), this);
        promoter = new Promoter(
            client, static_cast<HistoryAccess*>(m_history),
            releaseClassifier(TagPolicy::defaults(u"built-in defaults"_s), kind), this);
    }
    return promoter;
}

void TrainDialog::confirm() {
    Train train;
    train.kind = ActionKind::Promote;
    train.fromEnvironment = m_request.from;
    train.toEnvironment = m_request.to;
    train.reason = m_reason->text().trimmed();
    QList<TrainCar> cars = m_train.cars;
    for (TrainCar& car : cars)
        car.request.reason = car.plan.auditReason(train.reason);
    run(train, cars);
}

void TrainDialog::run(const Train& train, const QList<TrainCar>& cars) {
    m_running = true;
    m_confirm->setEnabled(false);
    m_rollback->setEnabled(false);
    m_close->setEnabled(false);
    m_reason->setEnabled(false);
    m_progress->setRange(0, std::max(1, int(cars.size())));
    m_progress->setValue(0);
    if (train.kind == ActionKind::Rollback) {
        m_plan->clear();
        m_rows.clear();
        for (const TrainCar& car : cars) {
            auto* item = new QTreeWidgetItem(m_plan);
            item->setText(ServiceColumn, serviceOf(car.request));
            item->setText(NowColumn, shortPlanDigest(car.plan.from.digest));
            item->setText(ShipsColumn, shortPlanDigest(car.plan.to.digest));
            item->setText(OutcomeColumn, tr("to put back"));
            m_rows.append(item);
        }
    }
    for (QTreeWidgetItem* row : std::as_const(m_rows))
        row->setText(OutcomeColumn, tr("waiting…"));
    delete m_runner;
    m_runner = new TrainRunner(
        [this, kind = train.kind](const QString& registry) { return promoterFor(registry, kind); },
        m_history, this);
    connect(m_runner, &TrainRunner::carFinished, this, &TrainDialog::showOutcome);
    m_runner->run(train, cars, kServicesAtOnce, this,
                  [this, kind = train.kind](Result<TrainOutcome> outcome) {
                      m_running = false;
                      m_close->setEnabled(true);
                      if (!outcome) {
                          m_summary->setText(outcome.errorMessage());
                          updateConfirm();
                          return;
                      }
                      m_trainId = outcome->trainId;
                      for (int i = 0; i < outcome->cars.size() && i < m_rows.size(); ++i)
                          showOutcome(i, outcome->cars.at(i));
                      const QString summary =
                          tr("Train #%1: %2.").arg(m_trainId).arg(outcome->summary());
                      m_summary->setText(summary);
                      // A rollback is not itself rolled back from here: berthctl train rollback
                      // can.
                      m_rollback->setEnabled(kind == ActionKind::Promote &&
                                             outcome->count(CarState::Moved) > 0);
                      emit trainFinished(m_trainId, summary);
                  });
}

void TrainDialog::showOutcome(int index, const CarOutcome& outcome) {
    if (index < 0 || index >= m_rows.size())
        return;
    QTreeWidgetItem* row = m_rows.at(index);
    QString text = carStateName(outcome.state);
    if (outcome.actionId > 0)
        text += tr(" (audit #%1)").arg(outcome.actionId);
    row->setText(OutcomeColumn, text);
    if (!outcome.message.isEmpty() && outcome.state != CarState::Moved)
        new QTreeWidgetItem(row, {QString(), outcome.message});
    m_progress->setValue(m_progress->value() + 1);
}

void TrainDialog::rollBack() {
    const qint64 trainId = m_trainId;
    m_rollback->setEnabled(false);
    m_history->run<TrainRecord>(
        this,
        [trainId](HistoryStore& store) -> Result<TrainRecord> {
            const Result<std::optional<Train>> train = store.train(trainId);
            if (!train)
                return train.error();
            if (!train.value())
                return Error::make(u"Train #%1 is not in the history."_s.arg(trainId));
            const Result<QList<Action>> actions = store.actionsOfTrain(trainId);
            if (!actions)
                return actions.error();
            return TrainRecord{*train.value(), actions.value()};
        },
        [this](Result<TrainRecord> record) {
            if (!record) {
                m_summary->setText(record.errorMessage());
                return;
            }
            const QString reason = m_reason->text().trimmed();
            const QList<TrainCar> cars = rollbackCars(record.value(), reason);
            QStringList lines;
            for (const TrainCar& car : cars)
                lines.append(u"%1: %2 → %3"_s.arg(serviceOf(car.request),
                                                  shortPlanDigest(car.plan.from.digest),
                                                  shortPlanDigest(car.plan.to.digest)));
            const auto answer = QMessageBox::question(
                this, tr("Roll back train #%1").arg(record->train.id),
                tr("Put %n service(s) back where the train found them? A service moved since "
                   "is refused and left where it is.\n\n",
                   nullptr, int(cars.size())) +
                    lines.join(u'\n'));
            if (answer != QMessageBox::Yes) {
                m_rollback->setEnabled(true);
                return;
            }
            Train rollback;
            rollback.kind = ActionKind::Rollback;
            rollback.fromEnvironment = record->train.fromEnvironment;
            rollback.toEnvironment = record->train.toEnvironment;
            rollback.reason = reason;
            rollback.rollsBack = record->train.id;
            run(rollback, cars);
        });
}

void TrainDialog::reject() {
    // Moves in flight finish and are recorded; the dialog waits for them.
    if (m_running)
        return;
    QDialog::reject();
}

} // namespace berth::ui
