#pragma once

// Talks to a Docker-compatible engine (dockerd, podman's service) at DOCKER_HOST without
// blocking the caller: each call runs its libcurl transfers on a worker thread and
// delivers progress and the result as values on the caller's thread, guarded by a
// context object. Every call returns a handle that cancels it.

#include "core/Callback.h"
#include "engine/EngineConnection.h"
#include "engine/EngineOperation.h"
#include "engine/EngineTypes.h"

#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QThreadPool>

#include <memory>
#include <optional>
#include <vector>

namespace berth {

class EngineClient {
public:
    // "unix:///var/run/docker.sock" (EngineHost::fromEnvironment() by default) or tcp://.
    explicit EngineClient(QString dockerHost = EngineHost::fromEnvironment());
    // Cancels what still runs and waits for the workers; their callbacks may still arrive.
    ~EngineClient();

    EngineClient(const EngineClient&) = delete;
    EngineClient& operator=(const EngineClient&) = delete;

    QString dockerHost() const { return m_dockerHost; }

    EngineOperation ping(QObject* context, Callback<EngineInfo> done);
    // repository as in "127.0.0.1:5000/acme/api"; digest "sha256:…".
    EngineOperation pull(QString repository, QString digest,
                         std::optional<RegistryCredentials> credentials, QObject* context,
                         ProgressCallback progress, Callback<Unit> done);
    // sourceImage: any name the engine knows ("repo@sha256:…", "repo:tag", an image id).
    EngineOperation tag(QString sourceImage, QString repository, QString tag, QObject* context,
                        Callback<Unit> done);
    EngineOperation push(QString repository, QString tag,
                         std::optional<RegistryCredentials> credentials, QObject* context,
                         ProgressCallback progress, Callback<PushResult> done);

    // Runs a blocking job against an EngineConnection on a worker thread; its progress
    // and result come back on the calling thread. For composite operations (EngineRetag).
    template <typename T>
    using Job = std::function<Result<T>(EngineConnection&, const EngineConnection::ProgressSink&)>;
    template <typename T>
    EngineOperation run(QObject* context, ProgressCallback progress, Callback<T> done, Job<T> job);

private:
    // Queued invocations land on this object, which lives in the caller's thread until the
    // final result was delivered: the worker never touches the caller's context itself.
    using Work = std::function<void(EngineConnection&, QObject* relay)>;
    EngineOperation launch(Work work);

    QString m_dockerHost;
    std::shared_ptr<EngineSession> m_session;
    std::unique_ptr<QThreadPool> m_pool;
    std::vector<std::weak_ptr<std::atomic_bool>> m_running;
};

template <typename T>
EngineOperation EngineClient::run(QObject* context, ProgressCallback progress, Callback<T> done,
                                  Job<T> job) {
    struct Delivery {
        GuardedCallback<T> done;
        ProgressCallback progress;
        QPointer<QObject> context;
        bool hasContext = false;
    };
    auto delivery = std::make_shared<Delivery>(
        Delivery{GuardedCallback<T>(context, std::move(done)), std::move(progress),
                 QPointer<QObject>(context), context != nullptr});
    return launch([delivery, job = std::move(job)](EngineConnection& connection, QObject* relay) {
        const EngineConnection::ProgressSink sink = [delivery, relay](const ProgressEvent& event) {
            if (!delivery->progress)
                return;
            QMetaObject::invokeMethod(
                relay,
                [delivery, event] {
                    if (!delivery->hasContext || delivery->context)
                        delivery->progress(event);
                },
                Qt::QueuedConnection);
        };
        Result<T> result = job(connection, sink);
        QMetaObject::invokeMethod(
            relay,
            [delivery, relay, result = std::move(result)] {
                delivery->done(result);
                relay->deleteLater();
            },
            Qt::QueuedConnection);
    });
}

} // namespace berth
