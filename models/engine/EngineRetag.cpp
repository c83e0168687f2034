#include "engine/EngineRetag.h"

#include "registry/ImageReference.h"
#include "registry/RegistryTransport.h"

using namespace Qt::StringLiterals;

namespace berth {

namespace {

// Only the push writes to the registry: a pull or tag that lost its answer left the
// tag where it was, so it is a plain failure, not an unknown outcome.
Error beforePush(Error error) {
    if (error.outcome == Outcome::NoAnswer)
        error.outcome = Outcome::Failed;
    return error;
}

} // namespace

QString EngineRetag::refusal(const EngineRetagRequest& request) {
    if (request.sourceIsIndex)
        return u"%1@%2 is a multi-arch index, and an engine keeps only one platform of it: "
               "retag it through the registry transport, which keeps every platform."_s.arg(
                   request.repository, request.sourceDigest);
    if (!isValidDigest(request.sourceDigest))
        return u"\"%1\" is not a digest: the engine transport retags a build by digest."_s.arg(
            request.sourceDigest);
    if (const QString tagError = tagValidationError(request.tag); !tagError.isEmpty())
        return tagError;
    return {};
}

Result<EngineRetagOutcome> EngineRetag::run(EngineConnection& connection,
                                            const EngineRetagRequest& request,
                                            const EngineConnection::ProgressSink& progress) {
    if (const QString why = refusal(request); !why.isEmpty())
        return Error::make(why);

    if (auto pulled = connection.pull(request.repository, request.sourceDigest, request.credentials,
                                      progress);
        !pulled)
        return beforePush(pulled.error());

    const QString source = request.repository + u'@' + request.sourceDigest;
    if (progress)
        progress(ProgressEvent{u"tag"_s, {}, u"Tagging %1 as %2"_s.arg(source, request.tag), 0, 0});
    if (auto tagged = connection.tag(source, request.repository, request.tag); !tagged)
        return beforePush(tagged.error());

    auto pushed = connection.push(request.repository, request.tag, request.credentials, progress);
    if (!pushed)
        return pushed.error();

    EngineRetagOutcome outcome;
    outcome.pushedDigest = pushed->digest;
    outcome.pushedSize = pushed->size;
    outcome.reencoded = pushed->digest != request.sourceDigest;
    outcome.message =
        outcome.reencoded
            ? u"The engine re-encoded the manifest: %1 now has digest %2 (same config)."_s.arg(
                  request.tag, pushed->digest)
            : u"%1 now points at %2."_s.arg(request.tag, pushed->digest);
    return outcome;
}

EngineOperation EngineRetag::start(EngineClient& client, EngineRetagRequest request,
                                   QObject* context, ProgressCallback progress,
                                   Callback<EngineRetagOutcome> done) {
    return client.run<EngineRetagOutcome>(
        context, std::move(progress), std::move(done),
        [request = std::move(request)](EngineConnection& connection, const auto& sink) {
            return run(connection, request, sink);
        });
}

} // namespace berth
