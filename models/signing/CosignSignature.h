#pragma once

// Cosign's key-based signatures, checked offline. A build's signatures live in one OCI
// manifest under the tag sha256-<hex>.sig: one layer per signature, each layer a
// "simple signing" payload (JSON naming the signed manifest digest and repository) with the
// base64 signature over the payload's exact bytes in the layer annotation
// dev.cosignproject.cosign/signature.
//
// A signature verifies a build when its payload names the build's digest and this
// repository and a configured key verifies it. A key-based signature names no key, so a
// signature no configured key verifies is "signed but unverified", whether another key
// made it or its bytes were damaged: nothing in it tells the two apart. What the payload
// itself says wrong (another digest, another repository, no cosign payload at all, a
// signature that is not base64) makes it invalid.

#include "core/Result.h"
#include "signing/SignatureTrust.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace berth {

inline constexpr char kSimpleSigningMediaType[] =
    "application/vnd.dev.cosign.simplesigning.v1+json";

// One layer of a signature manifest, as its descriptor says.
struct SignatureLayer {
    QString digest; // the payload blob's
    QString mediaType;
    qint64 size = 0;
    QString signature;     // base64, from dev.cosignproject.cosign/signature
    QString certificate;   // PEM, from dev.sigstore.cosign/certificate (keyless); empty else
    QString chain;         // PEM, the authority's chain (dev.sigstore.cosign/chain)
    QString bundle;        // JSON, the transparency log's bundle (dev.sigstore.cosign/bundle)
    QString predicateType; // an attestation layer's "predicateType" annotation
};

// The layers of a signature manifest (sha256-<hex>.sig); refused when it is no manifest.
Result<QList<SignatureLayer>> parseSignatureManifest(const QByteArray& manifest);

enum class SignatureVerdictKind { Unsigned, SignedUnverified, Invalid, Verified };

// "unsigned", "signed-unverified", "invalid", "verified"
QString signatureVerdictName(SignatureVerdictKind kind);

// What one signature layer proved.
struct SignatureFinding {
    QString layerDigest;
    SignatureVerdictKind kind = SignatureVerdictKind::SignedUnverified;
    QString detail; // "verified by cosign.pub (sha256:12ab34cd…)", "signs sha256:…, not this build"
    QString keyFingerprint; // the key that verified it, when one did
};

// The verdict on a build: the best any of its signatures earned (one verified signature
// is enough; an invalid one beside it is listed, not fatal), with every finding.
struct SignatureVerdict {
    SignatureVerdictKind kind = SignatureVerdictKind::Unsigned;
    QString summary; // one line for a person
    QList<SignatureFinding> findings;
    // The digests of the signature manifests judged (the .sig tag's, then the referrers'),
    // space-separated; empty when none was read. The same manifests under the same trust
    // always earn the same verdict.
    QString evidence;
};

// Checks one signature layer whose payload blob is `payload` against the build
// `subjectDigest` of `repository` (host/path): with the keys, else (a layer with a
// certificate) as a keyless signature (KeylessSignature.h).
SignatureFinding checkSignature(const SignatureLayer& layer, const QByteArray& payload,
                                const QString& subjectDigest, const QString& repository,
                                const SignatureTrust& trust);

SignatureVerdict combineFindings(const QList<SignatureFinding>& findings);

// The payload cosign writes when it signs `digest` of `repository` (host/path) without
// annotations, byte for byte: a layer whose digest is this payload's needs no fetch.
QByteArray simpleSigningPayload(const QString& repository, const QString& digest);

// The repository a docker-reference names, without tag or digest
// ("registry:5000/acme/api:v1" -> "registry:5000/acme/api").
QString repositoryOfReference(const QString& reference);

} // namespace berth
