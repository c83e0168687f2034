#pragma once

// Progress and outcome of fetching a clone's remotes; plain values for signals.

#include <QMetaType>
#include <QStringList>

namespace berth {

struct FetchProgress {
    QString remote;      // the remote being fetched now
    int remoteIndex = 0; // 0-based, of remoteCount
    int remoteCount = 0;
    quint64 receivedObjects = 0;
    quint64 indexedObjects = 0;
    quint64 totalObjects = 0; // 0 until the server said how many
    quint64 receivedBytes = 0;
};

struct FetchSummary {
    QStringList remotes; // fetched, in order
    quint64 receivedObjects = 0;
    quint64 receivedBytes = 0;
};

} // namespace berth

Q_DECLARE_METATYPE(berth::FetchProgress)
