#pragma once

// The same container on another image: what to ask the engine for so that the new
// container has everything the old one was given (name, command, environment, mounts,
// ports, restart policy, labels, networks), and everything else from its new image.
//
// An engine's description of a container mixes what the container was given with what
// its image declared (environment, command, labels, exposed ports, health check…). Copied
// as it stands, the old build's declarations would stick to the new build: its version
// label, its ENV, its CMD. So a value the old image declared and the container kept
// unchanged is left out, and the new image supplies its own.
//
// Data survives: every volume the old container had (named, or anonymous from a VOLUME
// line) is mounted by name at the same place in the new one.

#include "core/Result.h"

#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

namespace berth {

struct ContainerBlueprint {
    QString name;                                     // without Docker's leading '/'
    QJsonObject createBody;                           // POST /containers/create
    QList<QPair<QString, QJsonObject>> extraNetworks; // connected after create, before start

    // `container`: GET /containers/{id}/json; `oldImageConfig`: the "Config" of GET
    // /images/{id}/json for the image it runs; `newImage`: "repository@sha256:…".
    static Result<ContainerBlueprint>
    of(const QJsonObject& container, const QJsonObject& oldImageConfig, const QString& newImage);
};

} // namespace berth
