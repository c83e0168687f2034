#pragma once

// In-toto attestations in cosign's layout, checked offline: a build's attestations live in
// one OCI manifest under sha256-<hex>.att, one layer per attestation, each layer a DSSE
// envelope (payloadType, base64 payload, signatures over the envelope's pre-authentication
// encoding) whose payload is an in-toto statement naming the build as its subject. What a
// release manager reads from it: the predicate type, and for SLSA provenance which builder
// made the build from which source at which commit.

#include "core/Result.h"
#include "signing/CosignSignature.h"

#include <QByteArray>
#include <QString>

namespace berth {

inline constexpr char kDsseEnvelopeMediaType[] = "application/vnd.dsse.envelope.v1+json";

// DSSE's pre-authentication encoding: what an envelope's signatures cover.
QByteArray dssePreAuthEncoding(const QByteArray& payloadType, const QByteArray& payload);

// What one attestation layer proved and says.
struct AttestationFinding {
    QString layerDigest;
    SignatureVerdictKind kind = SignatureVerdictKind::SignedUnverified;
    QString detail; // "verified by ci.pub (sha256:…)", or why not
    QString keyFingerprint;
    QString predicateType;    // "https://slsa.dev/provenance/v1"
    QStringList subjects;     // the statement's subject digests, "sha256:…"
    QString builderId;        // SLSA provenance: who built it
    QString sourceRepository; // SLSA provenance: the source it was built from
    QString sourceCommit;     // SLSA provenance: at which commit
};

// Checks the DSSE `envelope` of one attestation layer against the build `subjectDigest`
// and `keys`: the statement must name the build as a subject, and a key must verify one of
// the envelope's signatures.
AttestationFinding checkAttestation(const QString& layerDigest, const QByteArray& envelope,
                                    const QString& subjectDigest, const VerificationKeys& keys);

// "the provenance names commit 1a2b3c4, the build's revision label 9f8e7d6", or empty
// when they agree or either is unknown.
QString provenanceMismatch(const AttestationFinding& finding, const QString& buildRevision);

} // namespace berth
