#pragma once

// Replaces one container on one engine with the same container on another build, and
// never leaves it half-done: pull the build by digest, stop the old container and keep it
// under another name, create and start the new one with the old one's configuration
// (ContainerBlueprint), wait until it is healthy or has kept running for a while, then
// remove the old one. When the new one does not start, exits or turns unhealthy, it is
// removed and the old one put back, running, under its own name.
//
// The redeploy and each of its steps are written to a journal before the engine is asked
// and finished with what came of it; a step the journal cannot record is not taken. Blocking: for a
// worker thread.

#include "core/Result.h"
#include "engine/EngineConnection.h"

#include <QString>

#include <functional>

namespace berth {

struct RedeploySettings {
    int stopTimeoutSeconds = 10;    // what the old container gets to stop before SIGKILL
    int stayRunningSeconds = 10;    // without a health check: how long the new one must run
    int healthTimeoutSeconds = 120; // with one: how long it has to report "healthy"
};

// Where the steps of a redeploy are recorded (the history's redeploy log).
class RedeployJournal {
public:
    virtual ~RedeployJournal() = default;
    // Before the step ("redeploy" for the whole): its record's id, or why it could not be
    // written.
    virtual Result<qint64> begin(const QString& container, const QString& step) = 0;
    virtual void finish(qint64 id, bool succeeded, const QString& result) = 0;
};

struct ContainerRedeployOutcome {
    enum class Ending {
        Replaced,  // the new container runs; the old one is removed
        Untouched, // failed before the old container was stopped
        Restored,  // failed; the old container runs again under its own name
        Broken,    // failed, and putting the old one back failed too: message says what to do
    };
    Ending ending = Ending::Untouched;
    QString message; // one or two sentences for the report
    bool succeeded() const { return ending == Ending::Replaced; }
};

class ContainerRedeploy {
public:
    // The name the old container is kept under until the new one has proven itself.
    static QString keptName(const QString& name);

    ContainerRedeploy(EngineConnection& connection, RedeployJournal& journal,
                      RedeploySettings settings, std::function<void(const QString&)> progress);

    // `container`: its name; the new image is `repository`@`digest`, pulled with
    // `credentials` (none: anonymously).
    ContainerRedeployOutcome run(const QString& container, const QString& repository,
                                 const QString& digest,
                                 const std::optional<RegistryCredentials>& credentials);

    // Puts `name` back as it was after an interrupted redeploy: the kept container, if
    // any, under its own name and running; a new one in its way is removed. For the next
    // start's settlement (RedeploySettlement).
    Status restore(const QString& name);

private:
    ContainerRedeployOutcome runSteps(const QString& container, const QString& repository,
                                      const QString& digest,
                                      const std::optional<RegistryCredentials>& credentials);
    // Runs `body` as the journal's step `step`; fails without running it when the step
    // cannot be recorded.
    Status step(const QString& container, const QString& name, const std::function<Status()>& body);
    Result<QJsonObject> inspect(const QString& idOrName, const QString& what);
    // nullopt: no such container.
    Result<std::optional<QJsonObject>> inspectIfPresent(const QString& name);
    Status stop(const QString& id, const QString& name);
    Status start(const QString& id, const QString& name);
    Status rename(const QString& id, const QString& newName);
    Status forceRemove(const QString& id, const QString& name);
    Result<QString> create(const QString& name, const QJsonObject& container, const QString& image);
    // Why a new container that stopped (or keeps restarting) failed, with its exit code.
    Error stoppedAtOnce(const QString& id, QJsonObject container, const QString& name);
    // Until healthy (with a health check) or running for stayRunningSeconds.
    Status waitUntilProven(const QString& id, const QString& name);

    EngineConnection& m_connection;
    RedeployJournal& m_journal;
    RedeploySettings m_settings;
    std::function<void(const QString&)> m_progress;
};

} // namespace berth
