#pragma once

// The repository as the history store last saw it, without asking the registry: each
// tag's newest recorded position, its builds from the manifest cache, and the lanes.
// The window paints this at once while the registry is read, so a start shows the
// timeline in a fraction of a second and an unreachable registry still leaves the
// last known state on screen.

#include "core/Result.h"
#include "timeline/LoadedRepository.h"

#include <optional>

namespace berth {

struct HistorySnapshot {
    // Empty when the store knows no tag of the repository.
    std::optional<LoadedRepository> repository;
    QString problem; // why the store could not be read, for a banner line
};

// Opens a store of its own on `historyLocation` (HistoryStore::open's syntax), so it
// may run on a worker thread. `repository` is host/path, e.g. "localhost:5000/acme/app".
HistorySnapshot readHistorySnapshot(const QString& historyLocation, const QString& repository);

struct VerdictsRead {
    QString repository; // host/path, as asked
    QList<Verdict> verdicts;
    QString problem; // why they could not be read
};

// Every verdict on the builds of `repository`, from a store of its own (worker thread).
VerdictsRead readVerdicts(const QString& historyLocation, const QString& repository);

} // namespace berth
