#include "VerifyCommands.h"

#include "registry/BuildCollector.h"
#include "registry/RegistryClient.h"
#include "signing/SignatureReader.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>

#include <memory>

using namespace Qt::StringLiterals;

namespace berth::ctl {

namespace {

// What verify gathers about one build: three reads at once, printed when all are in.
struct Evidence {
    QString repository; // host/path
    QString digest;
    std::optional<Result<SignatureVerdict>> signatures;
    std::optional<Result<QList<AttestationFinding>>> attestations;
    std::optional<QString> revision; // the build's revision label; empty when unknown
    bool complete() const { return signatures && attestations && revision; }
};

QJsonObject attestationToJson(const AttestationFinding& finding, const QString& revision) {
    QJsonObject object{{u"layer"_s, finding.layerDigest},
                       {u"verdict"_s, signatureVerdictName(finding.kind)},
                       {u"detail"_s, finding.detail},
                       {u"key"_s, finding.keyFingerprint},
                       {u"predicateType"_s, finding.predicateType},
                       {u"subjects"_s, QJsonArray::fromStringList(finding.subjects)}};
    if (!finding.builderId.isEmpty() || !finding.sourceCommit.isEmpty()) {
        object.insert(u"builder"_s, finding.builderId);
        object.insert(u"sourceRepository"_s, finding.sourceRepository);
        object.insert(u"sourceCommit"_s, finding.sourceCommit);
    }
    if (const QString mismatch = provenanceMismatch(finding, revision); !mismatch.isEmpty())
        object.insert(u"mismatch"_s, mismatch);
    return object;
}

QJsonObject evidenceToJson(const Evidence& evidence) {
    const SignatureVerdict& verdict = evidence.signatures->value();
    QJsonArray signatures;
    for (const SignatureFinding& finding : verdict.findings)
        signatures.append(QJsonObject{{u"layer"_s, finding.layerDigest},
                                      {u"verdict"_s, signatureVerdictName(finding.kind)},
                                      {u"detail"_s, finding.detail},
                                      {u"key"_s, finding.keyFingerprint}});
    QJsonArray attestations;
    for (const AttestationFinding& finding : evidence.attestations->value())
        attestations.append(attestationToJson(finding, *evidence.revision));
    return {
        {u"repository"_s, evidence.repository}, {u"digest"_s, evidence.digest},
        {u"revision"_s, *evidence.revision},    {u"verdict"_s, signatureVerdictName(verdict.kind)},
        {u"summary"_s, verdict.summary},        {u"signatures"_s, signatures},
        {u"attestations"_s, attestations}};
}

void printEvidence(const Evidence& evidence) {
    const SignatureVerdict& verdict = evidence.signatures->value();
    printLine(u"build    %1"_s.arg(evidence.digest));
    printLine(u"verdict  %1"_s.arg(verdict.summary));
    for (const SignatureFinding& finding : verdict.findings)
        printLine(u"  signature %1  %2: %3"_s.arg(
            finding.layerDigest.left(19), signatureVerdictName(finding.kind), finding.detail));
    for (const AttestationFinding& finding : evidence.attestations->value()) {
        printLine(u"  attestation %1  %2  %3: %4"_s.arg(
            finding.layerDigest.left(19), finding.predicateType, signatureVerdictName(finding.kind),
            finding.detail));
        if (!finding.builderId.isEmpty())
            printLine(u"    built by %1 from %2 at %3"_s.arg(
                finding.builderId, finding.sourceRepository, finding.sourceCommit.left(12)));
        if (const QString mismatch = provenanceMismatch(finding, *evidence.revision);
            !mismatch.isEmpty())
            printLine(u"    ⚠ "_s + mismatch);
    }
}

void finishWhenComplete(const std::shared_ptr<Evidence>& evidence, const Invocation& invocation,
                        const Finish& finish) {
    if (!evidence->complete())
        return;
    for (const Error* error :
         {evidence->signatures->ok() ? nullptr : &evidence->signatures->error(),
          evidence->attestations->ok() ? nullptr : &evidence->attestations->error()}) {
        if (error) {
            printError(error->message);
            return finish(ExitFailure);
        }
    }
    if (invocation.json)
        printJson(evidenceToJson(*evidence));
    else
        printEvidence(*evidence);
    finish(evidence->signatures->value().kind == SignatureVerdictKind::Verified ? ExitOk
                                                                                : ExitRefused);
}

} // namespace

std::optional<SignatureTrust> signatureTrustOf(const Invocation& invocation) {
    SignatureTrust trust;
    const auto readKeys = [](const QStringList& paths, VerificationKeys& into) {
        for (const QString& path : paths) {
            Result<VerificationKey> key = VerificationKey::fromFile(path);
            if (!key) {
                printError(key.errorMessage());
                return false;
            }
            into.append(std::move(key).value());
        }
        return true;
    };
    if (!readKeys(invocation.verifyKeys, trust.keys) ||
        !readKeys(invocation.logKeys, trust.logKeys))
        return std::nullopt;
    for (const QString& path : invocation.certificateAuthorities) {
        Result<CertificateAuthorities> authorities = CertificateAuthorities::fromFile(path);
        if (!authorities) {
            printError(authorities.errorMessage());
            return std::nullopt;
        }
        trust.authorities.append(std::move(authorities).value());
    }
    const bool namesIdentity = !invocation.certificateIdentities.isEmpty() ||
                               !invocation.certificateIdentityPattern.isEmpty();
    if (namesIdentity != !invocation.certificateIssuer.isEmpty()) {
        printError(u"--certificate-oidc-issuer goes with --certificate-identity or "
                   u"--certificate-identity-regexp: a keyless identity needs both."_s);
        return std::nullopt;
    }
    QList<CertificateIdentity> identities;
    for (const QString& subject : invocation.certificateIdentities)
        identities.append(CertificateIdentity{invocation.certificateIssuer, subject, {}});
    if (!invocation.certificateIdentityPattern.isEmpty())
        identities.append(CertificateIdentity{
            invocation.certificateIssuer, {}, invocation.certificateIdentityPattern});
    for (const CertificateIdentity& identity : identities) {
        if (const Status valid = identity.check(); !valid) {
            printError(u"--certificate-identity-regexp: "_s + valid.errorMessage());
            return std::nullopt;
        }
    }
    trust.identities = identities;
    return trust;
}

void runVerify(const Invocation& invocation, Finish finish) {
    if (invocation.arguments.size() != 2) {
        printError(u"verify needs <repository> <tag or digest> [--verify-key <pem>]..."_s);
        return finish(ExitUsage);
    }
    const std::optional<ImageReference> repository =
        parseRepository(u"verify"_s, invocation.arguments[0]);
    if (!repository)
        return finish(ExitUsage);
    const std::optional<SignatureTrust> trust = signatureTrustOf(invocation);
    if (!trust)
        return finish(ExitUsage);
    RegistryClient* client = makeClient(repository->domain(), invocation);
    auto* reader = new SignatureReader(client, repository->domain(), *trust, qApp);
    auto* collector = new BuildCollector(client, nullptr, {}, qApp);
    const QString path = repository->path();
    const QString reference = invocation.arguments[1];
    auto evidence = std::make_shared<Evidence>();
    evidence->repository = repository->domain() + u'/' + path;
    client->headManifest(path, reference, qApp, [=](Result<ManifestHead> head) {
        if (!head) {
            printError(u"%1:%2: %3"_s.arg(evidence->repository, reference, head.errorMessage()));
            return finish(head.error().httpStatus == 404 ? ExitRefused : ExitFailure);
        }
        evidence->digest = head->digest;
        reader->verify(path, head->digest, qApp, [=](Result<SignatureVerdict> verdict) {
            evidence->signatures = std::move(verdict);
            finishWhenComplete(evidence, invocation, finish);
        });
        reader->attestations(path, head->digest, qApp,
                             [=](Result<QList<AttestationFinding>> findings) {
                                 evidence->attestations = std::move(findings);
                                 finishWhenComplete(evidence, invocation, finish);
                             });
        // The build's revision label, for a provenance naming another commit.
        collector->readDigests(
            path, {{head->digest, {reference}}}, qApp, [=](Result<BuildCollection> read) {
                evidence->revision =
                    read && !read->builds.isEmpty() ? read->builds.first().revision : QString();
                finishWhenComplete(evidence, invocation, finish);
            });
    });
}

} // namespace berth::ctl
