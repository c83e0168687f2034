#include "engine/EngineHost.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace berth {

QString EngineHost::fromEnvironment() {
    const QString fromEnv = qEnvironmentVariable("DOCKER_HOST").trimmed();
    return fromEnv.isEmpty() ? QString::fromLatin1(kDefault) : fromEnv;
}

Result<EngineHost> EngineHost::parse(const QString& dockerHost) {
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
    if (text.startsWith(u"tcp://"_s) || text.startsWith(u"http://"_s)) {
        const QUrl url(text.startsWith(u"tcp://"_s) ? u"http://"_s + text.mid(6) : text);
        if (!url.isValid() || url.host().isEmpty() || url.port() <= 0 ||
            (!url.path().isEmpty() && url.path() != u"/"_s))
            return Result<EngineHost>::failure(
                u"DOCKER_HOST \"%1\" must look like tcp://host:port."_s.arg(text));
        const QString hostPart = url.host().contains(u':') ? u'[' + url.host() + u']' : url.host();
        host.m_baseUrl = u"http://%1:%2"_s.arg(hostPart).arg(url.port());
        return host;
    }
    return Result<EngineHost>::failure(
        u"DOCKER_HOST \"%1\" is not supported: use unix:///path/docker.sock or tcp://host:port."_s
            .arg(text));
}

} // namespace berth
