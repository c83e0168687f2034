#pragma once

// A real container engine for tests: dockerd (vfs storage, no iptables, no bridge) or
// podman's Docker-compatible service, listening on a unix socket in its own temporary
// directory and stopped (SIGTERM, then SIGKILL) when the object goes away. Both treat
// registries on 127.0.0.1 as plain HTTP, so they pull from and push to RegistryServer.

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace berth::test {

class EngineServer {
public:
    enum class Kind { Docker, Podman };

    explicit EngineServer(Kind kind = Kind::Docker);
    ~EngineServer();

    EngineServer(const EngineServer&) = delete;
    EngineServer& operator=(const EngineServer&) = delete;

    // Empty when this kind of engine can run here, else why not (for QSKIP): not root,
    // the program is missing, or an earlier start() in this process failed.
    static QString unavailableReason(Kind kind = Kind::Docker);

    // Before start(), Docker only: dockerd also listens on 127.0.0.1 (a port it picks)
    // with TLS, and accepts only clients with a certificate from the same test CA
    // (--tlsverify), as a remote engine set up for DOCKER_TLS_VERIFY would.
    bool enableTls();
    // tcp://127.0.0.1:<port> once a TLS engine started; empty otherwise.
    QString tlsDockerHost() const;
    // The folder DOCKER_CERT_PATH names for it: ca.pem, cert.pem and key.pem.
    QString clientCertPath() const;

    // Starts the engine and waits (up to 60 s) until it listens; false and errorString()
    // (with the tail of its log) otherwise.
    bool start();
    QString errorString() const { return m_error; }

    Kind kind() const { return m_kind; }
    QString socketPath() const;
    // "unix://<socketPath>", what DOCKER_HOST or EngineClient take.
    QString dockerHost() const;
    bool isRunning() const;
    qint64 processId() const;

    // SIGTERM, up to 20 s to finish, then SIGKILL. Also runs in the destructor.
    void stop();
    // SIGKILL at once: the engine vanishing in the middle of a request.
    void kill();

    QString logTail(int lines = 15) const;

private:
    bool fail(const QString& message);
    QString path(const QString& name) const;
    QStringList dockerArguments() const;
    QStringList podmanArguments() const;
    bool writePodmanConfig() const;
    bool isListening(); // also learns the TLS port
    void reapLeftovers();
    void unmountLeftovers();

    Kind m_kind;
    QTemporaryDir m_dir;
    bool m_tls = false;
    int m_tlsPort = 0; // read from the engine's log once it listens
    std::unique_ptr<QProcess> m_process;
    QString m_error;
};

} // namespace berth::test
