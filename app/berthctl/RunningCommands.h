#pragma once

// berthctl running: which containers run which build of a repository, per environment, on
// the engines that run it, and where that differs from the environment's tag.

#include "CtlSupport.h"

namespace berth::ctl {

// running <repository> [--env <tag>] [--hosts env=host[,host]]... [--json]. Engines are
// read concurrently, each within EngineReader::kDefaultTimeoutMs; one that does not answer
// is named without hiding the others. Exit 0 when at least one engine answered, else 1.
void runRunning(const Invocation& invocation, Finish finish);

} // namespace berth::ctl
