#pragma once

// A release train: several services moved between two environments as one confirmed
// action, and the way back. Each service ("car") carries the same guarded request a single
// promote makes, and the train's record names every car, moved or not.

#include "history/HistoryTypes.h"
#include "release/ReleasePlan.h"
#include "release/ReleaseTypes.h"

#include <QJsonObject>
#include <QList>

namespace berth {

// One service of a train: the move and the plan the person confirmed it from.
struct TrainCar {
    ReleaseRequest request; // source: the build's digest; expectedCurrent: where the plan saw
                            // the tag
    ReleasePlan plan;
    // Why this car does not run although it was asked for (its plan refused it, or there is
    // nothing to ship); empty: it runs.
    QString heldBack;
};

enum class CarState { Moved, Refused, Failed, HeldBack };
QString carStateName(CarState state); // "moved", "refused", "failed", "held back"

struct CarOutcome {
    QString registry;
    QString repository;
    QString tag;
    CarState state = CarState::Failed;
    QString fromDigest; // where the tag pointed before the train
    QString toDigest;   // the build it was asked to point at
    QString message;    // why it did not move
    qint64 actionId = 0;
};

struct TrainOutcome {
    qint64 trainId = 0;
    QList<CarOutcome> cars; // in the order they were asked for

    int count(CarState state) const;
    // "3 moved, 1 refused, 0 failed"
    QString summary() const;
    QJsonObject toJson() const;
};

// The train's record as berthctl train list shows it: the train, then its cars.
struct TrainRecord {
    Train train;
    QList<Action> actions; // one per car, in the order they began
};

// A side of a car's move in a few characters: its highest exact version tag, else its short
// digest; "(absent)" when the tag does not exist.
QString trainSideLabel(const PlanSide& side);

// The requests that put every service a train moved back where the train found it. Only
// moves that succeeded are undone; each is guarded on the digest the train left, so a
// service moved since is refused instead of overwritten. A service the train created
// (its tag did not exist before) cannot be put back by a retag and is held back with why.
QList<TrainCar> rollbackCars(const TrainRecord& record, const QString& reason);

// How a train's cars stand, for the list: "4 moved, 1 refused".
QString trainActionsSummary(const QList<Action>& actions);

} // namespace berth
