#include "registry/ImageReference.h"

#include <QRegularExpression>

#include <algorithm>

#include <arpa/inet.h>
#include <netinet/in.h>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

const QString DockerHubDomain = u"docker.io"_s;
const QString DockerHubLegacyDomain = u"index.docker.io"_s;
const QString DockerHubApiHost = u"registry-1.docker.io"_s;
const QString OfficialNamespace = u"library/"_s;
constexpr qsizetype MaxNameLength = 255; // domain + '/' + path, as clients have always limited it
constexpr qsizetype MaxTagLength = 128;

QString quoted(const QString& text) {
    return u'"' + text + u'"';
}

// The path component grammar of the distribution spec: lowercase alphanumerics
// separated by '.', '_', '__' or runs of '-'.
const QRegularExpression& pathPattern() {
    static const QRegularExpression pattern(QRegularExpression::anchoredPattern(
        u"[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*"_s));
    return pattern;
}

// A host name or IPv4 address, or an IPv6 address in brackets, with an optional port.
const QRegularExpression& domainPattern() {
    static const QRegularExpression pattern(QRegularExpression::anchoredPattern(
        u"(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
        u"(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*"
        u"|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?"_s));
    return pattern;
}

bool isAsciiDigit(QChar c) {
    return c >= u'0' && c <= u'9';
}

bool isTagChar(QChar c) {
    return isAsciiDigit(c) || (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'.' ||
           c == u'_' || c == u'-';
}

bool hasUpperCase(const QString& text) {
    return std::any_of(text.cbegin(), text.cend(), [](QChar c) { return c.isUpper(); });
}

// Docker's rule: the first component names a registry only when it cannot be a
// Docker Hub user name, i.e. it looks like a host ('.' or ':'), is "localhost", or
// has upper case (Hub names never do).
bool looksLikeDomain(const QString& component) {
    return component.contains(u'.') || component.contains(u':') || component == u"localhost"_s ||
           hasUpperCase(component);
}

Result<QString> parseDigestPart(const QString& digest, const QString& text) {
    if (digest.isEmpty())
        return Result<QString>::failure(
            u"Image reference %1 ends with '@' but has no digest."_s.arg(quoted(text)));
    if (!isValidDigest(digest))
        return Result<QString>::failure(
            u"%1 in image reference %2 is not a valid digest: expected sha256: followed by 64 "
            u"lowercase hex digits (or sha512: and 128)."_s.arg(quoted(digest), quoted(text)));
    return digest;
}

// A numeric address in 127.0.0.0/8 or ::1 (also as ::ffff:127.x.y.z). IPv4 is read with
// inet_aton, the way the resolver reads it, so "127.1" and "0x7f000001" count too.
bool isLoopbackAddress(const QString& host) {
    const bool numeric = !host.isEmpty() && std::all_of(host.cbegin(), host.cend(), [](QChar c) {
        return isAsciiDigit(c) || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F') ||
               c == u'.' || c == u':' || c == u'x' || c == u'X';
    });
    if (!numeric)
        return false;
    const QByteArray text = host.toLatin1();
    in_addr v4{};
    if (inet_aton(text.constData(), &v4) != 0)
        return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    if (inet_pton(AF_INET6, text.constData(), &v6) != 1)
        return false;
    return IN6_IS_ADDR_LOOPBACK(&v6) || (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
}

} // namespace

Result<ImageReference> ImageReference::parse(const QString& input) {
    // Pasted references often carry a trailing newline; inner whitespace still fails below.
    const QString text = input.trimmed();
    if (text.isEmpty())
        return Result<ImageReference>::failure(u"The image reference is empty."_s);

    ImageReference ref;
    QString rest = text;

    const qsizetype at = rest.indexOf(u'@');
    if (at >= 0) {
        auto digest = parseDigestPart(rest.mid(at + 1), text);
        if (!digest)
            return digest.error();
        ref.m_digest = digest.value();
        rest.truncate(at);
    }

    // A ':' after the last '/' starts the tag; earlier ones belong to a host's port.
    const qsizetype colon = rest.lastIndexOf(u':');
    if (colon >= 0 && colon > rest.lastIndexOf(u'/')) {
        ref.m_tag = rest.mid(colon + 1);
        rest.truncate(colon);
        const QString problem = tagValidationError(ref.m_tag);
        if (!problem.isEmpty())
            return Result<ImageReference>::failure(
                u"Image reference %1 has an invalid tag. %2"_s.arg(quoted(text), problem));
    }

    if (rest.isEmpty())
        return Result<ImageReference>::failure(
            u"Image reference %1 has no repository name."_s.arg(quoted(text)));

    const qsizetype slash = rest.indexOf(u'/');
    if (slash > 0 && looksLikeDomain(rest.left(slash))) {
        ref.m_domain = rest.left(slash);
        ref.m_path = rest.mid(slash + 1);
        if (!domainPattern().match(ref.m_domain).hasMatch())
            return Result<ImageReference>::failure(
                u"%1 in image reference %2 is not a valid registry host."_s.arg(
                    quoted(ref.m_domain), quoted(text)));
    } else {
        ref.m_domain = DockerHubDomain;
        ref.m_path = rest;
    }
    if (ref.m_domain == DockerHubLegacyDomain)
        ref.m_domain = DockerHubDomain;
    if (ref.m_domain == DockerHubDomain && !ref.m_path.contains(u'/'))
        ref.m_path.prepend(OfficialNamespace);

    if (hasUpperCase(ref.m_path))
        return Result<ImageReference>::failure(
            u"Repository names must be lowercase: %1."_s.arg(quoted(text)));
    if (!pathPattern().match(ref.m_path).hasMatch())
        return Result<ImageReference>::failure(
            u"%1 is not a valid repository name: use lowercase letters and digits, separated by "
            u"'/', '.', '_', '__' or '-'."_s.arg(quoted(ref.m_path)));
    if (ref.repository().size() > MaxNameLength)
        return Result<ImageReference>::failure(
            u"Repository name %1 is too long: %2 characters, at most %3 are allowed."_s
                .arg(quoted(ref.repository()))
                .arg(ref.repository().size())
                .arg(MaxNameLength));
    return ref;
}

QString ImageReference::apiHost() const {
    return apiHostOf(m_domain);
}

QString apiHostOf(const QString& domain) {
    return domain == DockerHubDomain ? DockerHubApiHost : domain;
}

QString ImageReference::repository() const {
    return m_domain + u'/' + m_path;
}

QString ImageReference::reference() const {
    if (!m_digest.isEmpty())
        return m_digest;
    if (!m_tag.isEmpty())
        return m_tag;
    return u"latest"_s;
}

QString ImageReference::toString() const {
    QString text = repository();
    if (!m_tag.isEmpty())
        text += u':' + m_tag;
    if (!m_digest.isEmpty())
        text += u'@' + m_digest;
    return text;
}

bool isValidTag(const QString& tag) {
    return tagValidationError(tag).isEmpty();
}

bool isValidRepositoryPath(const QString& path) {
    return path.size() <= MaxNameLength && pathPattern().match(path).hasMatch();
}

bool isValidDigest(const QString& digest) {
    static const QRegularExpression pattern(
        QRegularExpression::anchoredPattern(u"sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128}"_s));
    return pattern.match(digest).hasMatch();
}

bool isLoopbackHost(const QString& hostAndOptionalPort) {
    QString host = hostAndOptionalPort;
    QString port;
    if (host.startsWith(u'[')) {
        const qsizetype close = host.indexOf(u']');
        if (close < 0)
            return false;
        const QString after = host.mid(close + 1);
        if (!after.isEmpty() && !after.startsWith(u':'))
            return false;
        port = after.mid(1);
        host = host.mid(1, close - 1);
        if (!after.isEmpty() && port.isEmpty())
            return false;
    } else if (host.count(u':') == 1) {
        port = host.section(u':', 1);
        host = host.section(u':', 0, 0);
        if (port.isEmpty())
            return false;
    }
    // More than one ':' without brackets is a bare IPv6 address, which carries no port.
    if (!port.isEmpty()) {
        const bool digitsOnly = std::all_of(port.cbegin(), port.cend(), isAsciiDigit);
        if (!digitsOnly || port.size() > 5 || port.toUInt() == 0 || port.toUInt() > 65535)
            return false;
    }
    if (host.compare(u"localhost"_s, Qt::CaseInsensitive) == 0)
        return true;
    return isLoopbackAddress(host);
}

QString tagValidationError(const QString& tag) {
    if (tag.isEmpty())
        return u"A tag cannot be empty."_s;
    if (tag.size() > MaxTagLength)
        return u"Tag %1 is %2 characters long; a tag can have at most %3."_s.arg(quoted(tag))
            .arg(tag.size())
            .arg(MaxTagLength);
    if (tag.front() == u'.' || tag.front() == u'-')
        return u"Tag %1 starts with %2; a tag must start with a letter, a digit or '_'."_s.arg(
            quoted(tag), quoted(tag.left(1)));
    const auto bad = std::find_if_not(tag.cbegin(), tag.cend(), isTagChar);
    if (bad != tag.cend())
        return u"Tag %1 contains %2; a tag may only use letters, digits, '_', '.' and '-'."_s.arg(
            quoted(tag), quoted(QString(*bad)));
    return {};
}

} // namespace berth
