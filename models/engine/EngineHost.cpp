#include "engine/EngineHost.h"

#include <QDir>
#include <QFileInfo>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

// Loopback without a name lookup: "localhost", 127.0.0.0/8 and ::1.
bool isLoopbackHost(const QString& host) {
    if (host.compare(u"localhost"_s, Qt::CaseInsensitive) == 0 || host == u"::1"_s)
        return true;
    const QStringList octets = host.split(u'.');
    if (octets.size() != 4 || octets.first() != u"127"_s)
        return false;
    for (const QString& octet : octets) {
        bool isNumber = false;
        const int value = octet.toInt(&isNumber);
        if (!isNumber || value < 0 || value > 255)
            return false;
    }
    return true;
}

} // namespace

EngineTls EngineTls::fromEnvironment() {
    EngineTls tls;
    tls.verify = !qEnvironmentVariable("DOCKER_TLS_VERIFY").isEmpty();
    tls.certPath = qEnvironmentVariable("DOCKER_CERT_PATH");
    if (tls.certPath.isEmpty())
        tls.certPath = QDir::home().filePath(u".docker"_s);
    return tls;
}

QString EngineHost::fromEnvironment() {
    const QString fromEnv = qEnvironmentVariable("DOCKER_HOST").trimmed();
    return fromEnv.isEmpty() ? QString::fromLatin1(kDefault) : fromEnv;
}

Result<EngineHost> EngineHost::parse(const QString& dockerHost) {
    return parse(dockerHost, EngineTls::fromEnvironment());
}

Result<EngineHost> EngineHost::parse(const QString& dockerHost, const EngineTls& tls) {
    const QString text = dockerHost.trimmed();
    EngineHost host;
    host.m_display = text;
    if (text.startsWith(u"unix://"_s)) {
        host.m_socketPath = text.mid(7);
        if (!host.m_socketPath.startsWith(u'/'))
            return Result<EngineHost>::failure(
                u"DOCKER_HOST \"%1\" must name an absolute socket path (unix:///path)."_s.arg(
                    text));
        host.m_baseUrl = u"http://localhost"_s;
        return host;
    }
    if (!text.startsWith(u"tcp://"_s) && !text.startsWith(u"http://"_s))
        return Result<EngineHost>::failure(
            u"DOCKER_HOST \"%1\" is not supported: use unix:///path/docker.sock or "
            u"tcp://host:port."_s.arg(text));

    const QUrl url(text.startsWith(u"tcp://"_s) ? u"http://"_s + text.mid(6) : text);
    if (!url.isValid() || url.host().isEmpty() || url.port() <= 0 ||
        (!url.path().isEmpty() && url.path() != u"/"_s))
        return Result<EngineHost>::failure(
            u"DOCKER_HOST \"%1\" must look like tcp://host:port."_s.arg(text));
    host.m_host = url.host();
    const QString hostPart = url.host().contains(u':') ? u'[' + url.host() + u']' : url.host();
    if (!tls.verify) {
        host.m_baseUrl = u"http://%1:%2"_s.arg(hostPart).arg(url.port());
        return host;
    }
    const QDir certs(tls.certPath);
    host.m_caFile = certs.filePath(u"ca.pem"_s);
    if (!QFileInfo(host.m_caFile).isFile())
        return Result<EngineHost>::failure(
            u"DOCKER_TLS_VERIFY is set, but %1 has no ca.pem to verify the engine at %2 with; "
            u"set DOCKER_CERT_PATH to the folder holding ca.pem, cert.pem and key.pem."_s.arg(
                QDir::toNativeSeparators(certs.path()), text));
    const QString cert = certs.filePath(u"cert.pem"_s);
    const QString key = certs.filePath(u"key.pem"_s);
    const bool hasCert = QFileInfo(cert).isFile();
    if (hasCert != QFileInfo(key).isFile())
        return Result<EngineHost>::failure(
            u"%1 holds only one of cert.pem and key.pem; the engine's client certificate needs "
            u"both."_s.arg(QDir::toNativeSeparators(certs.path())));
    if (hasCert) {
        host.m_certFile = cert;
        host.m_keyFile = key;
    }
    host.m_baseUrl = u"https://%1:%2"_s.arg(hostPart).arg(url.port());
    return host;
}

bool EngineHost::mayCarryCredentials() const {
    return isUnixSocket() || usesTls() || isLoopbackHost(m_host);
}

} // namespace berth
