#pragma once

// The answer of a registry's token service (the distribution token spec, or its OAuth2
// form): the bearer token to send and how long it lives. The body comes from whichever host
// the registry named as its realm, so it is read as untrusted bytes.

#include "core/Result.h"

#include <QByteArray>

namespace berth {

struct BearerToken {
    QByteArray authorization; // "Bearer <token>", ready for the Authorization header
    int expiresInSeconds = 0; // as the service said; 0 when it did not say
};

// Refuses a body without a token, and a token that could not travel in a header as it is
// (anything but visible ASCII: a CR or LF would start a header of the service's choosing).
Result<BearerToken> parseTokenResponse(const QByteArray& body);

} // namespace berth
