#pragma once

// Runs redeploys and their settlement off the caller's thread: the worker opens its own
// history store, looks up the registry's credentials (a helper is a process), settles any
// redeploy a dead Berth left in the middle, then redeploys. Progress lines and the result
// come back on the caller's thread, to nobody once `context` is gone.

#include "release/RedeploySettlement.h"
#include "release/RollingRedeploy.h"

#include <QObject>

#include <atomic>
#include <functional>
#include <memory>

namespace berth {

struct RedeployRun {
    RedeploySettlement settlement; // of earlier, interrupted redeploys
    RedeployReport report;
};

class RedeployRunner {
public:
    // Setting the flag it answers stops before the next container; one already being
    // replaced is finished (or put back) first.
    static std::shared_ptr<std::atomic_bool> start(RedeployRequest request, QString dockerConfigDir,
                                                   QObject* context,
                                                   std::function<void(const QString&)> progress,
                                                   std::function<void(const RedeployRun&)> done);
    // Only the settlement, as a start of Berth does.
    static void settle(QString historyLocation, QObject* context,
                       std::function<void(const RedeploySettlement&)> done);
};

} // namespace berth
