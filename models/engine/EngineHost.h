#pragma once

// Where the engine listens and how to reach it, from a DOCKER_HOST value
// ("unix:///path/docker.sock" or "tcp://host:port") and, for tcp, the TLS settings the
// docker CLI reads: DOCKER_TLS_VERIFY (speak TLS and verify the engine against ca.pem)
// and DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem; default ~/.docker).

#include "core/Result.h"

#include <QString>

namespace berth {

struct EngineTls {
    bool verify = false; // DOCKER_TLS_VERIFY set and not empty
    QString certPath;    // DOCKER_CERT_PATH, else ~/.docker

    static EngineTls fromEnvironment();
};

class EngineHost {
public:
    static constexpr const char* kDefault = "unix:///var/run/docker.sock";

    // $DOCKER_HOST when set and not empty, else the standard socket.
    static QString fromEnvironment();
    // TLS as the environment says (EngineTls::fromEnvironment()).
    static Result<EngineHost> parse(const QString& dockerHost);
    static Result<EngineHost> parse(const QString& dockerHost, const EngineTls& tls);

    bool isUnixSocket() const { return !m_socketPath.isEmpty(); }
    QString socketPath() const { return m_socketPath; }
    // "http://localhost" for a socket (the host name is ignored there), else
    // "http://host:port", or "https://host:port" with TLS.
    QString baseUrl() const { return m_baseUrl; }
    // The DOCKER_HOST text, for messages.
    QString display() const { return m_display; }

    bool usesTls() const { return !m_caFile.isEmpty(); }
    QString caFile() const { return m_caFile; }     // PEM CA the engine's certificate must chain to
    QString certFile() const { return m_certFile; } // client certificate, empty: none
    QString keyFile() const { return m_keyFile; }   // its key, empty: none

    // Whether registry credentials (X-Registry-Auth) may go to this engine: over its unix
    // socket, over TLS, or in plain HTTP to this machine's loopback. A plain-HTTP engine
    // elsewhere would carry the password across the network in the clear.
    bool mayCarryCredentials() const;

private:
    QString m_socketPath;
    QString m_baseUrl;
    QString m_display;
    QString m_host; // tcp only
    QString m_caFile;
    QString m_certFile;
    QString m_keyFile;
};

} // namespace berth
