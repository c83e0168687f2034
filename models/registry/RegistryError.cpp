#include "registry/RegistryError.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

QString statusMeaning(int status) {
    switch (status) {
    case 400:
        return u"the registry rejected the request"_s;
    case 401:
        return u"authentication required or the credentials were refused"_s;
    case 403:
        return u"access denied"_s;
    case 404:
        return u"not found"_s;
    case 405:
        return u"the registry does not allow this operation"_s;
    case 412:
        return u"a precondition failed (the tag may be immutable)"_s;
    case 413:
        return u"the request was too large"_s;
    case 429:
        return u"rate limited by the registry"_s;
    default:
        break;
    }
    if (status >= 500)
        return u"the registry had an internal error"_s;
    return u"unexpected answer"_s;
}

constexpr qsizetype kExcerptLength = 200;

// A body that is not JSON may still say something useful; keep it short and printable.
// An HTML error page ("<title>502 Bad Gateway</title>...<h1>502 Bad Gateway</h1>") is
// reduced to its distinct texts, and a leading status number is dropped, because the
// message names the HTTP status itself.
QString plainExcerpt(const QByteArray& body, int status) {
    QString text = QString::fromUtf8(body.left(4096));
    if (text.contains(u'<')) {
        static const QRegularExpression tag(u"<[^>]*>"_s);
        QStringList pieces;
        for (const QString& piece : text.split(tag)) {
            const QString simple = piece.simplified();
            if (!simple.isEmpty() && !pieces.contains(simple))
                pieces.append(simple);
        }
        text = pieces.join(u' ');
    }
    text = text.simplified();
    text.removeIf([](QChar c) { return !c.isPrint(); });
    const QString number = QString::number(status);
    if (text.startsWith(number) &&
        (text.size() == number.size() || !text.at(number.size()).isDigit()))
        text = text.mid(number.size()).simplified();
    if (text.startsWith(u':') || text.startsWith(u'-'))
        text = text.mid(1).simplified();
    return text.left(kExcerptLength);
}

} // namespace

Error registryErrorFrom(const HttpResponse& response, const QString& subject) {
    QString code;
    QString detail;
    const QJsonObject root = QJsonDocument::fromJson(response.body).object();
    const QJsonArray errors = root.value(u"errors"_s).toArray();
    if (!errors.isEmpty()) {
        const QJsonObject first = errors.first().toObject();
        code = first.value(u"code"_s).toString();
        detail = first.value(u"message"_s).toString();
        if (errors.size() > 1)
            detail += u" (and %1 more)"_s.arg(errors.size() - 1);
    } else if (!response.body.isEmpty()) {
        detail = plainExcerpt(response.body, response.status);
    }
    if (detail.isEmpty())
        detail = statusMeaning(response.status);

    QString message = u"%1: %2 (HTTP %3"_s.arg(subject, detail, QString::number(response.status));
    if (!code.isEmpty())
        message += u", "_s + code;
    message += u')';
    if (response.status == 429) {
        const QByteArray retryAfter = response.header("Retry-After");
        if (!retryAfter.isEmpty())
            message +=
                u"; the registry asks to retry after %1"_s.arg(QString::fromLatin1(retryAfter));
    }
    message += u'.';
    return Error::make(message, response.status, code);
}

} // namespace berth
