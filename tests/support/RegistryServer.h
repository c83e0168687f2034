#pragma once

// A real docker-registry (distribution 2.8) on 127.0.0.1 for tests: plain HTTP,
// htpasswd Basic auth, TLS with a CA of its own, or token auth with the issuer in
// token_issuer.py. Everything it needs lives in one temporary directory that goes
// away with the object.

#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

namespace berth::test {

class RegistryServer {
public:
    enum class Auth { None, Htpasswd, Token };

    struct Options {
        Auth auth = Auth::None;
        // TLS with a CA generated per server; the certificate names 127.0.0.1 and
        // localhost. The token issuer stays on plain HTTP.
        bool tls = false;
        QString username = QStringLiteral("berth");
        QString password = QStringLiteral("correct-horse");
        // Token mode: the registry accepts an issued token for this many seconds after
        // the second it was issued in (between N-1 and N seconds).
        int tokenLifetimeSeconds = 300;
        // expires_in the issuer reports; may differ from the real lifetime on purpose.
        int advertisedExpiresIn = 300;
        // 0 keeps distribution's default (1000); otherwise catalog.maxentries, the
        // largest n the catalog accepts before answering PAGINATION_NUMBER_INVALID.
        int catalogMaxEntries = 0;
        // Token mode: the issuer grants no catalog scope, so the registry refuses to list
        // its repositories, as Docker Hub and GHCR do.
        bool catalogDenied = false;
    };

    // Two constructors instead of `Options options = {}`: GCC cannot use a nested
    // struct's member initialisers in a default argument inside the enclosing class.
    RegistryServer();
    explicit RegistryServer(Options options);
    ~RegistryServer();

    RegistryServer(const RegistryServer&) = delete;
    RegistryServer& operator=(const RegistryServer&) = delete;

    // Empty when every tool these options need is installed, else what is missing
    // (for QSKIP).
    static QString unavailableReason(const Options& options);

    // Starts the issuer (token mode) and the registry; false and errorString() when
    // either is not answering within about 15 seconds.
    bool start();
    QString errorString() const { return m_error; }

    const Options& options() const { return m_options; }
    QString hostPort() const;
    QUrl baseUrl() const;
    QString caFile() const;
    QString storageDir() const;
    // The registry process, for tests that freeze it (SIGSTOP) mid-operation.
    qint64 processId() const { return m_registry ? m_registry->processId() : 0; }
    // "http://127.0.0.1:<port>/token" in token mode, else empty.
    QUrl tokenRealm() const;
    // The service the registry's Bearer challenge names (token mode).
    static QString tokenService();

    // Tokens issued so far, each one a line of the issuer's log.
    int tokenRequestCount() const;

    // "METHOD /path?query" of every request the registry served, in order, taken from
    // distribution's access log (the request URI as the client sent it).
    QStringList requestLog() const;
    // The same with the answer's status: "METHOD /path?query STATUS".
    QStringList requestLogWithStatus() const;
    // Distribution writes an access-log line just after the response, so a client may
    // see the answer first: waits until requestLog() holds at least `count` lines.
    bool waitForRequestCount(int count, int timeoutMs = 5000) const;

private:
    bool fail(const QString& message);
    bool runTool(const QString& program, const QStringList& arguments,
                 const QByteArray& input = {});
    bool createCertificates();
    bool createHtpasswd();
    bool startIssuer();
    bool writeConfig();
    bool startRegistry();
    QString path(const QString& name) const;

    Options m_options;
    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_registry;
    std::unique_ptr<QProcess> m_issuer;
    int m_port = 0;
    int m_issuerPort = 0;
    QString m_error;
};

} // namespace berth::test
