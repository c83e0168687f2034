#pragma once

// Which local git clone belongs to which image repository, kept in the user's settings
// (QSettings, group "git"), and every clone the user ever linked, so an image naming
// its source (org.opencontainers.image.source) can be matched to one of them.

#include <QFuture>
#include <QStringList>

namespace berth {

class CloneSettings {
public:
    // `repository` is host/path. Empty when none is linked.
    static QString cloneFor(const QString& repository);
    // Links (or, with an empty path, unlinks) and remembers the clone as a known one.
    static void setCloneFor(const QString& repository, const QString& clonePath);
    // Every clone linked so far, most recently linked first.
    static QStringList knownClones();

    // The known clones with a remote naming `sourceUrl`, found in a worker thread.
    static QFuture<QStringList> proposeAsync(const QString& sourceUrl);
};

} // namespace berth
