#pragma once

// The identity a keyless signing certificate must have been issued to (see
// KeylessSignature.h). Apart from the rest of the signature trust so the tag policy that
// names identities needs no cryptography.

#include "core/Result.h"

#include <QString>
#include <QStringList>

namespace berth {

// Who a keyless certificate must name: the OIDC issuer exactly, and its subject (the
// certificate's email or URI subject alternative name) exactly or by a regular expression
// that must match all of it.
struct CertificateIdentity {
    QString issuer;
    QString subject;        // exact; empty when subjectPattern is used
    QString subjectPattern; // a regular expression over the whole subject

    // Whether a certificate from `issuer` with the alternative names `subjects` is this one.
    bool matches(const QString& certificateIssuer, const QStringList& subjects) const;
    // "release.yml@refs/heads/main from https://token.actions.githubusercontent.com"
    QString text() const;
    // The pattern, when one is given, must be a valid regular expression.
    Status check() const;
};

} // namespace berth
