#pragma once

// Where each environment tag points now and where it pointed before, as the timeline
// shows it. Filled from the history store's tag positions plus the tags just read,
// so a repository without any history still shows where its environments are now.

#include "history/HistoryTypes.h"
#include "registry/BuildCollector.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

namespace berth {

// One stretch of time an environment tag spent on one digest.
struct LanePosition {
    QString digest;
    QDateTime firstSeen; // UTC; invalid when only the current read knows it
    QDateTime lastSeen;  // UTC
    bool operator==(const LanePosition&) const = default;
};

struct EnvironmentLane {
    QString tag;
    QString currentDigest;         // empty when the tag no longer exists
    QList<LanePosition> positions; // newest first; the first is the current one
    bool operator==(const EnvironmentLane&) const = default;

    // The position before the current one, or nullptr when there was none.
    const LanePosition* previous() const;
    // When the tag left the position at `age` (0 = current): the next newer position's
    // first sighting, which is when it moved; the position's own last sighting only
    // when that is unknown. Invalid for the current position.
    QDateTime movedAwayAt(qsizetype age) const;
};

// A build's place in one lane, as a timeline row shows it.
struct LaneMarker {
    QString tag;
    bool current = false; // the environment runs this build now
    int age = 0;          // 0 = current, 1 = the position before, ...
    QDateTime firstSeen;
    QDateTime lastSeen;
    QDateTime until; // when the lane moved away from this build; invalid while current
    // The verdict recorded on this build for this environment, if any.
    std::optional<VerdictKind> verdict;
    bool operator==(const LaneMarker&) const = default;
};

// Lanes for every environment tag of the collection or of the history, ordered as the
// classifier lists environments (dev, qa, staging, production, ...), then by name.
// `positions` may hold tags of any kind; only environment tags become lanes.
QList<EnvironmentLane> environmentLanes(const BuildCollection& collection,
                                        const QList<TagPosition>& positions,
                                        const TagClassifier& classifier = {});

} // namespace berth

Q_DECLARE_METATYPE(berth::LaneMarker)
Q_DECLARE_METATYPE(berth::EnvironmentLane)
