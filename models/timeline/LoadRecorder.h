#pragma once

// What a finished read of the registry leaves in the history store: every tag position
// recorded, pending releases settled from it, and the repository's positions read back
// for the lanes, with the verdicts on its builds and its audit (what a rollback is planned
// from). The window runs it on its history thread, so a slow or shared database never
// stalls it.

#include "history/HistoryTypes.h"
#include "registry/BuildCollector.h"

#include <QStringList>

namespace berth {

class HistoryStore;

struct RecordedLoad {
    QList<TagPosition> positions; // every position of the repository, after recording
    QList<Verdict> verdicts;      // every verdict on the repository's builds
    QList<Action> actions;        // the repository's audit, newest first
    bool historyRead = false;     // positions, verdicts and audit were all read
    QStringList warnings;         // what could not be recorded, read or settled
    QStringList settled;          // pending releases settled by this read, described
};

// `registry` is the host the collection was read from.
RecordedLoad recordLoad(HistoryStore& store, const QString& registry,
                        const BuildCollection& collection);

} // namespace berth
