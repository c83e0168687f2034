#pragma once

// Follows registry pagination: finds the rel="next" page in Link headers (RFC 8288)
// and makes sure following it never leaves the registry the request went to.

#include "core/Result.h"

#include <QByteArray>
#include <QList>
#include <QUrl>

#include <optional>

namespace berth {

// The rel="next" page from Link headers, resolved against the request URL.
// Ok(nullopt) when there is no next link; failure when the link points at another
// host/port/scheme (refused: pagination must never leave the registry) or is unparsable.
Result<std::optional<QUrl>> nextPageUrl(const QList<QByteArray>& linkHeaderValues,
                                        const QUrl& requestUrl);

} // namespace berth
