#include "git/RemoteLocation.h"

using namespace Qt::StringLiterals;

namespace berth {

namespace {

QString normalisedPath(QString path) {
    while (path.startsWith(u'/'))
        path.remove(0, 1);
    while (path.endsWith(u'/'))
        path.chop(1);
    if (path.endsWith(u".git"_s, Qt::CaseInsensitive))
        path.chop(4);
    while (path.endsWith(u'/'))
        path.chop(1);
    return path;
}

// user@host:path, the form git calls scp-like: no "://", and no '/' before the ':'.
std::optional<RemoteLocation> parseScpLike(const QString& url) {
    const qsizetype colon = url.indexOf(u':');
    if (colon <= 0)
        return std::nullopt;
    const QString authority = url.left(colon);
    if (authority.contains(u'/'))
        return std::nullopt;
    RemoteLocation location;
    location.scheme = u"ssh"_s;
    location.host = authority.section(u'@', -1).toLower();
    location.path = normalisedPath(url.mid(colon + 1));
    if (location.host.isEmpty() || location.path.isEmpty())
        return std::nullopt;
    return location;
}

} // namespace

std::optional<RemoteLocation> RemoteLocation::parse(const QString& text) {
    const QString url = text.trimmed();
    if (url.isEmpty())
        return std::nullopt;
    if (!url.contains(u"://"_s)) {
        if (url.startsWith(u'/') || url.startsWith(u'.') || url.startsWith(u'~')) {
            RemoteLocation local;
            local.scheme = u"file"_s;
            local.path = normalisedPath(url);
            return local;
        }
        return parseScpLike(url);
    }
    const QUrl parsed(url, QUrl::TolerantMode);
    if (!parsed.isValid())
        return std::nullopt;
    RemoteLocation location;
    location.scheme = parsed.scheme().toLower();
    if (location.scheme == u"git+ssh"_s || location.scheme == u"ssh+git"_s)
        location.scheme = u"ssh"_s;
    location.host = parsed.host().toLower();
    location.port = parsed.port();
    location.path = normalisedPath(parsed.path());
    if (location.path.isEmpty() || (location.host.isEmpty() && location.scheme != u"file"_s))
        return std::nullopt;
    return location;
}

bool RemoteLocation::sameRepository(const RemoteLocation& other) const {
    const bool local = scheme == u"file"_s;
    if (local != (other.scheme == u"file"_s))
        return false;
    if (local)
        return path == other.path;
    return host == other.host && path.compare(other.path, Qt::CaseInsensitive) == 0;
}

QUrl RemoteLocation::webUrl() const {
    if (host.isEmpty() || scheme == u"file"_s)
        return {};
    QUrl url;
    const bool web = scheme == u"http"_s || scheme == u"https"_s;
    url.setScheme(web ? scheme : u"https"_s);
    url.setHost(host);
    if (web && port > 0)
        url.setPort(port); // an ssh or git port says nothing about the web server's
    url.setPath(u"/"_s + path);
    return url;
}

QUrl RemoteLocation::commitUrl(const QString& commitId) const {
    QUrl url = webUrl();
    if (url.isEmpty() || commitId.isEmpty())
        return {};
    const QString segment = host == u"bitbucket.org"_s ? u"commits"_s : u"commit"_s;
    url.setPath(u"/%1/%2/%3"_s.arg(path, segment, commitId));
    return url;
}

bool sameRepository(const QString& urlA, const QString& urlB) {
    const std::optional<RemoteLocation> a = RemoteLocation::parse(urlA);
    const std::optional<RemoteLocation> b = RemoteLocation::parse(urlB);
    return a && b && a->sameRepository(*b);
}

} // namespace berth
