#pragma once

// Where each environment's tag points against what its hosts run: the containers of the
// repository on each engine that runs the environment, and the drift between the two
// ("production → v1.4.0, prod-2 still runs v1.3.1 (since 3 Nov)").
//
// Engines per environment: "production=unix:///var/run/docker.sock,tcp://prod-2:2376".
// With none named, the engine at DOCKER_HOST (else the default socket) is searched for
// every environment, so a Compose host works as it is.

#include "core/Result.h"
#include "engine/RunningContainers.h"
#include "registry/BuildCollector.h"

#include <QMap>

namespace berth {

class EngineHosts {
public:
    // Each spec "env=host[,host…]"; an environment named twice gets both lists. Fails
    // naming the spec that is not one (no '=', an empty host, an unparseable DOCKER_HOST).
    static Result<EngineHosts> parse(const QStringList& specs, const QString& defaultHost);

    QStringList hostsOf(const QString& environment) const;
    QStringList allHosts() const; // each once, in the order first named
    bool namesEnvironments() const { return !m_byEnvironment.isEmpty(); }
    // Nothing is named and the default engine is a socket that does not exist: a desktop
    // without Docker, where there is nothing to read and nothing to redeploy.
    bool hasNoEngineHere() const;

private:
    QMap<QString, QStringList> m_byEnvironment;
    QString m_defaultHost;
};

// One engine's answer: its containers, or why it gave none (unreachable, timed out).
struct EngineRead {
    QString host;
    Result<QList<RunningContainer>> containers = Error{};
};

struct EnvironmentRunning {
    QString environment;
    QString tagDigest;                  // where the tag points; empty: no such tag
    QString tagVersion;                 // what a person calls that build
    QList<ContainerOfBuild> containers; // of the repository, on the environment's hosts
    QStringList unreachable;            // "host: why", one per engine that did not answer
    QStringList drift;                  // one sentence per container on another build
};

// `repository` is host/path; `collection` its builds and tags as just read.
QList<EnvironmentRunning> runningByEnvironment(const QString& repository,
                                               const BuildCollection& collection,
                                               const QStringList& environments,
                                               const EngineHosts& hosts,
                                               const QList<EngineRead>& reads);

} // namespace berth
