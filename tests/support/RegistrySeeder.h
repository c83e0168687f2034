#pragma once

// Seeds a test registry with images through scripts/seed-registry, so tests know the
// exact digests they later expect the client to find.

#include <QJsonObject>
#include <QString>

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
};

} // namespace berth::test
