#pragma once

// Where the engine listens, parsed from a DOCKER_HOST value: "unix:///path/docker.sock"
// or "tcp://host:port" (plain HTTP; Berth does not speak TLS to engines yet).

#include "core/Result.h"

#include <QString>

namespace berth {

class EngineHost {
public:
    static constexpr const char* kDefault = "unix:///var/run/docker.sock";

    // $DOCKER_HOST when set and not empty, else the standard socket.
    static QString fromEnvironment();
    static Result<EngineHost> parse(const QString& dockerHost);

    bool isUnixSocket() const { return !m_socketPath.isEmpty(); }
    QString socketPath() const { return m_socketPath; }
    // "http://localhost" for a socket (the host name is ignored there), else
    // "http://host:port".
    QString baseUrl() const { return m_baseUrl; }
    // The DOCKER_HOST text, for messages.
    QString display() const { return m_display; }

private:
    QString m_socketPath;
    QString m_baseUrl;
    QString m_display;
};

} // namespace berth
