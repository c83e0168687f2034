#pragma once

// berthctl commands about the tag strategy a service declares in berth.toml.

#include "CtlSupport.h"

namespace berth::ctl {

// policy [--git <clone>]: the policy in force for the clone (default: the current
// directory) and where it came from; a malformed berth.toml exits 1 naming line and column.
void runPolicy(const Invocation& invocation, Finish finish);

} // namespace berth::ctl
