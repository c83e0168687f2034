#include "release/EngineTransport.h"

#include "engine/EngineClient.h"
#include "engine/EngineRetag.h"
#include "registry/DockerCredentials.h"

#include <QFutureWatcher>
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
        auto* watcher = new QFutureWatcher<Lookup>(context);
        QObject::connect(watcher, &QFutureWatcherBase::finished, context,
                         [client, retag, progress, watcher, context, done]() mutable {
                             watcher->deleteLater();
                             const Lookup credentials = watcher->result();
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
        const QString configDir = options.dockerConfigDir;
        const QString registry = request.registry;
        watcher->setFuture(QtConcurrent::run(
            [configDir, registry] { return DockerCredentials(configDir).lookup(registry); }));
    };
}

} // namespace berth
