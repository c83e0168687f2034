#pragma once

// PostgreSQL passwords in the system keychain, through QtKeychain: the freedesktop Secret
// Service (GNOME Keyring, KWallet, KeePassXC) on Linux, the Keychain on macOS, the
// Credential Manager on Windows. Debian's QtKeychain 0.13 loads libsecret (libsecret-1-0)
// at run time and falls back to KWallet over D-Bus only when libsecret is missing.
//
// An entry is found by its connection: service "Berth PostgreSQL", key
// "user@host:port/database" (key()). Through libsecret that is an item of the schema
// org.qt.keychain labelled "Berth PostgreSQL", with the attributes server=Berth PostgreSQL,
// user=<the key> and type=plaintext; `secret-tool lookup server 'Berth PostgreSQL' user
// berth@db.internal:5432/berth` finds it. The password travels only inside the QtKeychain
// job, never through an argument, a message, a log or the settings (no plain-text fallback).
//
// lookup() and store() may be called from any thread and block it: every QtKeychain job
// of the process runs on one keychain thread of its own (see PostgresKeychain.cpp).

#include "core/Result.h"
#include "history/HistoryLocation.h"

#include <QString>

#include <optional>

namespace berth {

class PostgresKeychain {
public:
    // The QtKeychain service every entry of Berth's is stored under; a keyring browser
    // shows it as the entry's label.
    static inline const QString kService = QStringLiteral("Berth PostgreSQL");

    // The stored password, nullopt when the keychain has none for this connection. An
    // Error (one sentence) when the keychain cannot be asked at all: no D-Bus session, no
    // Secret Service on it, a keychain that stayed locked, no answer within 30 seconds.
    static Result<std::optional<QString>> lookup(const HistoryLocation& location);
    // Replaces any password stored for the same connection (waits up to 120 seconds for
    // a person to unlock the keychain).
    static Status store(const HistoryLocation& location, const QString& password);

    // The entry's key: effectiveUser@host:port/database, an IPv6 host in brackets.
    static QString key(const HistoryLocation& location);
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
