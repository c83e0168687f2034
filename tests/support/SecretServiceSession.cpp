#include "SecretServiceSession.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::StringLiterals;

namespace berth::test {

namespace {

constexpr int kStartTimeoutMs = 15000;
// Only this test keyring's own password, so the daemon creates and unlocks it at once.
const QByteArray kKeyringPassword = "berth-test-keyring";

// A session bus whose only listener is a socket in the test's folder and which has no
// service directories: a client's call before the daemon is up fails instead of
// starting a second keyring daemon through D-Bus activation.
const QString kBusConfig =
    uR"(<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=%1</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
)"_s;

void stop(std::unique_ptr<QProcess>& process) {
    if (!process)
        return;
    if (process->state() != QProcess::NotRunning) {
        process->terminate();
        if (!process->waitForFinished(5000)) {
            process->kill();
            process->waitForFinished(5000);
        }
    }
    process.reset();
}

} // namespace

QString SecretServiceSession::unavailableReason() {
    const QList<std::pair<QString, QString>> programs{
        {u"dbus-daemon"_s, u"dbus-daemon"_s},
        {u"gnome-keyring-daemon"_s, u"gnome-keyring"_s},
        {u"secret-tool"_s, u"libsecret-tools"_s}};
    for (const auto& [program, package] : programs)
        if (QStandardPaths::findExecutable(program).isEmpty())
            return u"%1 is not installed (Debian package %2; scripts/install-deps installs it)"_s
                .arg(program, package);
    return {};
}

SecretServiceSession::SecretServiceSession() {
    for (const QString& folder :
         {u"home/.local/share"_s, u"home/.config"_s, u"home/.cache"_s, u"runtime"_s})
        QDir(m_dir.path()).mkpath(folder);
    // XDG_RUNTIME_DIR must belong to the user alone, or the daemon refuses it.
    QFile::setPermissions(m_dir.filePath(u"runtime"_s),
                          QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
}

SecretServiceSession::~SecretServiceSession() {
    stop(m_keyring);
    stop(m_bus);
}

bool SecretServiceSession::fail(const QString& error) {
    m_error = error;
    return false;
}

QString SecretServiceSession::path(const QString& name) const {
    return m_dir.filePath(u"home/"_s + name);
}

QProcessEnvironment SecretServiceSession::environment() const {
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(u"DISPLAY"_s);
    environment.remove(u"WAYLAND_DISPLAY"_s);
    environment.insert(u"HOME"_s, m_dir.filePath(u"home"_s));
    environment.insert(u"XDG_DATA_HOME"_s, m_dir.filePath(u"home/.local/share"_s));
    environment.insert(u"XDG_CONFIG_HOME"_s, m_dir.filePath(u"home/.config"_s));
    environment.insert(u"XDG_CACHE_HOME"_s, m_dir.filePath(u"home/.cache"_s));
    environment.insert(u"XDG_RUNTIME_DIR"_s, m_dir.filePath(u"runtime"_s));
    if (m_address.isEmpty())
        environment.remove(u"DBUS_SESSION_BUS_ADDRESS"_s);
    else
        environment.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, m_address);
    return environment;
}

bool SecretServiceSession::startBus() {
    if (!m_dir.isValid())
        return fail(u"no temporary directory: "_s + m_dir.errorString());
    const QString configPath = m_dir.filePath(u"bus.conf"_s);
    QFile config(configPath);
    if (!config.open(QIODevice::WriteOnly) ||
        config.write(kBusConfig.arg(m_dir.filePath(u"runtime/bus"_s)).toUtf8()) < 0)
        return fail(u"could not write "_s + configPath);
    config.close();

    m_bus = std::make_unique<QProcess>();
    m_bus->setProcessEnvironment(environment());
    m_bus->start(u"dbus-daemon"_s, {u"--config-file="_s + configPath, u"--nofork"_s,
                                    u"--nopidfile"_s, u"--print-address=1"_s});
    if (!m_bus->waitForStarted(kStartTimeoutMs))
        return fail(u"dbus-daemon did not start: "_s + m_bus->errorString());
    while (!m_bus->canReadLine()) {
        if (!m_bus->waitForReadyRead(kStartTimeoutMs))
            return fail(u"dbus-daemon printed no address: "_s +
                        QString::fromUtf8(m_bus->readAllStandardError()).trimmed());
    }
    m_address = QString::fromUtf8(m_bus->readLine()).trimmed();
    return true;
}

bool SecretServiceSession::keyringAnswers() {
    // A lookup that matches nothing exits 1 in silence once a Secret Service answers;
    // before that it complains that nobody owns org.freedesktop.secrets.
    QProcess probe;
    probe.setProcessEnvironment(environment());
    probe.start(u"secret-tool"_s, {u"lookup"_s, u"xdg:schema"_s, u"berth.test.ReadinessProbe"_s});
    probe.closeWriteChannel();
    if (!probe.waitForFinished(kStartTimeoutMs))
        return false;
    return probe.exitStatus() == QProcess::NormalExit && probe.exitCode() == 1 &&
           probe.readAllStandardError().trimmed().isEmpty();
}

bool SecretServiceSession::startKeyring() {
    if (m_address.isEmpty() && !startBus())
        return false;
    return startKeyringDaemon(true);
}

bool SecretServiceSession::restartKeyringLocked() {
    if (!m_keyring)
        return fail(u"no keyring daemon to restart"_s);
    stop(m_keyring);
    return startKeyringDaemon(false);
}

bool SecretServiceSession::startKeyringDaemon(bool unlocked) {
    m_keyring = std::make_unique<QProcess>();
    m_keyring->setProcessEnvironment(environment());
    // --unlock takes the keyring's password from stdin and creates the login keyring
    // with it, the way a desktop login hands it over.
    QStringList arguments{u"--foreground"_s, u"--components=secrets"_s};
    if (unlocked)
        arguments.append(u"--unlock"_s);
    m_keyring->start(u"gnome-keyring-daemon"_s, arguments);
    if (!m_keyring->waitForStarted(kStartTimeoutMs))
        return fail(u"gnome-keyring-daemon did not start: "_s + m_keyring->errorString());
    if (unlocked)
        m_keyring->write(kKeyringPassword);
    m_keyring->closeWriteChannel();
    if (!QTest::qWaitFor(
            [this] { return m_keyring->state() != QProcess::Running || keyringAnswers(); },
            kStartTimeoutMs) ||
        m_keyring->state() != QProcess::Running)
        return fail(u"gnome-keyring-daemon did not answer on the session bus: "_s +
                    QString::fromUtf8(m_keyring->readAllStandardError()).trimmed());
    return true;
}

} // namespace berth::test
