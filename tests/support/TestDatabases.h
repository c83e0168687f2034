#pragma once

// The databases a history test suite runs against: a temporary SQLite file always,
// and a PostgreSQL database of the suite's own when BERTH_TEST_POSTGRES_URL names a
// server (scripts/test starts one), so suites running in parallel never drop each
// other's tables.

#include <QString>
#include <QStringList>

namespace berth::test {

// Runs statements straight on a database, outside the store (set-up, damage,
// inspection). Returns what went wrong, or an empty string.
QString runRaw(const QString& location, const QStringList& statements);

class TestDatabases {
public:
    // One row per backend in a _data() function; PostgreSQL rows skip at run time
    // when no server is given.
    static void addBackendColumn();

    // initTestCase: creates berth_<suite>_<pid> on the server, if there is one.
    void createPostgres(const QString& suite);
    // cleanupTestCase.
    void dropPostgres();

    // A fresh, empty database of `backend` ("sqlite": sqlitePath). Empty, with *skip
    // saying why, when that backend is not available here.
    QString freshLocation(const QString& backend, const QString& sqlitePath, QString* skip) const;

private:
    QString m_url;      // this suite's own PostgreSQL database, when a server is given
    QString m_database; // its name
    QString m_problem;  // why PostgreSQL rows skip
};

} // namespace berth::test
