#pragma once

// berthctl train: many services promoted between two environments as one confirmed action,
// rolled back as one, and listed.

#include "CtlSupport.h"

namespace berth::ctl {

// train promote --from <env> --to <env> <repository>... [--yes] [--reason]: plans every
// service (where --to points, the build --from runs, warnings), shows the plan, asks, then
// moves every service guarded on where the plan saw it. One that moved meanwhile is refused
// and the others go on. Exit 0 when every service moved, 3 when some were refused or held
// back, 1 when some failed.
// train rollback <train-id> [--yes] [--reason]: puts every service the train moved back
// where it found it, each guarded on where the train left it; recorded as its own train.
// train list [--json]: the trains, newest first, with each service's outcome.
void runTrain(const Invocation& invocation, Finish finish);

} // namespace berth::ctl
