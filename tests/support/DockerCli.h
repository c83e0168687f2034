#pragma once

// The docker command line against a test engine (EngineServer), for what tests set up and
// check the way a person would: build, push, run, inspect. It has a config folder of its
// own, so no credential helper of this machine is asked, and builds without BuildKit.

#include "CtlRun.h"

#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace berth::test {

class DockerCli {
public:
    // Build contexts and the CLI's config go under `workDir` (a temporary directory).
    explicit DockerCli(QString workDir);

    // Empty when the docker CLI and a static busybox are here; else why not (for QSKIP).
    static QString unavailableReason();

    // The folder DOCKER_CONFIG names for this CLI (and for a berthctl run beside it).
    QString configDir() const;

    CtlRun run(const QString& host, const QStringList& arguments) const;
    // Whether the command succeeded; says what docker said when it did not.
    bool ok(const QString& host, const QStringList& arguments) const;

    // A runnable image: a static busybox FROM scratch as the entrypoint, `files` copied
    // to / beside it, then the Dockerfile `lines` (ENV, LABEL, CMD…). Built on `host`,
    // pushed as `image` (repository:tag); its digest, empty on failure.
    QString buildAndPush(const QString& host, const QString& image, const QString& lines,
                         const QHash<QString, QByteArray>& files = {}) const;

    // What `docker inspect` says of a container, or an empty object.
    QJsonObject inspect(const QString& host, const QString& container) const;

private:
    QString m_workDir;
};

} // namespace berth::test
