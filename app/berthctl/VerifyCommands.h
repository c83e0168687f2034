#pragma once

// berthctl verify: whether a build's cosign signatures verify, offline, with the keys given.

#include "CtlSupport.h"

#include "signing/SignatureTrust.h"

#include <optional>

namespace berth::ctl {

// verify <repository> <tag or digest> --verify-key <pem>... [--json]: the verdict
// (verified, signed-unverified, invalid, unsigned) and what each signature proved.
// Exit 0 when verified, 3 when not, 1 when the registry cannot answer.
void runVerify(const Invocation& invocation, Finish finish);

// What the options trust: the keys --verify-key names, and for keyless signatures the
// --certificate-authority bundles, --log-key keys and the identity of
// --certificate-oidc-issuer with --certificate-identity or --certificate-identity-regexp.
// Says which one is unusable and answers nothing otherwise.
std::optional<SignatureTrust> signatureTrustOf(const Invocation& invocation);

} // namespace berth::ctl
