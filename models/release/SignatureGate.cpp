#include "release/SignatureGate.h"

#include "signing/SignatureReader.h"

#include <memory>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

void addFinding(ReleasePlan& plan, QString problem) {
    if (problem.endsWith(u'.'))
        problem.chop(1); // it ends a sentence of its own below
    if (plan.kind == ActionKind::Rollback) {
        plan.warnings.append(PlanNote{
            kSignatureNote,
            u"%1 only takes verified builds, and this one is not (%2); going back is allowed "
            u"with a reason."_s.arg(plan.tag, problem),
            true});
        return;
    }
    plan.refusals.append(PlanNote{
        kSignatureNote,
        u"%1 only takes verified builds, and this one is not: %2."_s.arg(plan.tag, problem),
        false});
}

} // namespace

Result<SignatureGate> signatureGate(const TagPolicy& policy, const SignatureTrust& extra) {
    SignatureGate gate;
    gate.environments = policy.signaturesRequired;
    const auto refused = [](const QString& setting, const Error& error) {
        return error.withMessage(u"berth.toml signatures.%1: %2"_s.arg(setting, error.message));
    };
    for (const TagPolicy::KeyFile& file : policy.signatureKeys) {
        Result<VerificationKey> key = VerificationKey::fromPem(file.pem, file.path);
        if (!key)
            return refused(u"keys"_s, key.error());
        gate.trust.keys.append(std::move(key).value());
    }
    for (const TagPolicy::KeyFile& file : policy.signatureAuthorities) {
        Result<CertificateAuthorities> authorities =
            CertificateAuthorities::fromPem(file.pem, file.path);
        if (!authorities)
            return refused(u"authorities"_s, authorities.error());
        gate.trust.authorities.append(std::move(authorities).value());
    }
    for (const TagPolicy::KeyFile& file : policy.signatureLogKeys) {
        Result<VerificationKey> key = VerificationKey::fromPem(file.pem, file.path);
        if (!key)
            return refused(u"log_keys"_s, key.error());
        gate.trust.logKeys.append(std::move(key).value());
    }
    gate.trust.identities = policy.signatureIdentities;
    gate.trust.keys += extra.keys;
    gate.trust.authorities += extra.authorities;
    gate.trust.logKeys += extra.logKeys;
    gate.trust.identities += extra.identities;
    return gate;
}

void applySignatureVerdict(ReleasePlan& plan, const SignatureVerdict& verdict) {
    if (verdict.kind == SignatureVerdictKind::Verified) {
        plan.warnings.append(PlanNote{kSignatureNote, u"signature "_s + verdict.summary, false});
        return;
    }
    addFinding(plan, verdict.summary);
}

void gatePlan(const SignatureGate& gate, SignatureReader& reader, ReleasePlan plan,
              QObject* context, Callback<ReleasePlan> done) {
    if (!gate.gates(plan.tag) || plan.refused() || plan.to.digest.isEmpty())
        return done(std::move(plan));
    auto deliver = std::make_shared<GuardedCallback<ReleasePlan>>(context, std::move(done));
    // Copied before the plan moves into the callback.
    const QString repository = plan.repository;
    const QString digest = plan.to.digest;
    reader.verify(repository, digest, context,
                  [plan = std::move(plan), deliver](Result<SignatureVerdict> verdict) mutable {
                      if (verdict)
                          applySignatureVerdict(plan, verdict.value());
                      else
                          addFinding(plan,
                                     u"its signatures cannot be read: "_s + verdict.errorMessage());
                      (*deliver)(std::move(plan));
                  });
}

} // namespace berth
