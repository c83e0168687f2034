#pragma once

// Settles redeploys a Berth left in the middle (it was killed, the machine lost power): a
// redeploy row still pending in the redeploy log whose process is gone. Asked at the next
// start, it looks at the engine and puts the container back where it was, or finishes
// what had already succeeded:
// - the new container had proven itself (its "wait" step succeeded): the kept old one is
//   removed, the redeploy succeeded;
// - anything earlier: a new container in the way is removed, the old one gets its name
//   back and runs again, the redeploy failed, naming the step it stopped at.
// An engine that cannot be reached leaves it pending, with the commands that put the
// container back by hand. Blocking (engine calls): for a worker thread.

#include "history/HistoryTypes.h"

#include <QDateTime>
#include <QStringList>

namespace berth {

class HistoryStore;

// A pending step older than this is settled even when its process cannot be checked (it
// ran on another machine): longer than any health wait.
inline constexpr qint64 kRedeployGraceMs = 30 * 60 * 1000;

struct RedeploySettlement {
    QStringList settled;    // one sentence per container put right
    QStringList unsettled;  // one sentence per container still to put right, with how
    QStringList inProgress; // redeploys another live process is still doing
};

// Whether the step's process is known to be gone: it ran on this machine and no process
// has its id any more.
bool redeployProcessIsGone(const RedeployStep& step);

RedeploySettlement
settleInterruptedRedeploys(HistoryStore& store,
                           const QDateTime& now = QDateTime::currentDateTimeUtc(),
                           qint64 graceMs = kRedeployGraceMs);

} // namespace berth
