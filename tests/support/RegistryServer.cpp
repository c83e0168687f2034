#include "RegistryServer.h"

#include "TestCertificates.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>

#include <algorithm>

#include <signal.h>
#include <sys/prctl.h>

using namespace Qt::StringLiterals;

namespace berth::test {

namespace {

constexpr int StartTimeoutMs = 15000;
constexpr int ToolTimeoutMs = 30000;
// Distribution and the issuer agree on these; the values only have to match.
const QString ServiceName = u"berth-registry"_s;
const QString IssuerName = u"berth-token-issuer"_s;
const QString PasswordVariable = u"BERTH_ISSUER_PASSWORD"_s;

QString registryProgram() {
    const QString found = QStandardPaths::findExecutable(u"docker-registry"_s);
    return found.isEmpty() ? u"/usr/bin/docker-registry"_s : found;
}

// The token issuer needs python3-jwt, which only Debian's own python has.
QString issuerPython() {
    return u"/usr/bin/python3"_s;
}

QByteArray readFile(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return file.readAll();
}

bool writeFile(const QString& path, const QByteArray& data) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(data) == data.size();
}

QString tail(const QString& path) {
    const QByteArray data = readFile(path);
    return QString::fromUtf8(data.right(1500)).trimmed();
}

// YAML double-quoted scalar, so temporary paths never need thought.
QByteArray yamlQuote(const QString& value) {
    QString escaped = value;
    escaped.replace(u"\\"_s, u"\\\\"_s).replace(u"\""_s, u"\\\""_s);
    return '"' + escaped.toUtf8() + '"';
}

// Distribution overrides its config from REGISTRY_* variables; a developer's shell
// must not change what the tests run against.
QProcessEnvironment cleanEnvironment() {
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    const QStringList keys = environment.keys();
    for (const QString& key : keys) {
        if (key.startsWith(u"REGISTRY_"_s)) {
            environment.remove(key);
        }
    }
    return environment;
}

// A test that crashes never runs the destructor: let the kernel stop the servers then.
void stopWithParent(QProcess* process) {
    process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
}

void stopProcess(QProcess* process) {
    if (!process || process->state() == QProcess::NotRunning) {
        return;
    }
    process->terminate();
    if (!process->waitForFinished(3000)) {
        process->kill();
        process->waitForFinished(3000);
    }
}

} // namespace

RegistryServer::RegistryServer()
    : RegistryServer(Options{}) {
}

RegistryServer::RegistryServer(Options options)
    : m_options(std::move(options)) {
}

RegistryServer::~RegistryServer() {
    stopProcess(m_registry.get());
    stopProcess(m_issuer.get());
}

QString RegistryServer::unavailableReason(const Options& options) {
    if (!QFileInfo(registryProgram()).isExecutable()) {
        return u"docker-registry (Debian package docker-registry) is not installed"_s;
    }
    if (options.tls && QStandardPaths::findExecutable(u"openssl"_s).isEmpty()) {
        return u"openssl is not installed"_s;
    }
    if (options.auth == Auth::Htpasswd && QStandardPaths::findExecutable(u"htpasswd"_s).isEmpty()) {
        return u"htpasswd (Debian package apache2-utils) is not installed"_s;
    }
    if (options.auth == Auth::Token) {
        QProcess probe;
        probe.start(issuerPython(), {u"-c"_s, u"import jwt, cryptography"_s});
        if (!probe.waitForFinished(ToolTimeoutMs) || probe.exitStatus() != QProcess::NormalExit ||
            probe.exitCode() != 0) {
            return u"/usr/bin/python3 with python3-jwt and python3-cryptography is missing"_s;
        }
    }
    return {};
}

QString RegistryServer::path(const QString& name) const {
    return m_dir.filePath(name);
}

bool RegistryServer::fail(const QString& message) {
    m_error = message;
    return false;
}

bool RegistryServer::runTool(const QString& program, const QStringList& arguments,
                             const QByteArray& input) {
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setWorkingDirectory(m_dir.path());
    process.start(program, arguments);
    if (!process.waitForStarted(ToolTimeoutMs)) {
        return fail(u"could not run %1: %2"_s.arg(program, process.errorString()));
    }
    if (!input.isEmpty()) {
        process.write(input);
    }
    process.closeWriteChannel();
    if (!process.waitForFinished(ToolTimeoutMs) || process.exitStatus() != QProcess::NormalExit ||
        process.exitCode() != 0) {
        return fail(u"%1 %2 failed: %3"_s.arg(program, arguments.join(u' '),
                                              QString::fromUtf8(process.readAll()).trimmed()));
    }
    return true;
}

bool RegistryServer::createCertificates() {
    TestCertificates certificates(m_dir.path());
    if (!certificates.createAuthority() ||
        !certificates.issue(u"server"_s, TestCertificates::Use::Server))
        return fail(certificates.errorString());
    return true;
}

bool RegistryServer::createHtpasswd() {
    // -i reads the password from stdin; distribution only accepts bcrypt (-B).
    return runTool(u"htpasswd"_s,
                   {u"-i"_s, u"-B"_s, u"-c"_s, path(u"htpasswd"_s), m_options.username},
                   m_options.password.toUtf8() + '\n');
}

bool RegistryServer::startIssuer() {
    m_issuer = std::make_unique<QProcess>();
    stopWithParent(m_issuer.get());
    QProcessEnvironment environment = cleanEnvironment();
    environment.insert(PasswordVariable, m_options.password);
    m_issuer->setProcessEnvironment(environment);
    m_issuer->setStandardOutputFile(path(u"issuer.log"_s));
    m_issuer->setStandardErrorFile(path(u"issuer.log"_s), QIODevice::Append);
    QStringList arguments{QStringLiteral(BERTH_TEST_SUPPORT_DIR "/token_issuer.py"),
                          u"--port-file"_s,
                          path(u"issuer.port"_s),
                          u"--cert-file"_s,
                          path(u"issuer.pem"_s),
                          u"--log-file"_s,
                          path(u"tokens.log"_s),
                          u"--service"_s,
                          ServiceName,
                          u"--issuer"_s,
                          IssuerName,
                          u"--username"_s,
                          m_options.username,
                          u"--password-env"_s,
                          PasswordVariable,
                          u"--lifetime"_s,
                          QString::number(m_options.tokenLifetimeSeconds),
                          u"--advertised-expires-in"_s,
                          QString::number(m_options.advertisedExpiresIn)};
    if (m_options.catalogDenied)
        arguments.append(u"--deny-catalog"_s);
    m_issuer->start(issuerPython(), arguments);
    if (!m_issuer->waitForStarted(StartTimeoutMs)) {
        return fail(u"could not start the token issuer: %1"_s.arg(m_issuer->errorString()));
    }
    // The issuer writes its port (atomically) once it listens; until then, poll. The
    // short waitForFinished doubles as the poll interval and notices a crash.
    const QDeadlineTimer deadline(StartTimeoutMs);
    while (!deadline.hasExpired()) {
        bool ok = false;
        const int port = readFile(path(u"issuer.port"_s)).trimmed().toInt(&ok);
        if (ok && port > 0) {
            m_issuerPort = port;
            return true;
        }
        if (m_issuer->waitForFinished(50)) {
            return fail(u"the token issuer exited: %1"_s.arg(tail(path(u"issuer.log"_s))));
        }
    }
    return fail(u"the token issuer did not start within %1 s: %2"_s.arg(StartTimeoutMs / 1000)
                    .arg(tail(path(u"issuer.log"_s))));
}

bool RegistryServer::writeConfig() {
    QByteArray yaml = "version: 0.1\n"
                      "log:\n"
                      "  level: info\n" // "listening on" (the real port) is an info line
                      "  formatter: text\n"
                      "  accesslog:\n"
                      "    disabled: false\n" // combined-format request lines on stdout
                      "storage:\n"
                      "  filesystem:\n"
                      "    rootdirectory: " +
                      yamlQuote(storageDir()) +
                      "\n"
                      "  delete:\n"
                      "    enabled: true\n"
                      "  maintenance:\n"
                      "    uploadpurging:\n"
                      "      enabled: false\n"
                      "http:\n"
                      "  addr: 127.0.0.1:0\n" // distribution logs the port it got
                      "  secret: " +
                      QByteArray::number(QRandomGenerator::global()->generate64()) + "\n";
    if (m_options.tls) {
        yaml += "  tls:\n    certificate: " + yamlQuote(path(u"server.pem"_s)) +
                "\n    key: " + yamlQuote(path(u"server.key"_s)) + "\n";
    }
    if (m_options.auth == Auth::Htpasswd) {
        yaml += "auth:\n  htpasswd:\n    realm: berth-registry\n    path: " +
                yamlQuote(path(u"htpasswd"_s)) + "\n";
    } else if (m_options.auth == Auth::Token) {
        yaml += "auth:\n  token:\n    realm: " + yamlQuote(tokenRealm().toString()) +
                "\n    service: " + yamlQuote(ServiceName) +
                "\n    issuer: " + yamlQuote(IssuerName) +
                "\n    rootcertbundle: " + yamlQuote(path(u"issuer.pem"_s)) + "\n";
    }
    if (m_options.catalogMaxEntries > 0) {
        yaml += "catalog:\n  maxentries: " + QByteArray::number(m_options.catalogMaxEntries) + "\n";
    }
    if (!writeFile(path(u"config.yml"_s), yaml)) {
        return fail(u"could not write %1"_s.arg(path(u"config.yml"_s)));
    }
    return true;
}

bool RegistryServer::startRegistry() {
    m_registry = std::make_unique<QProcess>();
    stopWithParent(m_registry.get());
    m_registry->setProcessEnvironment(cleanEnvironment());
    m_registry->setWorkingDirectory(m_dir.path());
    // Files, not pipes: nothing drains a pipe while a test blocks elsewhere, and a
    // full pipe would stall the registry.
    m_registry->setStandardOutputFile(path(u"access.log"_s));
    m_registry->setStandardErrorFile(path(u"registry.log"_s));
    m_registry->start(registryProgram(), {u"serve"_s, path(u"config.yml"_s)});
    if (!m_registry->waitForStarted(StartTimeoutMs)) {
        return fail(u"could not start %1: %2"_s.arg(registryProgram(), m_registry->errorString()));
    }
    static const QRegularExpression listening(uR"(listening on 127\.0\.0\.1:(\d+))"_s);
    const QDeadlineTimer deadline(StartTimeoutMs);
    while (!deadline.hasExpired()) {
        const QRegularExpressionMatch match =
            listening.match(QString::fromUtf8(readFile(path(u"registry.log"_s))));
        if (match.hasMatch()) {
            // The socket is bound before distribution logs it, so the port is ready.
            m_port = match.captured(1).toInt();
            return true;
        }
        if (m_registry->waitForFinished(50)) {
            return fail(u"docker-registry exited: %1"_s.arg(tail(path(u"registry.log"_s))));
        }
    }
    return fail(u"docker-registry did not listen within %1 s: %2"_s.arg(StartTimeoutMs / 1000)
                    .arg(tail(path(u"registry.log"_s))));
}

bool RegistryServer::start() {
    if (!m_dir.isValid()) {
        return fail(u"could not create a temporary directory: %1"_s.arg(m_dir.errorString()));
    }
    const QString missing = unavailableReason(m_options);
    if (!missing.isEmpty()) {
        return fail(missing);
    }
    if (m_options.tls && !createCertificates()) {
        return false;
    }
    if (m_options.auth == Auth::Htpasswd && !createHtpasswd()) {
        return false;
    }
    if (m_options.auth == Auth::Token && !startIssuer()) {
        return false;
    }
    return writeConfig() && startRegistry();
}

QString RegistryServer::hostPort() const {
    return u"127.0.0.1:%1"_s.arg(m_port);
}

QUrl RegistryServer::baseUrl() const {
    return QUrl(u"%1://%2"_s.arg(m_options.tls ? u"https"_s : u"http"_s, hostPort()));
}

QString RegistryServer::caFile() const {
    return m_options.tls ? path(u"ca.pem"_s) : QString();
}

QString RegistryServer::storageDir() const {
    return path(u"storage"_s);
}

QUrl RegistryServer::tokenRealm() const {
    if (m_options.auth != Auth::Token) {
        return {};
    }
    return QUrl(u"http://127.0.0.1:%1/token"_s.arg(m_issuerPort));
}

QString RegistryServer::tokenService() {
    return ServiceName;
}

int RegistryServer::tokenRequestCount() const {
    const QList<QByteArray> lines = readFile(path(u"tokens.log"_s)).split('\n');
    return int(std::count_if(lines.cbegin(), lines.cend(),
                             [](const QByteArray& line) { return !line.trimmed().isEmpty(); }));
}

QStringList RegistryServer::requestLogWithStatus() const {
    // 127.0.0.1 - - [27/Nov/2026:07:16:20 +0000] "GET /v2/ HTTP/1.1" 200 2 "" "curl/7.88.1"
    static const QRegularExpression line(uR"re("([A-Z]+) (\S+) HTTP/[0-9.]+" (\d{3}) )re"_s);
    QStringList requests;
    const QList<QByteArray> lines = readFile(path(u"access.log"_s)).split('\n');
    for (const QByteArray& raw : lines) {
        const QRegularExpressionMatch match = line.match(QString::fromUtf8(raw));
        if (match.hasMatch()) {
            requests.append(match.captured(1) + u' ' + match.captured(2) + u' ' +
                            match.captured(3));
        }
    }
    return requests;
}

QStringList RegistryServer::requestLog() const {
    QStringList requests = requestLogWithStatus();
    for (QString& request : requests) {
        request.truncate(request.lastIndexOf(u' '));
    }
    return requests;
}

bool RegistryServer::waitForRequestCount(int count, int timeoutMs) const {
    QFileSystemWatcher watcher({path(u"access.log"_s)});
    QSignalSpy changed(&watcher, &QFileSystemWatcher::fileChanged);
    const QDeadlineTimer deadline(timeoutMs);
    while (requestLog().size() < count) {
        if (deadline.hasExpired()) {
            return false;
        }
        // Short slices: a change between the check and the wait must not be missed.
        changed.wait(int(std::min<qint64>(deadline.remainingTime(), 100)));
    }
    return true;
}

} // namespace berth::test
