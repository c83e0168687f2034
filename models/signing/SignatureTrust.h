#pragma once

// What Berth trusts a signature by, all of it configured, nothing fetched:
// - public keys, for key-based cosign signatures and DSSE attestations;
// - for keyless signatures (a short-lived certificate from a Fulcio-like authority, logged
//   in a Rekor-like transparency log): the certificate authorities the signing certificate
//   must chain to, the log keys its bundle's signed entry timestamp must verify with, and
//   the identities (OIDC issuer and subject) it must have been issued to.

#include "core/Result.h"
#include "signing/CertificateIdentity.h"
#include "signing/VerificationKey.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace berth {

// One or more root certificates (PEM "CERTIFICATE" blocks), named by their file.
class CertificateAuthorities {
public:
    static Result<CertificateAuthorities> fromPem(const QByteArray& pem, const QString& name);
    static Result<CertificateAuthorities> fromFile(const QString& path);

    const QString& name() const { return m_name; }
    // The certificates, DER-encoded, in the file's order.
    const QList<QByteArray>& certificates() const { return m_certificates; }

private:
    QString m_name;
    QList<QByteArray> m_certificates;
};

struct SignatureTrust {
    VerificationKeys keys;
    QList<CertificateAuthorities> authorities;
    VerificationKeys logKeys;
    QList<CertificateIdentity> identities;

    // Whether a keyless signature can be verified at all: an authority, a log key and an
    // identity are all configured.
    bool verifiesKeyless() const {
        return !authorities.isEmpty() && !logKeys.isEmpty() && !identities.isEmpty();
    }
    bool isEmpty() const { return keys.isEmpty() && !verifiesKeyless(); }
    // Names everything trusted, in any order: two trusts with the same fingerprint judge
    // every signature alike ("sha256:<hex>").
    QString fingerprint() const;
};

} // namespace berth
