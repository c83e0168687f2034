#pragma once

// Whether a file a user named as a CA file really holds a certificate, asked before any
// connection so the mistake is reported as such rather than as a failed handshake.

#include <QString>

namespace berth {

// True when `path` is a readable file with at least one PEM "CERTIFICATE" block that
// parses as X.509. Other PEM blocks (keys, parameters) are skipped, as TLS libraries do.
bool holdsPemCertificate(const QString& path);

} // namespace berth
