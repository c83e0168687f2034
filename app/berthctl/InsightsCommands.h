#pragma once

// berthctl insights: the four key delivery metrics of a repository or a project, from the
// history (and the linked clones, for lead time).

#include "CtlSupport.h"

namespace berth::ctl {

// insights <repository|project>... [--since D] [--until D] [--env production]
// [--failure-window days] [--json | --csv]. A project's catalog path counts the
// repositories the history has seen under it. Lead time walks --git for a single
// repository, else each repository's linked clone. Reads only the history.
void runInsights(const Invocation& invocation, Finish finish);

} // namespace berth::ctl
