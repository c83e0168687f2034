#pragma once

// Links an image repository to a local clone: which of a clone's remotes (or which of
// several clones) is the repository an image's org.opencontainers.image.source names.

#include "core/Result.h"

#include <QList>
#include <QStringList>

namespace berth {

struct RemoteEntry {
    QString name;
    QString url;
    QString pushUrl; // empty when it is the fetch URL
};

class CloneRemotes {
public:
    static Result<QList<RemoteEntry>> list(const QString& clonePath);
    // Names of the clone's remotes whose fetch or push URL is the source repository.
    static Result<QStringList> matching(const QString& clonePath, const QString& sourceUrl);
    // The clones, among `clonePaths`, with at least one matching remote; clones that
    // cannot be read are left out.
    static QStringList clonesFor(const QStringList& clonePaths, const QString& sourceUrl);
};

} // namespace berth
