#pragma once

// A public key that signatures are checked with (cosign's key pair, a CI's key): read from
// PEM, named by its file and by the SHA-256 of its SubjectPublicKeyInfo so a verdict can
// say which key verified. ECDSA P-256 and P-384, RSA (2048 bits and up) and Ed25519, the
// kinds cosign signs with; the signature scheme follows the key: ECDSA and RSA PKCS#1 v1.5
// over SHA-256, Ed25519 over the message itself. OpenSSL does the mathematics.

#include "core/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <memory>

namespace berth {

class VerificationKey {
public:
    // The key in `pem` (a PUBLIC KEY block); `name` is how a person knows it (its file).
    static Result<VerificationKey> fromPem(const QByteArray& pem, const QString& name);
    static Result<VerificationKey> fromFile(const QString& path);

    const QString& name() const { return m_name; }
    // "sha256:" and the hex SHA-256 of the DER SubjectPublicKeyInfo.
    const QString& fingerprint() const { return m_fingerprint; }
    // "ECDSA P-256", "RSA 3072", "Ed25519".
    const QString& algorithm() const { return m_algorithm; }

    // Whether `signature` (raw bytes: DER for ECDSA) is this key's over `message`.
    bool verifies(const QByteArray& message, const QByteArray& signature) const;

private:
    struct Key;
    std::shared_ptr<const Key> m_key; // immutable once read, so copies share it
    QString m_name;
    QString m_fingerprint;
    QString m_algorithm;
};

using VerificationKeys = QList<VerificationKey>;

} // namespace berth
