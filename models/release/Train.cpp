#include "release/Train.h"

#include "policy/SemanticVersion.h"

#include <QJsonArray>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace berth {

QString carStateName(CarState state) {
    switch (state) {
    case CarState::Moved:
        return u"moved"_s;
    case CarState::Refused:
        return u"refused"_s;
    case CarState::Failed:
        return u"failed"_s;
    case CarState::HeldBack:
        return u"held back"_s;
    }
    return {};
}

int TrainOutcome::count(CarState state) const {
    return static_cast<int>(std::count_if(
        cars.cbegin(), cars.cend(), [state](const CarOutcome& car) { return car.state == state; }));
}

QString TrainOutcome::summary() const {
    QString text = u"%1 moved, %2 refused, %3 failed"_s.arg(count(CarState::Moved))
                       .arg(count(CarState::Refused))
                       .arg(count(CarState::Failed));
    if (const int heldBack = count(CarState::HeldBack); heldBack > 0)
        text += u", %1 held back"_s.arg(heldBack);
    return text;
}

QJsonObject TrainOutcome::toJson() const {
    QJsonArray list;
    for (const CarOutcome& car : cars)
        list.append(QJsonObject{{u"registry"_s, car.registry},
                                {u"repository"_s, car.repository},
                                {u"tag"_s, car.tag},
                                {u"state"_s, carStateName(car.state)},
                                {u"from"_s, car.fromDigest},
                                {u"to"_s, car.toDigest},
                                {u"message"_s, car.message},
                                {u"actionId"_s, car.actionId}});
    return QJsonObject{{u"trainId"_s, trainId}, {u"services"_s, list}};
}

QString trainSideLabel(const PlanSide& side) {
    if (side.digest.isEmpty())
        return u"(absent)"_s;
    std::optional<SemanticVersion> highest;
    QString label;
    for (const QString& tag : side.tags) {
        const std::optional<SemanticVersion> version = SemanticVersion::parse(tag);
        if (version && (!highest || *highest < *version)) {
            highest = version;
            label = tag;
        }
    }
    const QString digest = shortPlanDigest(side.digest);
    return label.isEmpty() ? digest : u"%1 (%2)"_s.arg(label, digest);
}

QList<TrainCar> rollbackCars(const TrainRecord& record, const QString& reason) {
    QList<TrainCar> cars;
    for (const Action& action : record.actions) {
        if (action.state != ActionState::Succeeded)
            continue;
        TrainCar car;
        car.request.kind = ActionKind::Rollback;
        car.request.registry = action.registry;
        car.request.repository = action.repository;
        car.request.tag = action.tag;
        car.request.source = action.fromDigest;
        car.request.expectedCurrent = action.toDigest;
        car.request.reason = reason;
        car.request.transport =
            transportFromName(action.transport).value_or(RetagTransport::Registry);
        car.plan.kind = ActionKind::Rollback;
        car.plan.registry = action.registry;
        car.plan.repository = action.repository;
        car.plan.tag = action.tag;
        car.plan.source = action.fromDigest;
        car.plan.from.digest = action.toDigest;
        car.plan.to.digest = action.fromDigest;
        if (action.fromDigest.isEmpty())
            car.heldBack = u"%1 did not exist before train #%2; a retag cannot put it back, "
                           u"so it is left where it is."_s.arg(action.tag)
                               .arg(record.train.id);
        cars.append(car);
    }
    return cars;
}

QString trainActionsSummary(const QList<Action>& actions) {
    int moved = 0, refused = 0, failed = 0, pending = 0;
    for (const Action& action : actions) {
        if (action.state == ActionState::Succeeded)
            ++moved;
        else if (action.state == ActionState::Pending)
            ++pending;
        else if (isRefusedAction(action))
            ++refused;
        else
            ++failed;
    }
    QString text = u"%1 moved, %2 refused, %3 failed"_s.arg(moved).arg(refused).arg(failed);
    if (pending > 0)
        text += u", %1 pending"_s.arg(pending);
    return text;
}

} // namespace berth
