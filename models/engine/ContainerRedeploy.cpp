#include "engine/ContainerRedeploy.h"

#include "engine/ContainerBlueprint.h"
#include "history/HistoryTypes.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QThread>

#include <csignal>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

constexpr int kPollMs = 250;

// For crash tests only: BERTH_TEST_CRASH_AFTER_STEP=stop makes the process kill itself
// (SIGKILL, nothing cleaned up) right after that step is recorded finished, as a power
// cut or an OOM kill would at that moment.
void crashIfAskedAfter(const QString& step) {
    static const QString crashAfter = qEnvironmentVariable("BERTH_TEST_CRASH_AFTER_STEP");
    if (!crashAfter.isEmpty() && crashAfter == step)
        std::raise(SIGKILL);
}

QString containerPath(const QString& idOrName, const QString& action = {}) {
    QString path = u"/containers/"_s + EngineConnection::pathSegment(idOrName);
    if (!action.isEmpty())
        path += u'/' + action;
    return path;
}

} // namespace

QString ContainerRedeploy::keptName(const QString& name) {
    return name + u"-berth-old"_s;
}

ContainerRedeploy::ContainerRedeploy(EngineConnection& connection, RedeployJournal& journal,
                                     RedeploySettings settings,
                                     std::function<void(const QString&)> progress)
    : m_connection(connection)
    , m_journal(journal)
    , m_settings(settings)
    , m_progress(std::move(progress)) {
}

Status ContainerRedeploy::step(const QString& container, const QString& name,
                               const std::function<Status()>& body) {
    const Result<qint64> record = m_journal.begin(container, name);
    if (!record)
        return record.error().withMessage(
            u"Berth did not %1 %2: the step could not be recorded (%3)"_s.arg(
                name, container, record.errorMessage()));
    if (m_progress)
        m_progress(u"%1: %2"_s.arg(container, name));
    const Status done = body();
    m_journal.finish(record.value(), done.ok(), done ? u"done"_s : done.errorMessage());
    crashIfAskedAfter(name);
    return done;
}

Result<QJsonObject> ContainerRedeploy::inspect(const QString& idOrName, const QString& what) {
    const Result<QJsonDocument> answer =
        m_connection.getJson(containerPath(idOrName, u"json"_s), {}, what);
    if (!answer)
        return answer.error();
    return answer->object();
}

Result<std::optional<QJsonObject>> ContainerRedeploy::inspectIfPresent(const QString& name) {
    const Result<QJsonObject> found = inspect(name, u"looking for container %1"_s.arg(name));
    if (found)
        return std::optional<QJsonObject>(found.value());
    if (found.error().httpStatus == 404)
        return std::optional<QJsonObject>();
    return found.error();
}

Status ContainerRedeploy::stop(const QString& id, const QString& name) {
    QUrlQuery query;
    query.addQueryItem(u"t"_s, QString::number(m_settings.stopTimeoutSeconds));
    // 304: it was not running.
    const auto stopped = m_connection.postJson(containerPath(id, u"stop"_s), query, {},
                                               u"stopping container %1"_s.arg(name), {304});
    return stopped ? success() : Status(stopped.error());
}

Status ContainerRedeploy::start(const QString& id, const QString& name) {
    const auto started = m_connection.postJson(containerPath(id, u"start"_s), {}, {},
                                               u"starting container %1"_s.arg(name), {304});
    return started ? success() : Status(started.error());
}

Status ContainerRedeploy::rename(const QString& id, const QString& newName) {
    QUrlQuery query;
    query.addQueryItem(u"name"_s, newName);
    const auto renamed = m_connection.postJson(containerPath(id, u"rename"_s), query, {},
                                               u"renaming container to %1"_s.arg(newName));
    return renamed ? success() : Status(renamed.error());
}

Status ContainerRedeploy::forceRemove(const QString& id, const QString& name) {
    QUrlQuery query;
    query.addQueryItem(u"force"_s, u"1"_s);
    return m_connection.remove(containerPath(id), query, u"removing container %1"_s.arg(name));
}

Result<QString> ContainerRedeploy::create(const QString& name, const QJsonObject& container,
                                          const QString& image) {
    const QString imageId = container[u"Image"_s].toString();
    const Result<QJsonDocument> imageAnswer =
        m_connection.getJson(u"/images/%1/json"_s.arg(EngineConnection::pathSegment(imageId)), {},
                             u"reading the image of container %1"_s.arg(name));
    if (!imageAnswer)
        return imageAnswer.error();
    QJsonObject imageConfig = imageAnswer->object()[u"Config"_s].toObject();
    // Podman's Docker-compatible answer leaves the image's health check out; its own has it.
    const auto info = m_connection.negotiate();
    if (info && info->isPodman() && !imageConfig.contains(u"Healthcheck"_s)) {
        const Result<QJsonDocument> libpodImage = m_connection.getJson(
            u"/libpod/images/%1/json"_s.arg(EngineConnection::pathSegment(imageId)), {},
            u"reading the image of container %1"_s.arg(name));
        if (!libpodImage)
            return libpodImage.error();
        imageConfig.insert(u"Healthcheck"_s, libpodImage->object()[u"Healthcheck"_s]);
    }
    const Result<ContainerBlueprint> blueprint =
        ContainerBlueprint::of(container, imageConfig, image);
    if (!blueprint)
        return blueprint.error();
    QUrlQuery query;
    query.addQueryItem(u"name"_s, name);
    const Result<QJsonDocument> created =
        m_connection.postJson(u"/containers/create"_s, query, blueprint->createBody,
                              u"creating container %1 on %2"_s.arg(name, image));
    if (!created)
        return created.error();
    const QString id = created->object()[u"Id"_s].toString();
    if (id.isEmpty())
        return Error::make(u"The engine created container %1 without saying its id."_s.arg(name));
    for (const auto& [network, endpoint] : blueprint->extraNetworks) {
        const auto connected = m_connection.postJson(
            u"/networks/%1/connect"_s.arg(EngineConnection::pathSegment(network)), {},
            QJsonObject{{u"Container"_s, id}, {u"EndpointConfig"_s, endpoint}},
            u"connecting container %1 to network %2"_s.arg(name, network));
        if (!connected) {
            forceRemove(id, name);
            return connected.error();
        }
    }
    return id;
}

Error ContainerRedeploy::stoppedAtOnce(const QString& id, QJsonObject container,
                                       const QString& name) {
    // Podman says "stopped" until its cleanup has written the exit code; then "exited".
    for (int tries = 0; tries < 8 && container[u"State"_s][u"Status"_s].toString() == u"stopped"_s;
         ++tries) {
        QThread::msleep(kPollMs);
        const Result<QJsonObject> again = inspect(id, u"watching container %1"_s.arg(name));
        if (!again)
            break;
        container = again.value();
    }
    const QJsonObject state = container[u"State"_s].toObject();
    const int restarts = container[u"RestartCount"_s].toInt();
    if (state[u"Running"_s].toBool() || state[u"Restarting"_s].toBool())
        return Error::make(
            u"%1 on the new build keeps exiting and being restarted (%2 restarts)"_s.arg(
                name, QString::number(std::max(restarts, 1))));
    const QString error = state[u"Error"_s].toString();
    return Error::make(u"%1 on the new build stopped at once (exit code %2%3)"_s.arg(
        name, QString::number(state[u"ExitCode"_s].toInt()),
        error.isEmpty() ? QString() : u", "_s + error));
}

Status ContainerRedeploy::waitUntilProven(const QString& id, const QString& name) {
    const auto info = m_connection.negotiate();
    const bool podman = info && info->isPodman();
    QElapsedTimer clock;
    clock.start();
    qint64 nextHealthRun = 0;
    while (true) {
        const Result<QJsonObject> container = inspect(id, u"watching container %1"_s.arg(name));
        if (!container)
            return container.error();
        const QJsonObject state = (*container)[u"State"_s].toObject();
        const bool hasHealthCheck =
            state.contains(u"Health"_s) &&
            !state[u"Health"_s].toObject()[u"Status"_s].toString().isEmpty();
        if (!state[u"Running"_s].toBool() || state[u"Restarting"_s].toBool() ||
            (*container)[u"RestartCount"_s].toInt() > 0)
            return stoppedAtOnce(id, *container, name);
        const qint64 elapsed = clock.elapsed();
        if (hasHealthCheck) {
            const QString health = state[u"Health"_s].toObject()[u"Status"_s].toString();
            if (health == u"healthy"_s)
                return success();
            if (health == u"unhealthy"_s)
                return Error::make(u"%1 on the new build reported itself unhealthy"_s.arg(name));
            if (elapsed >= qint64(m_settings.healthTimeoutSeconds) * 1000)
                return Error::make(u"%1 on the new build was not healthy after %2 s"_s.arg(
                    name, QString::number(m_settings.healthTimeoutSeconds)));
            // Podman runs health checks from systemd timers; where there is no systemd
            // nothing runs them, so Berth asks for each check itself, once a second.
            if (podman && elapsed >= nextHealthRun) {
                m_connection.getJson(
                    u"/libpod/containers/%1/healthcheck"_s.arg(EngineConnection::pathSegment(id)),
                    {}, u"running the health check of %1"_s.arg(name));
                nextHealthRun = elapsed + 1000;
            }
        } else if (elapsed >= qint64(m_settings.stayRunningSeconds) * 1000) {
            return success();
        }
        QThread::msleep(kPollMs);
    }
}

ContainerRedeployOutcome
ContainerRedeploy::run(const QString& container, const QString& repository, const QString& digest,
                       const std::optional<RegistryCredentials>& credentials) {
    // The redeploy's own row stays pending until the outcome: a Berth killed between two
    // steps leaves it behind for the next start to settle.
    const Result<qint64> whole = m_journal.begin(container, kWholeRedeployStep);
    if (!whole)
        return {ContainerRedeployOutcome::Ending::Untouched,
                u"%1 was not redeployed: the redeploy could not be recorded (%2)"_s.arg(
                    container, whole.errorMessage())};
    const ContainerRedeployOutcome outcome = runSteps(container, repository, digest, credentials);
    m_journal.finish(whole.value(), outcome.succeeded(), outcome.message);
    return outcome;
}

ContainerRedeployOutcome
ContainerRedeploy::runSteps(const QString& container, const QString& repository,
                            const QString& digest,
                            const std::optional<RegistryCredentials>& credentials) {
    using Ending = ContainerRedeployOutcome::Ending;
    const auto untouched = [](const QString& why) {
        return ContainerRedeployOutcome{Ending::Untouched, why};
    };
    const Result<std::optional<QJsonObject>> kept = inspectIfPresent(keptName(container));
    if (!kept)
        return untouched(kept.errorMessage());
    if (kept->has_value())
        return untouched(
            u"A container named %1 is left from an interrupted redeploy; Berth "
            u"settles it when it starts again, or remove it yourself."_s.arg(keptName(container)));
    const Result<QJsonObject> old = inspect(container, u"reading container %1"_s.arg(container));
    if (!old)
        return untouched(old.errorMessage());
    const QString oldId = (*old)[u"Id"_s].toString();
    const bool wasRunning = (*old)[u"State"_s].toObject()[u"Running"_s].toBool();
    const QString image = repository + u'@' + digest;

    if (const Status pulled =
            step(container, u"pull"_s,
                 [&] { return m_connection.pull(repository, digest, credentials, {}); });
        !pulled)
        return untouched(pulled.errorMessage());
    if (const Status stopped = step(container, u"stop"_s, [&] { return stop(oldId, container); });
        !stopped) {
        if (wasRunning)
            start(oldId, container); // a stop that failed halfway may have stopped it
        return untouched(stopped.errorMessage());
    }

    QString newId;
    Status replaced =
        step(container, u"rename"_s, [&] { return rename(oldId, keptName(container)); });
    if (replaced)
        replaced = step(container, u"create"_s, [&]() -> Status {
            const Result<QString> created = create(container, *old, image);
            if (!created)
                return created.error();
            newId = created.value();
            return success();
        });
    if (replaced)
        replaced = step(container, u"start"_s, [&] { return start(newId, container); });
    if (replaced)
        replaced = step(container, u"wait"_s, [&] { return waitUntilProven(newId, container); });
    if (replaced) {
        // The new one runs and has proven itself: from here on, the redeploy has happened.
        const Status removed =
            step(container, u"remove"_s, [&] { return forceRemove(oldId, keptName(container)); });
        QString message = u"%1 now runs %2."_s.arg(container, image);
        if (!removed)
            message += u" The old container, kept as %1, could not be removed (%2)."_s.arg(
                keptName(container), removed.errorMessage());
        return {Ending::Replaced, message};
    }

    const QString failure = replaced.errorMessage();
    const Status restored = step(container, u"restore"_s, [&] { return restore(container); });
    if (restored)
        return {Ending::Restored,
                u"%1 was put back on its old build, running: %2"_s.arg(container, failure)};
    return {Ending::Broken,
            u"%1 could not be redeployed (%2), and putting the old container back failed too "
            u"(%3). The old container is kept as %4: on the engine, remove any new %1, then "
            u"`docker rename %4 %1` and `docker start %1`."_s.arg(
                container, failure, restored.errorMessage(), keptName(container))};
}

Status ContainerRedeploy::restore(const QString& name) {
    const Result<std::optional<QJsonObject>> kept = inspectIfPresent(keptName(name));
    if (!kept)
        return kept.error();
    const Result<std::optional<QJsonObject>> current = inspectIfPresent(name);
    if (!current)
        return current.error();
    QString oldId;
    if (kept->has_value()) {
        oldId = (**kept)[u"Id"_s].toString();
        if (current->has_value()) {
            if (Status removed = forceRemove((**current)[u"Id"_s].toString(), name); !removed)
                return removed;
        }
        if (Status renamed = rename(oldId, name); !renamed)
            return renamed;
    } else if (current->has_value()) {
        oldId = (**current)[u"Id"_s].toString(); // never renamed: it is the old one
    } else {
        return Error::make(
            u"Neither %1 nor %2 exists on the engine any more."_s.arg(name, keptName(name)));
    }
    return start(oldId, name);
}

} // namespace berth
