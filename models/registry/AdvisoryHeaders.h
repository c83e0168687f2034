#pragma once

// The response headers in which a registry advises its client rather than answers it:
// how long to wait before retrying (Retry-After) and what a person should read (Warning).
// Both come from the server as it is, so both parsers take any bytes.

#include <QByteArray>
#include <QStringList>

#include <optional>

namespace berth {

// The wait a Retry-After value asks for, in whole seconds, never negative; nullopt when it
// says nothing usable. A number beyond 64 bits reads as the largest wait, not as garbage.
std::optional<qint64> retryAfterSeconds(const QByteArray& value);

// The texts of the "299" warnings in one Warning header value (RFC 7234 5.5).
QStringList parseWarningTexts(const QByteArray& headerValue);

} // namespace berth
