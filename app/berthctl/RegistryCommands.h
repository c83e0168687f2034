#pragma once

// berthctl commands that read a registry: repos, tags, builds.

#include "CtlSupport.h"

namespace berth::ctl {

void runRepos(const Invocation& invocation, Finish finish);
void runTags(const Invocation& invocation, Finish finish);
void runBuilds(const Invocation& invocation, Finish finish);

} // namespace berth::ctl
