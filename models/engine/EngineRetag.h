#pragma once

// Retags a build through a Docker-compatible engine: pull repository@digest, tag it
// repository:tag, push, then compare what was pushed with the source. An engine may
// re-encode the manifest on push (Docker 20.10 rewrites OCI manifests, and any manifest
// not serialised the way it would itself): the tag then has another digest with the same
// config and layers. That is reported, not treated as a failure.

#include "engine/EngineClient.h"

namespace berth {

struct EngineRetagRequest {
    QString repository;   // "127.0.0.1:5000/acme/api"
    QString sourceDigest; // the build to point the tag at
    QString tag;          // the tag to move
    // Whether the source is a multi-arch index (the caller knows from the registry): a
    // classic engine keeps one platform of it, so the engine transport refuses it.
    bool sourceIsIndex = false;
    std::optional<RegistryCredentials> credentials; // for pull and push; none: anonymous
};

struct EngineRetagOutcome {
    QString pushedDigest;
    qint64 pushedSize = 0;
    bool reencoded = false; // pushedDigest differs from the source digest
    QString message;        // one sentence for the user, always set
};

class EngineRetag {
public:
    // Blocking; for a worker thread (EngineClient::run does that). A push whose answer
    // the engine never delivered (it went away, it stopped answering) fails with
    // Outcome::NoAnswer: the registry may have the tag moved all the same.
    static Result<EngineRetagOutcome> run(EngineConnection& connection,
                                          const EngineRetagRequest& request,
                                          const EngineConnection::ProgressSink& progress);
    static EngineOperation start(EngineClient& client, EngineRetagRequest request, QObject* context,
                                 ProgressCallback progress, Callback<EngineRetagOutcome> done);

    // Empty when the engine transport can carry this request, else why not.
    static QString refusal(const EngineRetagRequest& request);
};

} // namespace berth
