#include "core/DisplayText.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace berth {

QString withoutCredentials(const QString& text) {
    // scheme://userinfo@ — userinfo runs up to the last '@' before the host ends.
    static const QRegularExpression userinfo(u"\\b([A-Za-z][A-Za-z0-9+.-]*://)[^/?#\\s@]*@"_s);
    QString cleaned = text;
    cleaned.replace(userinfo, u"\\1"_s);
    return cleaned;
}

QString escapedForTerminal(const QString& text) {
    QString escaped;
    escaped.reserve(text.size());
    for (const QChar c : text) {
        const char16_t code = c.unicode();
        const bool control =
            (code < 0x20 && code != u'\n' && code != u'\t') || (code >= 0x7f && code <= 0x9f);
        if (control)
            escaped += u"\\x%1"_s.arg(int(code), 2, 16, QChar(u'0'));
        else
            escaped += c;
    }
    return escaped;
}

} // namespace berth
