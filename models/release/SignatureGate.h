#pragma once

// The promotion gate on signatures: berth.toml's [signatures] (or keys given by hand)
// names the environments only a verified build may enter. A promotion of a build whose
// signatures do not verify is refused, with the verdict as the reason. A rollback onto
// one is warned about and needs an acknowledgement (berthctl: --reason, kept in the
// audit): on-call must never be blocked from going back to what ran before.

#include "core/Callback.h"
#include "policy/TagPolicy.h"
#include "release/ReleasePlan.h"
#include "signing/CosignSignature.h"
#include "signing/SignatureTrust.h"

class QObject;

namespace berth {

class SignatureReader;

struct SignatureGate {
    SignatureTrust trust;
    QStringList environments; // the gated ones

    bool gates(const QString& environment) const { return environments.contains(environment); }
};

// The policy's gate, with its committed keys, authorities, log keys and identities, and
// `extra` (berthctl's --verify-key and keyless options, the window's settings). A
// committed file that is no usable key or certificate is refused, naming its path.
Result<SignatureGate> signatureGate(const TagPolicy& policy, const SignatureTrust& extra);

// Adds what `verdict` (on plan.to) means for a move into a gated environment to `plan`.
void applySignatureVerdict(ReleasePlan& plan, const SignatureVerdict& verdict);

// When `gate` covers plan.tag and the plan stands so far, verifies plan.to with `reader`
// and adds the finding; answers the plan either way. Signatures the registry cannot give
// are a refusal for a promotion and a warning for a rollback.
void gatePlan(const SignatureGate& gate, SignatureReader& reader, ReleasePlan plan,
              QObject* context, Callback<ReleasePlan> done);

} // namespace berth
