#pragma once

// berthctl lint: a repository's registry and history checked against its tag policy.

#include "CtlSupport.h"

namespace berth::ctl {

// lint <repository> [--git <clone>]: reads (and records) every tag, reads the history,
// prints one line per finding and a summary. Exit 0 clean or warnings only, 3 when any
// finding is an error, 1 when the registry, the history or berth.toml cannot be read.
void runLint(const Invocation& invocation, Finish finish);

} // namespace berth::ctl
