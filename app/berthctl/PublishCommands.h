#pragma once

// berthctl publish: the pipeline's one tagging step, by the policy in berth.toml.

#include "CtlSupport.h"

namespace berth::ctl {

// publish <repository> <built-ref> [--version X.Y.Z] [--git <clone>] [--dry-run] [--json]:
// applies the policy's tag set to the build CI pushed (its digest or SHA tag). Exit 3 when
// refused (the build is not HEAD's, an immutable tag names another build): nothing changed.
void runPublish(const Invocation& invocation, Finish finish);

} // namespace berth::ctl
