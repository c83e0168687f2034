#pragma once

// berthctl labels: the --label arguments a pipeline bakes into every image it builds.

#include "CtlSupport.h"

namespace berth::ctl {

// labels [--git <clone>] [--format args|json|env] [--require-clean]: the build labels for
// the clone's HEAD (default: the current directory). Uncommitted changes to tracked files
// are named on stderr; with --require-clean they refuse (exit 3).
void runLabels(const Invocation& invocation, Finish finish);

} // namespace berth::ctl
