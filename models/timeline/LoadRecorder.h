#pragma once

// What a finished read of the registry leaves in the history store: every tag position
// recorded, pending releases settled from it, and the repository's positions read back
// for the lanes, with the verdicts on its builds. Opens a store of its own, so the window runs it
// on a worker thread and a slow or shared database never stalls it.

#include "history/HistoryTypes.h"
#include "registry/BuildCollector.h"

#include <QStringList>

namespace berth {

struct RecordedLoad {
    QList<TagPosition> positions; // every position of the repository, after recording
    QList<Verdict> verdicts;      // every verdict on the repository's builds
    QStringList warnings;         // what could not be recorded, read or settled
    QStringList settled;          // pending releases settled by this read, described
};

// `historyLocation` as HistoryStore::open takes it; `registry` is the host the
// collection was read from.
RecordedLoad recordLoad(const QString& historyLocation, const QString& registry,
                        const BuildCollection& collection);

} // namespace berth
