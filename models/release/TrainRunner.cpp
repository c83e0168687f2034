#include "release/TrainRunner.h"

#include "history/HistoryAccess.h"
#include "history/HistoryStore.h"
#include "release/Promoter.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace berth {

struct TrainRunner::Job {
    Train train;
    QList<TrainCar> cars;
    QList<CarOutcome> outcomes;
    int concurrency = 1;
    int next = 0;     // the first car not started yet
    int finished = 0; // cars that answered
    GuardedCallback<TrainOutcome> done;
};

namespace {

CarOutcome outcomeOf(const TrainCar& car, CarState state, const QString& message = {}) {
    CarOutcome outcome;
    outcome.registry = car.request.registry;
    outcome.repository = car.request.repository;
    outcome.tag = car.request.tag;
    outcome.state = state;
    outcome.fromDigest = car.request.expectedCurrent.value_or(car.plan.from.digest);
    outcome.toDigest = car.request.source;
    outcome.message = message;
    return outcome;
}

bool sameService(const Action& action, const CarOutcome& car) {
    return action.registry == car.registry && action.repository == car.repository &&
           action.tag == car.tag;
}

// The finished row of a car that never began its move.
Action unmovedCarAction(const Train& train, const TrainCar& car, const CarOutcome& outcome) {
    Action action;
    action.registry = outcome.registry;
    action.repository = outcome.repository;
    action.tag = outcome.tag;
    action.fromDigest = outcome.fromDigest;
    action.toDigest = outcome.toDigest;
    action.kind = car.request.kind;
    action.transport = transportName(car.request.transport);
    action.reason = car.request.reason;
    action.state = ActionState::Failed;
    action.error =
        outcome.state == CarState::Failed ? outcome.message : refusedActionError(outcome.message);
    action.trainId = train.id;
    return action;
}

} // namespace

TrainRunner::TrainRunner(PromoterFor promoters, HistoryAccess* history, QObject* parent)
    : QObject(parent)
    , m_promoters(std::move(promoters))
    , m_history(history) {
}

TrainRunner::~TrainRunner() = default;

void TrainRunner::run(Train train, QList<TrainCar> cars, int concurrency, QObject* context,
                      Callback<TrainOutcome> done) {
    auto job = std::make_shared<Job>();
    job->train = std::move(train);
    job->cars = std::move(cars);
    job->outcomes.resize(job->cars.size());
    job->concurrency = std::max(1, concurrency);
    job->done = GuardedCallback<TrainOutcome>(context, std::move(done));
    if (!m_history) {
        job->done(Error::make(Outcome::Refused,
                              u"No history database is open, so no train can be recorded; "
                              u"nothing was moved."_s));
        return;
    }
    m_history->run<qint64>(
        this, [train = job->train](HistoryStore& store) { return store.beginTrain(train); },
        [this, job](Result<qint64> id) {
            if (!id) {
                job->done(Error::make(id.errorMessage() + u" Nothing was moved."_s));
                return;
            }
            job->train.id = id.value();
            for (TrainCar& car : job->cars)
                car.request.trainId = id.value();
            if (job->cars.isEmpty())
                return completeRecord(job);
            startNextCars(job);
        });
}

void TrainRunner::startNextCars(const JobPtr& job) {
    while (job->next < job->cars.size() && job->next - job->finished < job->concurrency) {
        const int index = job->next++;
        const TrainCar& car = job->cars[index];
        if (!car.heldBack.isEmpty()) {
            finishCar(job, index, outcomeOf(car, CarState::HeldBack, car.heldBack));
            continue;
        }
        moveCar(job, index);
    }
}

void TrainRunner::moveCar(const JobPtr& job, int index) {
    const TrainCar& car = job->cars[index];
    Promoter* promoter = m_promoters(car.request.registry);
    if (!promoter)
        return finishCar(job, index,
                         outcomeOf(car, CarState::Failed,
                                   u"No connection to %1 was set up."_s.arg(car.request.registry)));
    promoter->run(car.request, this, [this, job, index](Result<ReleaseOutcome> moved) {
        const TrainCar& car = job->cars[index];
        if (!moved) {
            const CarState state =
                moved.error().outcome == Outcome::Refused ? CarState::Refused : CarState::Failed;
            return finishCar(job, index, outcomeOf(car, state, moved.errorMessage()));
        }
        CarOutcome outcome = outcomeOf(car, CarState::Moved, moved.value().note);
        outcome.actionId = moved.value().actionId;
        outcome.fromDigest = moved.value().fromDigest;
        finishCar(job, index, outcome);
    });
}

void TrainRunner::finishCar(const JobPtr& job, int index, CarOutcome outcome) {
    job->outcomes[index] = outcome;
    ++job->finished;
    emit carFinished(index, outcome);
    if (job->finished == job->cars.size())
        return completeRecord(job);
    startNextCars(job);
}

void TrainRunner::completeRecord(const JobPtr& job) {
    m_history->run<QList<CarOutcome>>(
        this,
        [train = job->train, cars = job->cars,
         outcomes = job->outcomes](HistoryStore& store) -> Result<QList<CarOutcome>> {
            const Result<QList<Action>> recorded = store.actionsOfTrain(train.id);
            if (!recorded)
                return recorded.error();
            QList<CarOutcome> completed = outcomes;
            for (qsizetype i = 0; i < completed.size(); ++i) {
                CarOutcome& car = completed[i];
                const auto row =
                    std::find_if(recorded.value().cbegin(), recorded.value().cend(),
                                 [&car](const Action& action) { return sameService(action, car); });
                if (row != recorded.value().cend()) {
                    car.actionId = row->id;
                    continue;
                }
                const Result<qint64> id =
                    store.recordFinishedAction(unmovedCarAction(train, cars[i], car));
                if (!id)
                    return id.error();
                car.actionId = id.value();
            }
            return completed;
        },
        [job](Result<QList<CarOutcome>> completed) {
            TrainOutcome outcome;
            outcome.trainId = job->train.id;
            if (!completed) {
                // The moves stand; only the rows of unmoved cars are missing.
                outcome.cars = job->outcomes;
                for (CarOutcome& car : outcome.cars) {
                    if (car.actionId == 0)
                        car.message +=
                            u" (not recorded in the audit log: %1)"_s.arg(completed.errorMessage());
                }
            } else {
                outcome.cars = completed.value();
            }
            job->done(outcome);
        });
}

} // namespace berth
