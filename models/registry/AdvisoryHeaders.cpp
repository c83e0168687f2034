#include "registry/AdvisoryHeaders.h"

#include <QDateTime>
#include <QLocale>

#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

namespace berth {

// delay-seconds is digits only (RFC 9110 10.2.3); a negative number or a date already past
// means no wait.
std::optional<qint64> retryAfterSeconds(const QByteArray& value) {
    const QByteArray text = value.trimmed();
    if (text.isEmpty())
        return std::nullopt;
    const bool negative = text.startsWith('-');
    const QByteArray digits = negative || text.startsWith('+') ? text.mid(1) : text;
    if (!digits.isEmpty() &&
        std::all_of(digits.cbegin(), digits.cend(), [](char c) { return c >= '0' && c <= '9'; })) {
        if (negative)
            return 0;
        bool fits = false;
        const qint64 seconds = digits.toLongLong(&fits);
        return fits ? seconds : std::numeric_limits<qint64>::max();
    }
    // The other form is an HTTP date: "Wed, 21 Oct 2015 07:28:00 GMT".
    QDateTime when =
        QLocale::c().toDateTime(QString::fromLatin1(text), u"ddd, dd MMM yyyy HH:mm:ss 'GMT'"_s);
    if (!when.isValid())
        return std::nullopt;
    when.setTimeSpec(Qt::UTC);
    // Rounded up: retrying before the stated time earns another 429.
    return std::max<qint64>(0, (QDateTime::currentDateTimeUtc().msecsTo(when) + 999) / 1000);
}

QStringList parseWarningTexts(const QByteArray& headerValue) {
    // Warning: 299 - "text" ["date"], possibly several joined by commas (Qt merges
    // repeated header lines). Only code 299 is meant for people to read.
    QStringList texts;
    const QByteArray value = headerValue.trimmed();
    qsizetype position = 0;
    while (position < value.size()) {
        const qsizetype codeEnd = value.indexOf(' ', position);
        if (codeEnd < 0)
            break;
        const QByteArray code = value.mid(position, codeEnd - position).trimmed();
        const qsizetype quote = value.indexOf('"', codeEnd);
        if (quote < 0)
            break;
        QByteArray text;
        qsizetype cursor = quote + 1;
        for (; cursor < value.size() && value[cursor] != '"'; ++cursor) {
            if (value[cursor] == '\\' && cursor + 1 < value.size())
                ++cursor;
            text += value[cursor];
        }
        // Skip an optional quoted warn-date, then the comma before the next warning.
        qsizetype next = cursor + 1;
        while (next < value.size() && value[next] == ' ')
            ++next;
        if (next < value.size() && value[next] == '"')
            next = value.indexOf('"', next + 1) + 1;
        const qsizetype comma = next > 0 ? value.indexOf(',', next) : -1;
        if (code == "299")
            texts.append(QString::fromUtf8(text));
        if (comma < 0)
            break;
        position = comma + 1;
        while (position < value.size() && value[position] == ' ')
            ++position;
    }
    return texts;
}

} // namespace berth
