#include "timeline/EnvironmentLane.h"

#include <algorithm>

namespace berth {

const LanePosition* EnvironmentLane::previous() const {
    return positions.size() > 1 ? &positions.at(1) : nullptr;
}

QDateTime EnvironmentLane::movedAwayAt(qsizetype age) const {
    if (age <= 0 || age >= positions.size())
        return {};
    // The last sighting is only when someone last looked; the move happened when the
    // newer position was first seen.
    const QDateTime next = positions.at(age - 1).firstSeen;
    return next.isValid() ? next : positions.at(age).lastSeen;
}

QList<EnvironmentLane> environmentLanes(const BuildCollection& collection,
                                        const QList<TagPosition>& positions,
                                        const TagClassifier& classifier) {
    QMap<QString, EnvironmentLane> byTag;
    for (auto it = collection.tagDigests.cbegin(); it != collection.tagDigests.cend(); ++it) {
        if (classifier.classify(it.key()) != TagKind::Environment)
            continue;
        EnvironmentLane& lane = byTag[it.key()];
        lane.tag = it.key();
        lane.currentDigest = it.value();
    }
    for (const TagPosition& position : positions) {
        if (classifier.classify(position.tag) != TagKind::Environment)
            continue;
        EnvironmentLane& lane = byTag[position.tag];
        lane.tag = position.tag;
        lane.positions.append({position.digest, position.firstSeen, position.lastSeen});
    }
    QList<EnvironmentLane> lanes;
    for (EnvironmentLane& lane : byTag) {
        std::stable_sort(
            lane.positions.begin(), lane.positions.end(),
            [](const LanePosition& a, const LanePosition& b) { return a.lastSeen > b.lastSeen; });
        // The registry was just read: what it says now beats a stale history row.
        if (!lane.currentDigest.isEmpty() &&
            (lane.positions.isEmpty() || lane.positions.first().digest != lane.currentDigest))
            lane.positions.prepend({lane.currentDigest, {}, {}});
        lanes.append(std::move(lane));
    }
    const QStringList order = classifier.environmentNames();
    std::stable_sort(lanes.begin(), lanes.end(),
                     [&order](const EnvironmentLane& a, const EnvironmentLane& b) {
                         const auto rank = [&order](const QString& tag) {
                             const qsizetype index = order.indexOf(tag);
                             return index < 0 ? order.size() : index;
                         };
                         const qsizetype rankA = rank(a.tag);
                         const qsizetype rankB = rank(b.tag);
                         return rankA != rankB ? rankA < rankB : a.tag < b.tag;
                     });
    return lanes;
}

} // namespace berth
