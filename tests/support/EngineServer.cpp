#include "EngineServer.h"

#include "TestCertificates.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

#include <algorithm>
#include <csignal>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace berth::test {

namespace {

// Whether a process listens on the unix socket: the file appears at bind(), before
// listen(), and a connection in between is refused.
bool acceptsConnections(const QString& socketPath) {
    const QByteArray path = QFile::encodeName(socketPath);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= qsizetype(sizeof(address.sun_path)))
        return false;
    std::copy(path.cbegin(), path.cend(), address.sun_path);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    const bool connected =
        ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
    ::close(fd);
    return connected;
}

// A failed start is remembered so the next test of the same kind skips at once.
QString& startFailure(EngineServer::Kind kind) {
    static QString docker;
    static QString podman;
    return kind == EngineServer::Kind::Docker ? docker : podman;
}

QString programName(EngineServer::Kind kind) {
    return kind == EngineServer::Kind::Docker ? u"dockerd"_s : u"podman"_s;
}

// dockerd lives in /usr/sbin, which a non-login shell may not have on PATH.
QString findProgram(const QString& name) {
    const QString found = QStandardPaths::findExecutable(name);
    if (!found.isEmpty())
        return found;
    return QStandardPaths::findExecutable(name, {u"/usr/sbin"_s, u"/sbin"_s, u"/usr/local/sbin"_s});
}

bool processAlive(qint64 pid) {
    return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0;
}

} // namespace

EngineServer::EngineServer(Kind kind)
    // Unix socket paths are limited to 108 bytes: keep the directory short.
    : m_kind(kind)
    , m_dir(u"/tmp/berth-engine-XXXXXX"_s) {
}

EngineServer::~EngineServer() {
    stop();
}

QString EngineServer::unavailableReason(Kind kind) {
    const QString program = programName(kind);
    if (::geteuid() != 0)
        return u"%1 needs root for vfs storage and its own mounts; these tests run as uid %2"_s
            .arg(program)
            .arg(::geteuid());
    if (findProgram(program).isEmpty())
        return kind == Kind::Docker ? u"dockerd (Debian package docker.io) is not installed"_s
                                    : u"podman (Debian package podman) is not installed"_s;
    return startFailure(kind);
}

QString EngineServer::path(const QString& name) const {
    return m_dir.filePath(name);
}

QString EngineServer::socketPath() const {
    return path(m_kind == Kind::Docker ? u"docker.sock"_s : u"podman.sock"_s);
}

QString EngineServer::dockerHost() const {
    return u"unix://"_s + socketPath();
}

bool EngineServer::isRunning() const {
    return m_process && m_process->state() != QProcess::NotRunning;
}

qint64 EngineServer::processId() const {
    return m_process ? m_process->processId() : 0;
}

QStringList EngineServer::dockerArguments() const {
    // daemon.json of our own: /etc/docker/daemon.json must not change the test engine.
    QStringList arguments{u"--storage-driver"_s, u"vfs"_s,
                          u"--iptables=false"_s, u"--bridge=none"_s,
                          u"--host"_s,           dockerHost(),
                          u"--data-root"_s,      path(u"data"_s),
                          u"--exec-root"_s,      path(u"exec"_s),
                          u"--pidfile"_s,        path(u"docker.pid"_s),
                          u"--config-file"_s,    path(u"daemon.json"_s)};
    if (m_tls) {
        const QDir tls(path(u"tls"_s));
        arguments << u"--host"_s << u"tcp://127.0.0.1:0"_s << u"--tlsverify"_s << u"--tlscacert"_s
                  << tls.filePath(u"ca.pem"_s) << u"--tlscert"_s << tls.filePath(u"server.pem"_s)
                  << u"--tlskey"_s << tls.filePath(u"server.key"_s);
    }
    return arguments;
}

bool EngineServer::enableTls() {
    if (m_kind != Kind::Docker)
        return fail(u"only the dockerd test engine listens with TLS"_s);
    if (!QDir().mkpath(path(u"tls"_s)) || !QDir().mkpath(clientCertPath()))
        return fail(u"could not create the certificate folders"_s);
    TestCertificates certificates(path(u"tls"_s));
    if (!certificates.createAuthority() ||
        !certificates.issue(u"server"_s, TestCertificates::Use::Server) ||
        !certificates.issue(u"client"_s, TestCertificates::Use::Client))
        return fail(certificates.errorString());
    // The names the docker CLI (and Berth) look for under DOCKER_CERT_PATH.
    const QDir client(clientCertPath());
    if (!QFile::copy(certificates.path(u"ca.pem"_s), client.filePath(u"ca.pem"_s)) ||
        !QFile::copy(certificates.path(u"client.pem"_s), client.filePath(u"cert.pem"_s)) ||
        !QFile::copy(certificates.path(u"client.key"_s), client.filePath(u"key.pem"_s)))
        return fail(u"could not lay out the client certificates"_s);
    m_tls = true;
    return true;
}

QString EngineServer::tlsDockerHost() const {
    return m_tlsPort > 0 ? u"tcp://127.0.0.1:%1"_s.arg(m_tlsPort) : QString();
}

QString EngineServer::clientCertPath() const {
    return path(u"client-certs"_s);
}

QStringList EngineServer::podmanArguments() const {
    return {u"--root"_s,           path(u"root"_s), u"--runroot"_s,        path(u"run"_s),
            u"--storage-driver"_s, u"vfs"_s,        u"--tmpdir"_s,         path(u"tmp"_s),
            u"--events-backend"_s, u"file"_s,       u"--cgroup-manager"_s, u"cgroupfs"_s,
            u"system"_s,           u"service"_s,    u"--time"_s,           u"0"_s,
            dockerHost()};
}

bool EngineServer::writePodmanConfig() const {
    // "127.0.0.1" matches every port of it: the registries the tests start are plain HTTP.
    QFile registries(path(u"registries.conf"_s));
    QFile containers(path(u"containers.conf"_s));
    QFile storage(path(u"storage.conf"_s));
    if (!registries.open(QIODevice::WriteOnly) || !containers.open(QIODevice::WriteOnly) ||
        !storage.open(QIODevice::WriteOnly))
        return false;
    registries.write("unqualified-search-registries = []\n"
                     "[[registry]]\nlocation = \"127.0.0.1\"\ninsecure = true\n"
                     "[[registry]]\nlocation = \"localhost\"\ninsecure = true\n");
    // No default rlimits: runc may not set them in this sandbox, and containers must run.
    containers.write("[containers]\ndefault_ulimits = []\n");
    storage.write("[storage]\ndriver = \"vfs\"\nrunroot = \"" + path(u"run"_s).toUtf8() +
                  "\"\ngraphroot = \"" + path(u"root"_s).toUtf8() + "\"\n");
    return true;
}

bool EngineServer::fail(const QString& message) {
    m_error = message;
    const QString tail = logTail();
    if (!tail.isEmpty())
        m_error += u"; log:\n"_s + tail;
    stop();
    startFailure(m_kind) = u"%1 did not start: %2"_s.arg(programName(m_kind), message);
    return false;
}

bool EngineServer::start() {
    if (const QString reason = unavailableReason(m_kind); !reason.isEmpty())
        return fail(reason);
    if (!m_dir.isValid())
        return fail(u"no temporary directory: "_s + m_dir.errorString());

    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const QString& key : environment.keys()) {
        if (key.startsWith(u"DOCKER_"_s) || key.startsWith(u"CONTAINERS_"_s))
            environment.remove(key);
    }
    // dockerd finds containerd and runc on PATH.
    environment.insert(u"PATH"_s,
                       environment.value(u"PATH"_s) + u":/usr/local/sbin:/usr/sbin:/sbin"_s);
    if (m_kind == Kind::Docker) {
        QFile config(path(u"daemon.json"_s));
        if (!config.open(QIODevice::WriteOnly) || config.write("{}\n") != 3)
            return fail(u"cannot write daemon.json"_s);
    } else {
        if (!writePodmanConfig())
            return fail(u"cannot write podman's configuration"_s);
        environment.insert(u"CONTAINERS_REGISTRIES_CONF"_s, path(u"registries.conf"_s));
        environment.insert(u"CONTAINERS_CONF"_s, path(u"containers.conf"_s));
        environment.insert(u"CONTAINERS_STORAGE_CONF"_s, path(u"storage.conf"_s));
    }

    m_process = std::make_unique<QProcess>();
    m_process->setProcessEnvironment(environment);
    m_process->setWorkingDirectory(m_dir.path());
    m_process->setStandardOutputFile(path(u"engine.log"_s));
    m_process->setStandardErrorFile(path(u"engine.log"_s), QIODevice::Append);
    // A test that crashes never runs the destructor: the kernel stops the engine then
    // (and dockerd's own containerd dies with dockerd).
    m_process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    m_process->start(findProgram(programName(m_kind)),
                     m_kind == Kind::Docker ? dockerArguments() : podmanArguments());
    if (!m_process->waitForStarted(10000))
        return fail(m_process->errorString());

    const bool ready = QTest::qWaitFor([this] { return !isRunning() || isListening(); }, 60000);
    if (!isRunning())
        return fail(u"it exited with code %1"_s.arg(m_process->exitCode()));
    if (!ready)
        return fail(u"it was not listening on %1 after 60 seconds"_s.arg(socketPath()));
    return true;
}

bool EngineServer::isListening() {
    if (!QFileInfo::exists(socketPath()))
        return false;
    if (m_kind == Kind::Podman)
        return acceptsConnections(socketPath());
    // dockerd creates the socket early and says when its API really serves.
    QFile log(path(u"engine.log"_s));
    if (!log.open(QIODevice::ReadOnly))
        return false;
    const QString text = QString::fromUtf8(log.readAll());
    if (!text.contains(u"API listen on"_s))
        return false;
    if (!m_tls)
        return true;
    // The TCP listener is logged with the port the kernel gave it.
    static const QRegularExpression tcpListener(u"API listen on 127\\.0\\.0\\.1:(\\d+)"_s);
    const QRegularExpressionMatch match = tcpListener.match(text);
    if (!match.hasMatch())
        return false;
    m_tlsPort = match.captured(1).toInt();
    return true;
}

QString EngineServer::logTail(int lines) const {
    QFile log(path(u"engine.log"_s));
    if (!log.open(QIODevice::ReadOnly))
        return {};
    QStringList all = QString::fromUtf8(log.readAll()).split(u'\n', Qt::SkipEmptyParts);
    return all.mid(std::max<qsizetype>(0, all.size() - lines)).join(u'\n');
}

void EngineServer::stop() {
    if (isRunning()) {
        m_process->terminate();
        if (!m_process->waitForFinished(20000)) {
            m_process->kill();
            m_process->waitForFinished(5000);
        }
    }
    reapLeftovers();
}

void EngineServer::kill() {
    if (isRunning()) {
        m_process->kill();
        m_process->waitForFinished(5000);
    }
    reapLeftovers();
}

void EngineServer::reapLeftovers() {
    if (m_kind != Kind::Docker || !m_dir.isValid())
        return;
    unmountLeftovers();
    // dockerd's containerd dies with it (parent-death signal); should a version not do
    // that, the pid file in our exec root names it, and its command line proves it ours.
    QFile pidFile(path(u"exec/containerd/containerd.pid"_s));
    if (!pidFile.open(QIODevice::ReadOnly))
        return;
    const qint64 pid = pidFile.readAll().trimmed().toLongLong();
    QFile cmdline(u"/proc/%1/cmdline"_s.arg(pid));
    if (!processAlive(pid) || !cmdline.open(QIODevice::ReadOnly) ||
        !cmdline.readAll().contains(m_dir.path().toUtf8()))
        return;
    ::kill(static_cast<pid_t>(pid), SIGKILL);
    // Best effort: init may reap it a little later.
    static_cast<void>(QTest::qWaitFor([pid] { return !processAlive(pid); }, 5000));
}

void EngineServer::unmountLeftovers() {
    // dockerd bind-mounts its data root onto itself and unmounts it only on a clean
    // shutdown: after SIGKILL the mount would keep the temporary directory alive.
    QFile mountInfo(u"/proc/self/mountinfo"_s);
    if (!mountInfo.open(QIODevice::ReadOnly))
        return;
    const QByteArray prefix = m_dir.path().toUtf8() + '/';
    QList<QByteArray> mountPoints;
    for (const QByteArray& line : mountInfo.readAll().split('\n')) {
        const QList<QByteArray> fields = line.split(' ');
        // Field 5 is the mount point; mountinfo escapes spaces as \040, which a
        // QTemporaryDir path never contains.
        if (fields.size() > 4 && fields.at(4).startsWith(prefix))
            mountPoints.append(fields.at(4));
    }
    // Deepest first, so a mount inside another one goes before its parent.
    std::sort(mountPoints.begin(), mountPoints.end(),
              [](const QByteArray& a, const QByteArray& b) { return a.size() > b.size(); });
    for (const QByteArray& mountPoint : std::as_const(mountPoints))
        ::umount2(mountPoint.constData(), MNT_DETACH);
}

} // namespace berth::test
