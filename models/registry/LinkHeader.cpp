#include "registry/LinkHeader.h"

using namespace Qt::StringLiterals;

namespace berth {

namespace {

struct LinkValue {
    QString target; // the URI reference between '<' and '>', untouched
    QStringList relations;
};

bool isSpace(QChar c) {
    return c == u' ' || c == u'\t';
}

bool isTchar(QChar c) {
    if (c.unicode() >= 128)
        return false;
    const char ch = char(c.unicode());
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           QByteArrayView("!#$%&'*+-.^_`|~").contains(ch);
}

// Reads every link-value of one header line:
//   link-value = "<" URI-Reference ">" *( OWS ";" OWS link-param )
//   link-param = token BWS [ "=" BWS ( token / quoted-string ) ]
Result<QList<LinkValue>> parseLinkLine(const QString& line) {
    const auto unreadable = [&line](const QString& why) {
        return Result<QList<LinkValue>>::failure(
            u"The registry sent a Link header Berth cannot read (%1): %2"_s.arg(why, line));
    };
    QList<LinkValue> links;
    qsizetype pos = 0;
    const auto skipSpaces = [&] {
        while (pos < line.size() && isSpace(line.at(pos)))
            ++pos;
    };
    while (true) {
        while (pos < line.size() && (isSpace(line.at(pos)) || line.at(pos) == u','))
            ++pos;
        if (pos >= line.size())
            return links;
        if (line.at(pos) != u'<')
            return unreadable(u"a link must start with '<'"_s);
        const qsizetype close = line.indexOf(u'>', pos + 1);
        if (close < 0)
            return unreadable(u"a link has no closing '>'"_s);
        LinkValue link;
        link.target = line.mid(pos + 1, close - pos - 1);
        pos = close + 1;
        bool sawRel = false;
        while (true) {
            skipSpaces();
            if (pos >= line.size() || line.at(pos) == u',')
                break;
            if (line.at(pos) != u';')
                return unreadable(u"expected ';' or ',' after a link"_s);
            ++pos;
            skipSpaces();
            const qsizetype nameStart = pos;
            while (pos < line.size() && isTchar(line.at(pos)))
                ++pos;
            const QString name = line.mid(nameStart, pos - nameStart).toLower();
            if (name.isEmpty())
                return unreadable(u"a link parameter has no name"_s);
            skipSpaces();
            QString value;
            if (pos < line.size() && line.at(pos) == u'=') {
                ++pos;
                skipSpaces();
                if (pos < line.size() && line.at(pos) == u'"') {
                    ++pos;
                    bool closed = false;
                    while (pos < line.size()) {
                        QChar c = line.at(pos++);
                        if (c == u'"') {
                            closed = true;
                            break;
                        }
                        if (c == u'\\' && pos < line.size())
                            c = line.at(pos++);
                        value += c;
                    }
                    if (!closed)
                        return unreadable(u"a quoted parameter is not closed"_s);
                } else {
                    const qsizetype valueStart = pos;
                    while (pos < line.size() && !isSpace(line.at(pos)) && line.at(pos) != u';' &&
                           line.at(pos) != u',')
                        ++pos;
                    value = line.mid(valueStart, pos - valueStart);
                }
            }
            // RFC 8288: only the first rel counts; its value is a space-separated list.
            if (name == u"rel"_s && !sawRel) {
                sawRel = true;
                link.relations = value.toLower().simplified().split(u' ', Qt::SkipEmptyParts);
            }
        }
        links.append(link);
    }
}

int effectivePort(const QUrl& url) {
    const QString scheme = url.scheme();
    return url.port(scheme == u"https"_s ? 443 : scheme == u"http"_s ? 80 : -1);
}

QString origin(const QUrl& url) {
    return u"%1://%2:%3"_s.arg(url.scheme(), url.host()).arg(effectivePort(url));
}

} // namespace

Result<std::optional<QUrl>> nextPageUrl(const QList<QByteArray>& linkHeaderValues,
                                        const QUrl& requestUrl) {
    using NextPage = Result<std::optional<QUrl>>;
    for (const QByteArray& header : linkHeaderValues) {
        auto links = parseLinkLine(QString::fromUtf8(header));
        if (!links)
            return links.error();
        for (const LinkValue& link : links.value()) {
            if (!link.relations.contains(u"next"_s))
                continue;
            // Treated as opaque: resolved, never rebuilt, so the registry's own
            // pagination cursor in the query reaches it again unchanged.
            const QUrl target(link.target);
            if (!target.isValid())
                return NextPage::failure(
                    u"The registry's next-page link \"%1\" is not a valid URL."_s.arg(link.target));
            const QUrl next = requestUrl.resolved(target);
            if (origin(next) != origin(requestUrl))
                return NextPage::failure(
                    u"The registry's next-page link leads to another server (%1 instead of %2); "
                    u"Berth only follows pages on the registry itself."_s.arg(origin(next),
                                                                              origin(requestUrl)));
            // A page that names itself as next would make the client loop forever.
            if (next == requestUrl)
                return NextPage::failure(
                    u"The registry's next-page link points back at the same page: %1"_s.arg(
                        next.toString()));
            return std::optional<QUrl>(next);
        }
    }
    return std::optional<QUrl>();
}

} // namespace berth
