#pragma once

// One repository as the window shows it: its builds, grouped by digest, and the
// environment lanes with their past positions.

#include "history/HistoryTypes.h"
#include "registry/BuildCollector.h"
#include "timeline/EnvironmentLane.h"

#include <QDateTime>
#include <QMetaType>

namespace berth {

struct LoadedRepository {
    QString repository; // host/path
    BuildCollection collection;
    QList<EnvironmentLane> lanes;
    // Set when this is what the history store last saw rather than a read of the
    // registry just now: the newest time any of its tags was seen (UTC).
    QDateTime fromHistorySeenAt;
    // Builds judged good or bad per environment (one per build and environment).
    QList<Verdict> verdicts;
    // What the history knew when this was read, for planning a release without asking the
    // database again: every recorded position (by tag, newest first within a tag) and the
    // repository's audit, newest first. Empty without history.
    QList<TagPosition> positions;
    QList<Action> actions;

    bool isFromHistory() const { return fromHistorySeenAt.isValid(); }
};

} // namespace berth

Q_DECLARE_METATYPE(berth::LoadedRepository)
