#include "registry/TokenResponse.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

bool isVisibleAscii(const QString& text) {
    return std::all_of(text.cbegin(), text.cend(),
                       [](QChar c) { return c.unicode() > 0x20 && c.unicode() < 0x7f; });
}

} // namespace

Result<BearerToken> parseTokenResponse(const QByteArray& body) {
    const QJsonObject root = QJsonDocument::fromJson(body).object();
    // "token" per the distribution spec; "access_token" is its OAuth2 alias.
    QString token = root.value(u"token"_s).toString();
    if (token.isEmpty())
        token = root.value(u"access_token"_s).toString();
    if (token.isEmpty())
        return Result<BearerToken>::failure(u"The token service answered without a token."_s);
    if (!isVisibleAscii(token))
        return Result<BearerToken>::failure(
            u"The token service answered with a token that is not printable ASCII, so it "
            u"cannot be sent in a header."_s);
    // A lifetime that is not a whole number of seconds within int range counts as unsaid.
    const int expiresIn = std::max(0, root.value(u"expires_in"_s).toInt(0));
    return BearerToken{"Bearer " + token.toLatin1(), expiresIn};
}

} // namespace berth
