#include "TrainCommands.h"

#include "HistoryCommands.h"

#include "history/HistoryAccess.h"
#include "policy/TagPolicy.h"
#include "registry/RegistryClient.h"
#include "release/Promoter.h"
#include "release/StageOrderCheck.h"
#include "release/TrainPlanner.h"
#include "release/TrainRunner.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QTextStream>

#include <memory>

using namespace Qt::StringLiterals;

namespace berth::ctl {

namespace {

// Services planned or moved at once: each is a few requests, so a handful in flight keeps
// the registry busy without one slow service holding the others back.
constexpr int kServicesAtOnce = 4;

// Everything one train command holds until it finishes.
struct TrainSession {
    Invocation invocation;
    Finish finish;
    std::shared_ptr<HistorySession> history;
    std::unique_ptr<InlineHistory> access;
    ActionKind kind = ActionKind::Promote;
    QHash<QString, RegistryClient*> clients; // one per registry, shared by its services
    QHash<QString, Promoter*> promoters;     // likewise
};

RegistryClient* clientFor(TrainSession& session, const QString& registry) {
    RegistryClient*& client = session.clients[registry];
    if (!client) {
        client = new RegistryClient(registry, session.invocation.registry, qApp);
        QObject::connect(client, &RegistryClient::registryWarning, qApp, &printWarning);
    }
    return client;
}

Promoter* promoterFor(TrainSession& session, const QString& registry) {
    Promoter*& promoter = session.promoters[registry];
    if (!promoter)
        promoter = new Promoter(
            clientFor(session, registry), &session.history->store,
            releaseClassifier(TagPolicy::defaults(u"built-in defaults"_s), session.kind), qApp);
    return promoter;
}

std::shared_ptr<TrainSession> openSession(const Invocation& invocation, Finish finish,
                                          ActionKind kind) {
    auto session = std::make_shared<TrainSession>();
    session->invocation = invocation;
    session->finish = std::move(finish);
    session->kind = kind;
    int exitCode = ExitFailure;
    session->history = openHistory(invocation, &exitCode, HistoryAccess::Write);
    if (!session->history) {
        session->finish(exitCode);
        return nullptr;
    }
    session->access = std::make_unique<InlineHistory>(&session->history->store);
    return session;
}

QString serviceName(const ReleaseRequest& request) {
    return request.registry + u'/' + request.repository;
}

// The plan as the terminal shows it: one line per service, its warnings under it.
QString trainPlanText(const Train& train, const QList<TrainCar>& cars,
                      const QList<TrainCar>& unchanged) {
    QString text;
    QTextStream out(&text);
    const QString route =
        train.kind == ActionKind::Rollback
            ? u"roll back train #%1 (%2)"_s.arg(train.rollsBack).arg(train.toEnvironment)
            : u"%1 → %2"_s.arg(train.fromEnvironment, train.toEnvironment);
    out << "train " << route << ", " << cars.size() << " service" << (cars.size() == 1 ? "" : "s")
        << '\n';
    for (const TrainCar& car : cars) {
        out << "  " << serviceName(car.request) << "  " << car.request.tag << ": "
            << trainSideLabel(car.plan.from) << " → " << trainSideLabel(car.plan.to) << '\n';
        if (!car.heldBack.isEmpty())
            out << "      held back: " << car.heldBack << '\n';
        for (const PlanNote& warning : car.plan.warnings)
            out << "      ! " << warning.text << '\n';
    }
    for (const TrainCar& car : unchanged)
        out << "  " << serviceName(car.request) << "  already runs " << trainSideLabel(car.plan.to)
            << " in " << car.request.tag << "; not part of the train\n";
    if (!train.reason.isEmpty())
        out << "  reason: " << train.reason << '\n';
    return text;
}

bool confirmOnTerminal(const QString& plan) {
    QTextStream err(stderr);
    err << plan << "Proceed? [y/N] " << Qt::flush;
    const QString answer = QTextStream(stdin).readLine().trimmed().toLower();
    return answer == u"y"_s || answer == u"yes"_s;
}

int exitCodeFor(const TrainOutcome& outcome) {
    if (outcome.count(CarState::Failed) > 0)
        return ExitFailure;
    if (outcome.count(CarState::Refused) > 0 || outcome.count(CarState::HeldBack) > 0)
        return ExitRefused;
    return ExitOk;
}

void printOutcome(const TrainOutcome& outcome) {
    printLine(u"train #%1: %2"_s.arg(outcome.trainId).arg(outcome.summary()));
    QList<QStringList> rows;
    for (const CarOutcome& car : outcome.cars)
        rows.append({u"  "_s + car.registry + u'/' + car.repository + u':' + car.tag,
                     carStateName(car.state),
                     car.actionId > 0 ? u"#%1"_s.arg(car.actionId) : u"-"_s,
                     car.state == CarState::Moved ? shortPlanDigest(car.toDigest) : car.message});
    printTable({u"  service"_s, u"outcome"_s, u"audit"_s, u"now / why"_s}, rows);
}

// Shows the plan, asks (unless --yes), then runs the train and reports each service.
void confirmThenRun(const std::shared_ptr<TrainSession>& session, Train train, QList<TrainCar> cars,
                    const QList<TrainCar>& unchanged) {
    const Invocation& invocation = session->invocation;
    const QString text = trainPlanText(train, cars, unchanged);
    const int runnable = static_cast<int>(std::count_if(
        cars.cbegin(), cars.cend(), [](const TrainCar& car) { return car.heldBack.isEmpty(); }));
    if (runnable == 0) {
        QTextStream(stderr) << text << Qt::flush;
        printError(u"no service of the train can move; nothing was changed."_s);
        return session->finish(ExitRefused);
    }
    if (invocation.assumeYes) {
        if (!invocation.json)
            QTextStream(stderr) << text << Qt::flush;
    } else if (!confirmOnTerminal(text)) {
        printError(u"not confirmed; nothing was changed."_s);
        return session->finish(ExitRefused);
    }
    auto* runner = new TrainRunner(
        [session](const QString& registry) { return promoterFor(*session, registry); },
        session->access.get(), qApp);
    runner->run(train, cars, kServicesAtOnce, qApp,
                [session, json = invocation.json](Result<TrainOutcome> outcome) {
                    if (!outcome) {
                        printError(outcome.errorMessage());
                        return session->finish(ExitFailure);
                    }
                    if (json)
                        printJson(outcome->toJson());
                    else
                        printOutcome(outcome.value());
                    session->finish(exitCodeFor(outcome.value()));
                });
}

void runTrainPromote(const Invocation& invocation, Finish finish) {
    const QString usage = u"train promote needs --from <environment> --to <environment> and one "
                          u"or more repositories, e.g. train promote --from staging --to "
                          u"production localhost:5000/acme/api localhost:5000/acme/web."_s;
    const QStringList repositories = invocation.arguments.mid(1);
    if (repositories.isEmpty() || invocation.trainFrom.isEmpty() ||
        invocation.rollbackTo.isEmpty()) {
        printError(usage);
        return finish(ExitUsage);
    }
    const QString from = invocation.trainFrom;
    const QString to = invocation.rollbackTo;
    if (!isValidTag(from) || !isValidTag(to) || from == to) {
        printError(u"--from and --to take two different environment tags, e.g. --from staging "
                   u"--to production."_s);
        return finish(ExitUsage);
    }
    QList<TrainService> services;
    for (const QString& argument : repositories) {
        const std::optional<ImageReference> repository = parseRepository(u"train"_s, argument);
        if (!repository)
            return finish(ExitUsage);
        const TrainService service{repository->domain(), repository->path()};
        const bool repeated =
            std::any_of(services.cbegin(), services.cend(), [&service](const TrainService& s) {
                return s.registry == service.registry && s.repository == service.repository;
            });
        if (!repeated)
            services.append(service);
    }
    auto session = openSession(invocation, std::move(finish), ActionKind::Promote);
    if (!session)
        return;
    auto* planner = new TrainPlanner(
        [session](const QString& registry) { return clientFor(*session, registry); },
        &session->history->store, session->history->cache.get(), qApp);
    planner->plan(
        services, from, to, invocation.reason, kServicesAtOnce, qApp,
        [session, from, to](Result<PlannedTrain> planned) {
            const Invocation& invocation = session->invocation;
            if (!planned) {
                printError(planned.errorMessage());
                return session->finish(ExitFailure);
            }
            Train train;
            train.kind = ActionKind::Promote;
            train.fromEnvironment = from;
            train.toEnvironment = to;
            train.reason = invocation.reason;
            if (planned->needsAcknowledgement() && invocation.reason.isEmpty()) {
                QTextStream(stderr)
                    << trainPlanText(train, planned->cars, planned->unchanged) << Qt::flush;
                printError(planned->acknowledgementsNeeded().join(u' ') +
                           u" Nothing was changed; to move them anyway, say why with "
                           u"--reason \"…\"."_s);
                return session->finish(ExitRefused);
            }
            if (planned->cars.isEmpty()) {
                QTextStream(stderr)
                    << trainPlanText(train, planned->cars, planned->unchanged) << Qt::flush;
                printLine(u"every service already runs in %1 what %2 runs; nothing to move."_s.arg(
                    to, from));
                return session->finish(ExitOk);
            }
            confirmThenRun(session, train, planned->cars, planned->unchanged);
        });
}

Result<qint64> trainIdArgument(const QString& text) {
    bool numeric = false;
    const qint64 id = QString(text).remove(u'#').toLongLong(&numeric);
    if (!numeric || id <= 0)
        return Error::make(
            u"\"%1\" is not a train id; berthctl train list shows them."_s.arg(text));
    return id;
}

void runTrainRollback(const Invocation& invocation, Finish finish) {
    if (invocation.arguments.size() != 2) {
        printError(u"train rollback needs the train's id, e.g. train rollback 12."_s);
        return finish(ExitUsage);
    }
    const Result<qint64> id = trainIdArgument(invocation.arguments.at(1));
    if (!id) {
        printError(id.errorMessage());
        return finish(ExitUsage);
    }
    auto session = openSession(invocation, std::move(finish), ActionKind::Rollback);
    if (!session)
        return;
    HistoryStore& store = session->history->store;
    const Result<std::optional<Train>> train = store.train(id.value());
    const Result<QList<Action>> actions = store.actionsOfTrain(id.value());
    const Result<QList<Train>> trains = store.trains();
    if (!train || !actions || !trains) {
        printError(!train ? train.errorMessage()
                          : (!actions ? actions.errorMessage() : trains.errorMessage()));
        return session->finish(ExitFailure);
    }
    if (!train.value()) {
        printError(u"there is no train #%1; berthctl train list shows them."_s.arg(id.value()));
        return session->finish(ExitRefused);
    }
    for (const Train& other : trains.value()) {
        if (other.rollsBack == id.value()) {
            printError(u"train #%1 was already rolled back by train #%2 (%3, %4)."_s.arg(
                QString::number(id.value()), QString::number(other.id), other.user,
                shortTime(other.time)));
            return session->finish(ExitRefused);
        }
    }
    const TrainRecord record{*train.value(), actions.value()};
    const QList<TrainCar> cars = rollbackCars(record, invocation.reason);
    if (cars.isEmpty()) {
        printError(
            u"train #%1 moved no service, so there is nothing to put back."_s.arg(id.value()));
        return session->finish(ExitRefused);
    }
    Train rollback;
    rollback.kind = ActionKind::Rollback;
    rollback.fromEnvironment = record.train.fromEnvironment;
    rollback.toEnvironment = record.train.toEnvironment;
    rollback.reason = invocation.reason;
    rollback.rollsBack = record.train.id;
    confirmThenRun(session, rollback, cars, {});
}

QJsonObject trainJson(const TrainRecord& record) {
    QJsonArray services;
    for (const Action& action : record.actions)
        services.append(actionToJson(action));
    const Train& train = record.train;
    return QJsonObject{
        {u"id"_s, train.id},
        {u"time"_s, jsonTimeValue(train.time)},
        {u"user"_s, train.user},
        {u"host"_s, train.host},
        {u"kind"_s, actionKindName(train.kind)},
        {u"from"_s, train.fromEnvironment},
        {u"to"_s, train.toEnvironment},
        {u"reason"_s, train.reason},
        {u"rollsBack"_s, train.rollsBack > 0 ? QJsonValue(train.rollsBack) : QJsonValue()},
        {u"summary"_s, trainActionsSummary(record.actions)},
        {u"services"_s, services}};
}

QString actionOutcomeText(const Action& action) {
    if (action.state == ActionState::Succeeded)
        return u"moved"_s;
    if (action.state == ActionState::Pending)
        return u"pending"_s;
    return isRefusedAction(action) ? u"refused"_s : u"failed"_s;
}

void runTrainList(const Invocation& invocation, Finish finish) {
    if (invocation.arguments.size() != 1) {
        printError(u"train list takes no arguments."_s);
        return finish(ExitUsage);
    }
    int exitCode = ExitFailure;
    const std::shared_ptr<HistorySession> history = openHistory(invocation, &exitCode);
    if (!history)
        return finish(exitCode);
    const Result<QList<Train>> trains = history->store.trains();
    if (!trains) {
        printError(trains.errorMessage());
        return finish(ExitFailure);
    }
    QList<TrainRecord> records;
    for (const Train& train : trains.value()) {
        const Result<QList<Action>> actions = history->store.actionsOfTrain(train.id);
        if (!actions) {
            printError(actions.errorMessage());
            return finish(ExitFailure);
        }
        records.append(TrainRecord{train, actions.value()});
    }
    if (invocation.json) {
        QJsonArray array;
        for (const TrainRecord& record : records)
            array.append(trainJson(record));
        printJson(array);
        return finish(ExitOk);
    }
    if (records.isEmpty()) {
        printLine(u"no release trains yet."_s);
        return finish(ExitOk);
    }
    for (const TrainRecord& record : records) {
        const Train& train = record.train;
        const QString what =
            train.kind == ActionKind::Rollback
                ? u"rollback of #%1 in %2"_s.arg(train.rollsBack).arg(train.toEnvironment)
                : u"%1 → %2"_s.arg(train.fromEnvironment, train.toEnvironment);
        printLine(u"#%1  %2  %3  %4@%5  %6%7"_s.arg(
            QString::number(train.id), shortTime(train.time), what, train.user, train.host,
            trainActionsSummary(record.actions),
            train.reason.isEmpty() ? QString() : u"  \"%1\""_s.arg(train.reason)));
        QList<QStringList> rows;
        for (const Action& action : record.actions)
            rows.append(
                {u"    "_s + action.registry + u'/' + action.repository + u':' + action.tag,
                 actionOutcomeText(action), u"#%1"_s.arg(action.id),
                 shortPlanDigest(action.fromDigest) + u" → "_s + shortPlanDigest(action.toDigest),
                 action.error});
        printTable({u"    service"_s, u"outcome"_s, u"audit"_s, u"from → to"_s, u"why"_s}, rows);
    }
    finish(ExitOk);
}

} // namespace

void runTrain(const Invocation& invocation, Finish finish) {
    const QString sub = invocation.arguments.value(0);
    if (sub == u"promote"_s)
        return runTrainPromote(invocation, std::move(finish));
    if (sub == u"rollback"_s)
        return runTrainRollback(invocation, std::move(finish));
    if (sub == u"list"_s)
        return runTrainList(invocation, std::move(finish));
    printError(u"train takes promote, rollback or list, e.g. train promote --from staging --to "
               u"production <repository>…"_s);
    finish(ExitUsage);
}

} // namespace berth::ctl
