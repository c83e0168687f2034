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

class HistoryStore;

struct HistorySnapshot {
    // Empty when the store knows no tag of the repository.
    std::optional<LoadedRepository> repository;
    QString problem; // why the store could not be read, for a banner line
};

// `repository` is host/path, e.g. "localhost:5000/acme/app". Runs where the store lives
// (the window's history thread).
HistorySnapshot readHistorySnapshot(HistoryStore& store, const QString& repository);

struct VerdictsRead {
    QString repository; // host/path, as asked
    QList<Verdict> verdicts;
    QString problem; // why they could not be read
};

// Every verdict on the builds of `repository`.
VerdictsRead readVerdicts(HistoryStore& store, const QString& repository);

} // namespace berth
