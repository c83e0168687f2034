#pragma once

// Plain values the engine transport hands across threads: what the engine is, what a
// pull or push is doing right now, and what a push produced.

#include <QString>
#include <QtGlobal>

#include <functional>

namespace berth {

struct EngineInfo {
    QString apiVersion;        // the highest API version the engine offers ("1.41")
    QString negotiatedVersion; // the version every call uses: min(engine, Berth)
    QString libpodApiVersion;  // Podman's own API version; empty for Docker
    QString server;            // Server header ("Docker/20.10.24 (linux)")

    bool isPodman() const { return !libpodApiVersion.isEmpty(); }
};

// One object of a pull or push stream, reduced to what a progress display needs.
struct ProgressEvent {
    QString step;   // "pull", "tag" or "push"
    QString id;     // layer id, empty for messages about the whole image
    QString status; // "Downloading", "Pushed", "Digest: sha256:…"
    qint64 current = 0;
    qint64 total = 0; // 0 when the engine did not say
};

using ProgressCallback = std::function<void(const ProgressEvent&)>;

// What the engine says it pushed: the push stream's aux object, or Podman's
// "<tag>: digest: <digest> size: <n>" status line when it sends no aux.
struct PushResult {
    QString tag;
    QString digest;
    qint64 size = 0;
};

} // namespace berth
