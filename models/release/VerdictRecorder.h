#pragma once

// Marks a build good or bad for an environment: the one operation berthctl mark, the
// window's menus and "roll back and mark bad" all call, so each stores the same things
// in the same order.
//
// The order: the audit row first (pending), then the verdict, then the row settled as
// succeeded or failed. A verdict therefore never exists without the row that says who
// gave it, and a verdict that could not be stored leaves a failed row saying why.

#include "core/Result.h"
#include "history/HistoryTypes.h"
#include "release/ReleasePlan.h"

namespace berth {

class HistoryStore;

// Answers the audit row's id. `verdict.environment` must already be checked
// (checkEnvironmentName); the reason is kept on both the verdict and the row.
Result<qint64> recordVerdict(HistoryStore& store, const Verdict& verdict);

// The verdict "roll back and mark bad" records on the build a rollback leaves (the plan's
// from side), for the tag it moves.
Verdict badVerdictOnLeaving(const ReleasePlan& plan, const QString& reason);

} // namespace berth
