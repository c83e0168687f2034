#pragma once

// berthctl db-password: puts a PostgreSQL password into the system keychain, where the
// history store looks when ~/.pgpass and PGPASSFILE have none that works.

#include "CtlSupport.h"

namespace berth::ctl {

void runDbPassword(const Invocation& invocation, Finish finish);

} // namespace berth::ctl
