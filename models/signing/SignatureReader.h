#pragma once

// Reads a build's cosign signatures from its registry and judges them (CosignSignature.h):
// the manifest under sha256-<hex>.sig, then each simple-signing payload blob, every
// payload fetched at once. Nothing but the registry is asked: verification is offline.

#include "core/Callback.h"
#include "signing/CosignSignature.h"

#include <QObject>

namespace berth {

class RegistryClient;

class SignatureReader : public QObject {
    Q_OBJECT
public:
    // `client` reads the registry `registryHost` (host[:port]) and must outlive the reads.
    SignatureReader(RegistryClient* client, QString registryHost, VerificationKeys keys,
                    QObject* parent = nullptr);

    // The verdict on `subjectDigest` in `repository` (the path inside the registry).
    // No signature manifest is "unsigned"; a registry that cannot answer is an error.
    void verify(const QString& repository, const QString& subjectDigest, QObject* context,
                Callback<SignatureVerdict> done);

    // The tag cosign keeps a digest's signatures under: sha256-<hex>.sig.
    static QString signatureTag(const QString& subjectDigest);

private:
    RegistryClient* m_client;
    QString m_registryHost;
    VerificationKeys m_keys;
};

} // namespace berth
