#pragma once

// Blocking calls to a Docker-compatible engine over libcurl, for a worker thread only:
// EngineClient runs them off the GUI thread and relays results back. Every call first
// negotiates the API version once per session and then uses /v<version>/….

#include "core/Result.h"
#include "engine/EngineHost.h"
#include "engine/EngineTypes.h"
#include "registry/DockerCredentials.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QPair>
#include <QUrlQuery>

#include <atomic>
#include <memory>
#include <optional>

namespace berth {

class EngineStreamParser;

// What several connections to the same engine share: the host and the negotiated version.
struct EngineSession {
    EngineHost host;
    std::optional<Error> hostError; // DOCKER_HOST could not be parsed
    QMutex mutex;
    std::optional<EngineInfo> info; // guarded by mutex
};

// A session for the engine at `dockerHost`; a DOCKER_HOST that does not parse fails
// every call made through it.
std::shared_ptr<EngineSession> makeEngineSession(const QString& dockerHost);

class EngineConnection {
public:
    // The newest API version Berth was written against; older engines are spoken to in
    // their own version, down to kMinimumApiVersion.
    static constexpr const char* kMaximumApiVersion = "1.41";
    static constexpr const char* kMinimumApiVersion = "1.24";

    EngineConnection(std::shared_ptr<EngineSession> session,
                     std::shared_ptr<const std::atomic_bool> cancelled);

    using ProgressSink = std::function<void(const ProgressEvent&)>;

    // GET /_ping (API-Version, Libpod-API-Version), GET /version when the header is missing.
    Result<EngineInfo> negotiate();
    // POST /images/create?fromImage=<repository>&tag=<digest>
    Status pull(const QString& repository, const QString& digest,
                const std::optional<RegistryCredentials>& credentials,
                const ProgressSink& progress);
    // POST /images/<source>/tag?repo=<repository>&tag=<tag>
    Status tag(const QString& sourceImage, const QString& repository, const QString& tag);
    // POST /images/<repository>/push?tag=<tag>; the digest the engine reports.
    Result<PushResult> push(const QString& repository, const QString& tag,
                            const std::optional<RegistryCredentials>& credentials,
                            const ProgressSink& progress);

    // GET <path> (under the negotiated version) and its JSON body; `what` ("listing the
    // containers") names the call in errors. A body that is not JSON is an error.
    Result<QJsonDocument> getJson(const QString& path, const QUrlQuery& query, const QString& what);
    // POST <path> with `body` as JSON (no body when empty); the answer's JSON, an empty
    // document when the engine answered without a body. `alsoFine` lists non-2xx statuses
    // that mean "already so" (304 to a start or stop of a container already there).
    Result<QJsonDocument> postJson(const QString& path, const QUrlQuery& query,
                                   const QJsonObject& body, const QString& what,
                                   const QList<int>& alsoFine = {});
    // DELETE <path>.
    Status remove(const QString& path, const QUrlQuery& query, const QString& what);
    // X-Registry-Auth: padded base64url of {"username","password","serveraddress"} or
    // {"identitytoken","serveraddress"}, "{}" without credentials. Podman rejects the
    // unpadded form, Docker accepts both.
    static QByteArray registryAuthHeader(const std::optional<RegistryCredentials>& credentials,
                                         const QString& serverAddress);
    // A container or image id or name as one path segment: only what could break the path
    // is escaped. The ':' of "sha256:…" stays: Docker looks an encoded one up as a name.
    static QString pathSegment(const QString& idOrName);
    // -1, 0, 1 comparing "1.41"-style versions numerically.
    static int compareApiVersions(const QString& a, const QString& b);
    // One sentence from an error body ({"message": …}) or the bare status.
    static QString errorBodyMessage(const QByteArray& body, int httpStatus);

private:
    // Refuses credentials an engine must not carry (EngineHost::mayCarryCredentials).
    Status credentialsAllowed(const std::optional<RegistryCredentials>& credentials) const;

    struct Response {
        int status = 0;
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers; // names lowercased
        QByteArray header(const QByteArray& name) const;
    };
    struct Request {
        QByteArray method{};
        QString path{}; // without the version prefix
        QUrlQuery query{};
        bool versioned = true;
        QList<QByteArray> headers{};          // "Name: value"
        QByteArray body{};                    // POST only; sent as application/json
        QList<int> alsoFine{};                // non-2xx statuses performExpectingSuccess accepts
        EngineStreamParser* stream = nullptr; // a 2xx body goes here instead of body
        ProgressSink progress{};
        QString what{}; // "pulling x@sha256:…", for messages
    };

    Result<Response> perform(const Request& request, const QString& version);
    Result<QString> version();
    // perform() under the negotiated version, a non-2xx answer turned into an error that
    // names `request.what` and the engine's own message.
    Result<Response> performExpectingSuccess(const Request& request);
    Status streamOutcome(const Result<Response>& response, const EngineStreamParser& parser,
                         const QString& what) const;

    std::shared_ptr<EngineSession> m_session;
    std::shared_ptr<const std::atomic_bool> m_cancelled;
};

} // namespace berth
