#include "release/EngineTransport.h"

#include "core/WhenFinished.h"
#include "engine/EngineClient.h"
#include "engine/EngineRetag.h"
#include "registry/DockerCredentials.h"

#include <QtConcurrent>

using namespace Qt::StringLiterals;

namespace berth {

RetagFunction makeEngineRetag(EngineClient* client, RegistryOptions options,
                              ProgressCallback progress) {
    return [client, options, progress](const ReleaseRequest& request, const QString& digest,
                                       const QString& mediaType, QObject* context,
                                       Callback<QString> done) {
        EngineRetagRequest retag;
        retag.repository = request.registry + u'/' + request.repository;
        retag.sourceDigest = digest;
        retag.tag = request.tag;
        retag.sourceIsIndex = MediaTypes::isIndex(mediaType);

        // A credential helper is a process: never run it on the caller's thread.
        using Lookup = Result<std::optional<RegistryCredentials>>;
        const QString configDir = options.dockerConfigDir;
        const QString registry = request.registry;
        whenFinished(context, QtConcurrent::run([configDir, registry] {
                         return DockerCredentials(configDir).lookup(registry);
                     }),
                     [client, retag, progress, context, done](const Lookup& credentials) mutable {
                         if (!credentials)
                             return done(credentials.error());
                         retag.credentials = credentials.value();
                         EngineRetag::start(*client, retag, context, progress,
                                            [done](Result<EngineRetagOutcome> outcome) {
                                                if (!outcome)
                                                    return done(outcome.error());
                                                done(outcome->pushedDigest);
                                            });
                     });
    };
}

} // namespace berth
