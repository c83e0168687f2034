#pragma once

// berthctl verify: whether a build's cosign signatures verify, offline, with the keys given.

#include "CtlSupport.h"

#include "signing/VerificationKey.h"

#include <optional>

namespace berth::ctl {

// verify <repository> <tag or digest> --verify-key <pem>... [--json]: the verdict
// (verified, signed-unverified, invalid, unsigned) and what each signature proved.
// Exit 0 when verified, 3 when not, 1 when the registry cannot answer.
void runVerify(const Invocation& invocation, Finish finish);

// The keys --verify-key names; says which one is unusable and answers nothing otherwise.
std::optional<VerificationKeys> verifyKeysOf(const Invocation& invocation);

} // namespace berth::ctl
