#pragma once

// Finds the registry credentials a user already gave docker (config.json or a credential
// helper), so Berth never asks for a password docker already knows.

#include "core/Result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace berth {

struct RegistryCredentials {
    QString username; // "<token>" when secret is an identity token, as helpers say it
    QString secret;   // password, or the identity token when isIdentityToken()

    // True when the helper answered Username "<token>" or the config had identitytoken:
    // the secret is then a refresh token for the token endpoint, not a Basic password.
    bool isIdentityToken() const;
    bool isEmpty() const;
};

// Reads credentials the way skopeo does: first the containers-auth.json files podman,
// buildah and skopeo write (see containersAuthFiles()), then $DOCKER_CONFIG/config.json
// or ~/.docker/config.json; the first file holding credentials for the host wins. In each:
// auths{} (base64 "user:pass" in "auth", or "username"/"password",
// "identitytoken"), credHelpers{host: x} overriding credsStore: x; helper = program
// docker-credential-x on PATH, run with argument "get", server URL on stdin, JSON
// {"ServerURL","Username","Secret"} on stdout; "not found" is a non-zero exit.
class DockerCredentials {
public:
    explicit DockerCredentials(QString configDir = {}); // empty: $DOCKER_CONFIG, else ~/.docker
    QString configDir() const;

    // Where podman login keeps credentials, in the order containers-auth.json(5) reads
    // them: $REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json; then
    // ${XDG_CONFIG_HOME:-~/.config}/containers/auth.json. Read from the environment.
    static QStringList containersAuthFiles();
    // Replaces the containers-auth.json files read before the docker config.
    void setContainersAuthFiles(QStringList files);
    // Every file lookup() reads, in order: containers-auth.json files, then config.json.
    QStringList searchedFiles() const;

    // registryDomain as in an image reference: "localhost:5000", "ghcr.io", "docker.io".
    // Docker Hub (docker.io / index.docker.io / registry-1.docker.io) uses the key
    // "https://index.docker.io/v1/"; other auths keys are normalised by dropping scheme and
    // path ("https://ghcr.io/v1/" matches "ghcr.io"). Returns Ok(nullopt) when nothing is
    // configured for that host or the helper says not found. Blocking (runs a helper process
    // with a 15 s timeout): callers run it off the GUI thread.
    Result<std::optional<RegistryCredentials>> lookup(const QString& registryDomain) const;

private:
    static Result<std::optional<RegistryCredentials>> lookupInFile(const QString& path,
                                                                   const QString& host,
                                                                   const QString& registryDomain,
                                                                   bool containersFile);

    QString m_configDir;
    QStringList m_containersAuthFiles;
};

// What lookup() reads from config.json for one registry: the credentials in auths, or the
// helper to ask instead (credentials then empty). Public so the fuzz targets reach the
// parsing without files or processes; configPath only names the file in messages.
struct DockerConfigEntry {
    std::optional<RegistryCredentials> credentials;
    QString helper;
};
// containersFile: the bytes are a containers-auth.json (podman, skopeo), whose keys may
// name a namespace rather than a whole registry.
Result<DockerConfigEntry> parseDockerConfig(const QByteArray& bytes, const QString& registryDomain,
                                            const QString& configPath, bool containersFile = false);
// A credential helper's stdout after a successful "get", as lookup() reads it.
Result<std::optional<RegistryCredentials>> parseHelperAnswer(const QByteArray& output,
                                                             const QString& program);

} // namespace berth
