#pragma once

// berthctl verify: whether a build's cosign signatures verify, offline, with the keys given.

#include "CtlSupport.h"

namespace berth::ctl {

// verify <repository> <tag or digest> --verify-key <pem>... [--json]: the verdict
// (verified, signed-unverified, invalid, unsigned) and what each signature proved.
// Exit 0 when verified, 3 when not, 1 when the registry cannot answer.
void runVerify(const Invocation& invocation, Finish finish);

} // namespace berth::ctl
