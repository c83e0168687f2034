#pragma once

// Seeds a test registry with images through scripts/seed-registry (and signs them with
// tests/support/cosign_signer.py), so tests know the exact digests they later expect the
// client to find.

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace berth::test {

class RegistryServer;

class RegistrySeeder {
public:
    // Pushes `spec` (the JSON format scripts/seed-registry documents) with the server's
    // credentials and CA. Returns the script's answer ({"images": [...]}) or an empty
    // object and a message in *error.
    static QJsonObject seed(const RegistryServer& server, const QJsonObject& spec,
                            QString* error = nullptr);

    static QString scriptPath();

    // Pushes cosign-format signatures, attestations and SBOMs (the JSON format
    // tests/support/cosign_signer.py documents) the same way; returns its answer.
    static QJsonObject sign(const RegistryServer& server, const QJsonObject& spec,
                            QString* error = nullptr);
    static QString signerPath();

    // `images` pushed into `repository`; false (and the reason as a warning) on failure.
    static bool seedRepository(const RegistryServer& server, const QString& repository,
                               const QJsonArray& images);

    // One image of a spec: an OCI linux/amd64 build created 2026-01-02T03:04:05Z, without
    // labels, tagged `tags`; `layerSeed` makes its layer (and so its digest) its own.
    static QJsonObject image(const QStringList& tags, const QString& layerSeed);

private:
    static QJsonObject runScript(const QString& script, const RegistryServer& server,
                                 const QJsonObject& spec, QString* error);
};

} // namespace berth::test
