#pragma once

// berthctl commands that move tags: promote, rollback, mark.

#include "CtlSupport.h"

namespace berth::ctl {

void runPromote(const Invocation& invocation, Finish finish);
void runRollback(const Invocation& invocation, Finish finish);
void runMark(const Invocation& invocation, Finish finish);

} // namespace berth::ctl
