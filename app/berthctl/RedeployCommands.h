#pragma once

// berthctl redeploy: replace every running container of a repository on an environment's
// engines with the same container on the build the environment's tag names, one engine
// after another, stopping at the first failure (whose old container is put back). Also
// what promote and rollback do after the move with --redeploy.

#include "CtlSupport.h"

namespace berth::ctl {

// redeploy <repository> <env> [--hosts env=host[,host]]... [--stay-running s]
// [--health-timeout s] [--stop-timeout s] [--reason text] [--json]. Exit 0 when every
// container runs the build, 1 otherwise.
void runRedeploy(const Invocation& invocation, Finish finish);

// The same for `environment` of `repository`; promote and rollback call it after the
// move with --redeploy.
void redeployEnvironment(const Invocation& invocation, const ImageReference& repository,
                         const QString& environment, Finish finish);

// Settles redeploys an earlier, killed berthctl left in the middle (RedeploySettlement),
// prints what it did, then calls `then`.
void settleRedeploysThen(const Invocation& invocation, std::function<void()> then);

} // namespace berth::ctl
