#pragma once

// berthctl board: several repositories side by side, one column per environment in
// promotion order, each cell the build it runs, since when, its verdict and how it stands
// against the environment before it.

#include "CtlSupport.h"

namespace berth::ctl {

// board <repository…> [--git <clone>] [--json]: reads (and records) each repository in
// turn, one client per registry. The columns follow the clone's berth.toml when it orders
// its environments, else dev, staging, production, then any other environment seen. A
// repository that cannot be read is said and shown empty; the exit is then 1.
void runBoard(const Invocation& invocation, Finish finish);

} // namespace berth::ctl
