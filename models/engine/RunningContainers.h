#pragma once

// What actually runs: the containers of Docker-compatible engines, and which build of a
// repository each one runs. A container is matched to a build by its image's repo digests
// (repository@sha256:…, what a pull by digest or by tag records), else by its image's
// config digest when the engine re-encoded the image (docker save/load, a push through an
// engine) and no repo digest names it any more.

#include "core/Result.h"
#include "engine/EngineConnection.h"
#include "registry/Build.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace berth {

struct RunningContainer {
    QString id;
    QString name;            // without Docker's leading '/'
    QString image;           // as it was created from: "repo:tag", "repo@sha256:…", an id
    QString imageId;         // "sha256:<config digest>"
    QStringList repoDigests; // the image's "repository@sha256:…" names
    QString state;           // "running", "exited", "created", …
    QString health;          // "healthy", "unhealthy", "starting"; empty without a check
    QDateTime startedAt;     // UTC; invalid when it never started
};

// Every container of the engine, running or not, with its start time, health and its
// image's repo digests. Blocking: for a worker thread (EngineClient::run).
Result<QList<RunningContainer>> readContainers(EngineConnection& connection);

struct ContainerOfBuild {
    QString host; // the engine, as EngineHost::display() shows it
    RunningContainer container;
    QString digest;    // the build it runs
    QString version;   // what a person calls that build (buildVersionName)
    QString matchedBy; // "repo digest" or "config digest"
};

// The containers in `containers` (all of one engine, `host`) whose image is a build of
// `repository` (host/path): named by a repo digest of the repository, or holding the
// config of one of `builds`.
QList<ContainerOfBuild> containersOfRepository(const QString& host,
                                               const QList<RunningContainer>& containers,
                                               const QString& repository,
                                               const QList<Build>& builds);

} // namespace berth
