#pragma once

// PostgreSQL passwords in the system keychain: the freedesktop Secret Service (GNOME
// Keyring, KWallet) reached through libsecret's secret-tool, so berth_models links
// neither D-Bus nor libsecret. An entry is found by its connection (host, port, user,
// database); the password itself only ever travels over the tool's stdin and stdout,
// never through an argument, a message or the settings.

#include "core/Result.h"
#include "history/HistoryLocation.h"

#include <QStringList>

#include <optional>

namespace berth {

class PostgresKeychain {
public:
    // Stored as libsecret's own schema attribute (xdg:schema), so other libsecret
    // clients and keyring browsers see what the entry is and never mistake it for theirs.
    static inline const QString kSchema = QStringLiteral("io.github.berth.PostgresPassword");

    // The stored password, nullopt when the keychain has none for this connection. An
    // Error (one sentence) when the keychain cannot be asked at all: secret-tool missing,
    // no D-Bus session, no Secret Service on it, a keychain that stayed locked.
    static Result<std::optional<QString>> lookup(const HistoryLocation& location);
    // Replaces any password stored for the same connection.
    static Status store(const HistoryLocation& location, const QString& password);

    // The attribute/value pairs an entry carries, in secret-tool's argument order.
    static QStringList attributes(const HistoryLocation& location);
    // Who libpq connects as: the URL's user, else PGUSER, else the login name.
    static QString effectiveUser(const HistoryLocation& location);

    // Sentences to follow the driver's text (which never holds a password) when the server
    // wants a password: both ways to give it, and why the keychain could not help when
    // keychainProblem (lookup's Error message) says so.
    static QString noPasswordAdvice(const HistoryLocation& location,
                                    const QString& keychainProblem);
    static QString wrongPasswordAdvice(const HistoryLocation& location);
};

} // namespace berth
