#pragma once

// berthctl board: several repositories side by side, one column per environment in
// promotion order, each cell the build it runs, since when, its verdict and how it stands
// against the environment before it.

#include "CtlSupport.h"

namespace berth::ctl {

// board <repository or registry/path/ or project…> [--git <clone>] [--json]: reads (and
// records) each repository, one client per registry; an argument ending in / stands for
// every repository the registry's catalog lists under that path, and the name of a project
// the window keeps for its repositories. The columns follow the clone's
// berth.toml when it orders its environments, else dev, staging, production, then any other
// environment seen. A repository that cannot be read is said and shown empty; the exit is then 1.
void runBoard(const Invocation& invocation, Finish finish);

} // namespace berth::ctl
