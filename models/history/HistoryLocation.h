#pragma once

// Where the history lives, parsed from what a person typed: nothing (the SQLite file
// in the user's data directory), a path (another SQLite file) or
// postgresql://user@host:port/dbname (a team's shared database). A password is
// refused in the URL, where settings, shell history and process lists would keep it:
// libpq reads it from PGPASSFILE or ~/.pgpass, else Berth asks the system keychain
// (PostgresKeychain).

#include "core/Result.h"

namespace berth {

struct HistoryLocation {
    enum class Kind { Sqlite, Postgres };

    Kind kind = Kind::Sqlite;
    QString filePath; // SQLite
    QString host;     // PostgreSQL
    int port = 5432;
    QString user; // empty: libpq's default (the login name)
    QString database;

    static Result<HistoryLocation> parse(const QString& text);
    // AppDataLocation/history.sqlite
    static QString defaultSqlitePath();

    bool isPostgres() const { return kind == Kind::Postgres; }
    // For messages: the file path, or the URL (which never holds a password).
    QString display() const;
};

} // namespace berth
