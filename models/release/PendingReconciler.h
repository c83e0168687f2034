#pragma once

// Settles audit actions left pending (a process died mid-retag, or the registry's or
// engine's answer never came) from the tag positions a read of the registry just found.
// Shared by the window, which settles on every load, and by `berthctl record`.
//
// Rules, per pending action of the repository read:
// - the tag is on the target digest: succeeded;
// - an engine retag, and the tag is on another manifest with the target's config: the
//   engine re-encoded it, succeeded, with a note saying so;
// - anything else, once the action is older than the grace period: failed, naming
//   where the tag was found. Younger ones are left alone, as their process may still
//   be at work.

#include "registry/BuildCollector.h"

#include <QDateTime>
#include <QStringList>

namespace berth {

class HistoryStore;

struct SettledAction {
    qint64 id = 0;
    QString tag;
    bool succeeded = false;
    QString note; // the failure or the re-encoding, as recorded
};

struct ReconcileResult {
    QList<SettledAction> settled;
    QStringList problems; // the store could not be read or written
};

// How long a pending action may be in progress before it counts as abandoned: longer
// than any push through an engine takes.
inline constexpr qint64 kPendingGraceMs = 10 * 60 * 1000;

ReconcileResult reconcilePendingActions(HistoryStore& store, const QString& registry,
                                        const BuildCollection& collection,
                                        const QDateTime& now = QDateTime::currentDateTimeUtc(),
                                        qint64 graceMs = kPendingGraceMs);

// "Audit row #12 (production → sha256:ab12…) was settled: succeeded."
QString describe(const SettledAction& settled);

} // namespace berth
