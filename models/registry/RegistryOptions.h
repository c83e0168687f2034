#pragma once

// How to talk to one registry: transport security, credentials source, limits.

#include <QString>
#include <QStringList>

namespace berth {

struct RegistryOptions {
    // The most requests in flight any setting may ask for: the command line, the saved
    // settings and the options dialog all hold to it.
    static constexpr int kMaxConcurrency = 256;

    // Plain HTTP and unverified TLS are allowed for loopback registries and for
    // registries the user explicitly marks insecure, never silently otherwise.
    bool insecure = false;
    QString caFile;          // extra PEM CA(s) trusted for this registry
    QString dockerConfigDir; // empty: $DOCKER_CONFIG, else ~/.docker
    int concurrency = 16;    // requests in flight to this registry at once
    int maxRetries = 3;      // for 408, 429, 5xx and dropped connections
    int transferTimeoutMs = 30000;
    int maxRetryAfterSeconds = 60; // a longer Retry-After is reported, not waited out
    // The Docker-compatible engine that retags for this registry when the engine
    // transport is chosen, as DOCKER_HOST spells it (unix:///path, tcp://host:port).
    // Empty: the engine berth --engine names ($DOCKER_HOST, else the standard socket).
    QString engineHost;
    // The engines that run each environment of this registry's repositories, for the
    // window's running lines: "production=unix:///var/run/docker.sock,tcp://prod-2:2376",
    // one per environment (EngineHosts). Empty: $DOCKER_HOST, else the standard socket.
    QStringList runningEngines;
};

} // namespace berth
