#include "engine/EngineClient.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace berth {

EngineClient::EngineClient(QString dockerHost)
    : m_dockerHost(std::move(dockerHost))
    // A bad DOCKER_HOST fails every call later, on the caller's thread, like any failure.
    , m_session(makeEngineSession(m_dockerHost))
    , m_pool(std::make_unique<QThreadPool>()) {
    // Pulls and pushes mostly wait on the engine; a few in parallel are plenty.
    m_pool->setMaxThreadCount(4);
}

EngineClient::~EngineClient() {
    for (const auto& weak : m_running) {
        if (const auto cancelled = weak.lock())
            cancelled->store(true);
    }
    m_pool->waitForDone();
}

EngineOperation EngineClient::launch(Work work) {
    std::erase_if(m_running, [](const auto& weak) { return weak.expired(); });
    auto cancelled = std::make_shared<std::atomic_bool>(false);
    m_running.push_back(cancelled);

    // Created in (and owned by) the calling thread; deleted by the final delivery.
    auto* relay = new QObject;
    m_pool->start([work = std::move(work), relay, session = m_session, cancelled] {
        EngineConnection connection(session, cancelled);
        work(connection, relay);
    });
    return EngineOperation(cancelled);
}

EngineOperation EngineClient::ping(QObject* context, Callback<EngineInfo> done) {
    return run<EngineInfo>(
        context, {}, std::move(done),
        [](EngineConnection& connection, const auto&) { return connection.negotiate(); });
}

EngineOperation EngineClient::pull(QString repository, QString digest,
                                   std::optional<RegistryCredentials> credentials, QObject* context,
                                   ProgressCallback progress, Callback<Unit> done) {
    return run<Unit>(
        context, std::move(progress), std::move(done),
        [repository = std::move(repository), digest = std::move(digest),
         credentials = std::move(credentials)](EngineConnection& connection, const auto& sink) {
            return connection.pull(repository, digest, credentials, sink);
        });
}

EngineOperation EngineClient::tag(QString sourceImage, QString repository, QString tag,
                                  QObject* context, Callback<Unit> done) {
    return run<Unit>(context, {}, std::move(done),
                     [sourceImage = std::move(sourceImage), repository = std::move(repository),
                      tag = std::move(tag)](EngineConnection& connection, const auto&) {
                         return connection.tag(sourceImage, repository, tag);
                     });
}

EngineOperation EngineClient::push(QString repository, QString tag,
                                   std::optional<RegistryCredentials> credentials, QObject* context,
                                   ProgressCallback progress, Callback<PushResult> done) {
    return run<PushResult>(
        context, std::move(progress), std::move(done),
        [repository = std::move(repository), tag = std::move(tag),
         credentials = std::move(credentials)](EngineConnection& connection, const auto& sink) {
            return connection.push(repository, tag, credentials, sink);
        });
}

} // namespace berth
