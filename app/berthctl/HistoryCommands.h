#pragma once

// berthctl commands on the history store: record, history, audit; and the
// collect-then-record step `builds` shares with `record`.

#include "CtlSupport.h"

#include "history/HistoryStore.h"
#include "history/SqlManifestCache.h"
#include "registry/BuildCollector.h"
#include "registry/ImageReference.h"

#include <QJsonObject>
#include <QJsonValue>

namespace berth {
class RegistryClient;
}

namespace berth::ctl {

// The store and the cache on it live exactly as long as one command's work.
struct HistorySession {
    HistoryStore store;
    std::unique_ptr<SqlManifestCache> cache;
};

enum class HistoryAccess {
    Read,  // a read-only or damaged database still serves (damage is warned about)
    Write, // the command exists to write: a database that takes no writes is refused
};

// Opens --db (or BERTH_DATABASE, or the default file); on failure prints why and sets
// *exitCode (3 for a database refused untouched, 1 otherwise).
std::shared_ptr<HistorySession> openHistory(const Invocation& invocation, int* exitCode,
                                            HistoryAccess access = HistoryAccess::Read);

// What the read of a repository came to: when tags could not be read, prints the counts
// and the first error, and answers 1; --allow-partial makes a partial read (some tags
// read) 0, never a read of nothing.
int readOutcome(const Invocation& invocation, const QString& repository,
                const BuildCollection& collection);

struct RecordedCollection {
    BuildCollection collection;
    RecordSummary summary;
    int reconciled = 0;  // pending actions settled on this run
    QStringList settled; // each of them, described for the user
    // The history it was recorded in, for reading more of it; valid while done runs.
    const HistoryStore* store = nullptr;
};

struct CollectOptions {
    // Only the tags this says can have moved are asked about (RefreshPlan.h); the others
    // keep the history's digest and are not recorded as seen. Unset: every tag is asked.
    std::optional<RefreshRule> refresh;
    // A history already open, shared by several reads (each open checks the whole file);
    // unset: --db is opened for this read.
    std::shared_ptr<HistorySession> history;
    // Only the builds this accepts are read (BuildCollector::setBuildFilter); unset: all.
    std::function<bool(const QList<ClassifiedTag>&)> buildFilter;
};

// Reads the repository through the history's manifest cache, records every tag's
// position and settles pending actions the registry now answers for. On failure it
// prints the reason and calls finish; on success it calls done. With Read access a
// history that takes no writes is only read (and the positions go unrecorded).
void collectAndRecord(const Invocation& invocation, const ImageReference& repository,
                      RegistryClient* client, HistoryAccess access, Finish finish,
                      std::function<void(const RecordedCollection&)> done,
                      CollectOptions options = {});

// How the history commands print times and audit rows; train list prints the same.
QString shortTime(const QDateTime& time);        // "2026-03-04 09:30:00" UTC, "-" when invalid
QJsonValue jsonTimeValue(const QDateTime& time); // ISO-8601 UTC, null when invalid
QJsonObject actionToJson(const Action& action);

void runRecord(const Invocation& invocation, Finish finish);
void runHistory(const Invocation& invocation, Finish finish);
void runAudit(const Invocation& invocation, Finish finish);

} // namespace berth::ctl
