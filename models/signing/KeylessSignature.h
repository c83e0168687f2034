#pragma once

// Cosign's keyless signatures, checked offline. The signature layer carries, beside the
// signature over the simple-signing payload, a short-lived signing certificate
// (dev.sigstore.cosign/certificate), the authority's chain (dev.sigstore.cosign/chain) and
// the transparency log's bundle (dev.sigstore.cosign/bundle): the logged entry and the
// log's signed entry timestamp (SET) over it. A keyless signature verifies when
// - the signature verifies with the certificate's key;
// - the bundle's entry is this signature (payload hash, signature and certificate) and its
//   SET verifies with a configured log key;
// - the certificate chains to a configured authority, is for code signing, and was valid
//   when the log recorded the entry (its integrated time);
// - its OIDC issuer (Fulcio's extension 1.3.6.1.4.1.57264.1.8, else the older .1.1) and a
//   subject alternative name (email or URI) are a configured identity.
// Invalid: a signature its own certificate does not verify, an entry that is not this
// signature, a SET that the log it names does not verify, a certificate not valid when
// logged. Signed but unverified: no bundle, a log, authority or identity not configured.

#include "signing/CosignSignature.h"
#include "signing/SignatureTrust.h"

#include <QDateTime>

namespace berth {

// The layer's payload already named the build and repository; `signature` is its decoded
// signature annotation.
SignatureFinding checkKeylessSignature(const SignatureLayer& layer, const QByteArray& payload,
                                       const QByteArray& signature, const SignatureTrust& trust);

// What a signing certificate says of its holder, for a finding or a test.
struct CertificateHolder {
    QString issuer;       // the OIDC issuer
    QStringList subjects; // its email and URI subject alternative names
};
Result<CertificateHolder> certificateHolder(const QByteArray& certificatePem);

} // namespace berth
