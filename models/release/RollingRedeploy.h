#pragma once

// A rolling redeploy: every running container of a repository on an environment's
// engines moved to the build the environment's tag names, one engine after another and
// one container after another, stopping at the first that fails (ContainerRedeploy puts
// that one back as it was). Each step is written to the history's redeploy log before the
// engine is asked. Blocking: for a worker thread, which opens its own HistoryStore.

#include "engine/ContainerRedeploy.h"
#include "registry/Build.h"
#include "registry/DockerCredentials.h"

#include <QStringList>

#include <atomic>
#include <functional>
#include <optional>

namespace berth {

struct RedeployRequest {
    QString registry;       // the registry's host, as the history names it
    QString repositoryPath; // the path inside it
    QString environment;    // the environment tag, for the log and the report
    QString digest;         // the build every container is to run
    QString version;        // what a person calls it
    QList<Build> builds;    // the repository's builds: how its containers are recognised
    QStringList hosts;      // the environment's engines, in the order they are redeployed
    std::optional<RegistryCredentials> credentials; // for the pulls; none: anonymous
    RedeploySettings settings;
    QString reason;
    QString historyLocation; // as HistoryStore::open takes it

    QString repository() const { return registry + u'/' + repositoryPath; }
};

struct RedeployedContainer {
    QString host;
    QString container;
    QString fromVersion; // what it ran
    ContainerRedeployOutcome outcome;
};

struct RedeployReport {
    QList<RedeployedContainer> containers; // every one Berth tried, in order
    QStringList unchanged;                 // "prod-1: api already runs v1.4.0"
    QStringList problems;  // an engine not reached, a log not written, a cancel: why it stopped
    bool stopped = false;  // hosts or containers were left out after a failure or a cancel
    bool foundAny = false; // a running container of the repository was found on some engine

    bool succeeded() const;
    // One line per container and problem, for a terminal or a dialog.
    QStringList lines() const;
    // One sentence on the whole redeploy of `request`.
    QString summary(const RedeployRequest& request) const;
};

RedeployReport runRollingRedeploy(const RedeployRequest& request,
                                  const std::function<void(const QString&)>& progress,
                                  const std::atomic_bool& cancelled);

} // namespace berth
