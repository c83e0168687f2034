#include "TestDatabases.h"

#include "history/HistoryLocation.h"
#include "history/HistorySchema.h"

#include <QCoreApplication>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace berth::test {

QString runRaw(const QString& location, const QStringList& statements) {
    const QString name = u"berth-test-raw"_s;
    QString problem;
    {
        const HistoryLocation parsed = berth::HistoryLocation::parse(location).value();
        QSqlDatabase db =
            QSqlDatabase::addDatabase(parsed.isPostgres() ? u"QPSQL"_s : u"QSQLITE"_s, name);
        if (parsed.isPostgres()) {
            db.setHostName(parsed.host);
            db.setPort(parsed.port);
            db.setUserName(parsed.user);
            db.setDatabaseName(parsed.database);
        } else {
            db.setDatabaseName(parsed.filePath);
        }
        if (!db.open())
            problem = db.lastError().text();
        for (const QString& statement : statements) {
            QSqlQuery query(db);
            if (problem.isEmpty() && !query.exec(statement))
                problem = statement + u": "_s + query.lastError().text();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return problem;
}

void TestDatabases::addBackendColumn() {
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << u"sqlite"_s;
    QTest::newRow("postgresql") << u"postgresql"_s;
}

void TestDatabases::createPostgres(const QString& suite) {
    const QString base = qEnvironmentVariable("BERTH_TEST_POSTGRES_URL");
    if (base.isEmpty()) {
        m_problem = u"PostgreSQL not tested: BERTH_TEST_POSTGRES_URL is not set "
                    u"(scripts/test sets it when scripts/start-postgres can start a "
                    u"server)"_s;
        return;
    }
    m_database = u"berth_%1_%2"_s.arg(suite).arg(QCoreApplication::applicationPid());
    const QString problem = runRaw(base, {u"SET client_min_messages = warning"_s,
                                          u"DROP DATABASE IF EXISTS %1"_s.arg(m_database),
                                          u"CREATE DATABASE %1"_s.arg(m_database)});
    if (!problem.isEmpty()) {
        m_problem = u"PostgreSQL at BERTH_TEST_POSTGRES_URL is not usable: "_s + problem;
        return;
    }
    QUrl url(base);
    url.setPath(u"/"_s + m_database);
    m_url = url.toString();
}

void TestDatabases::dropPostgres() {
    if (m_url.isEmpty())
        return;
    runRaw(qEnvironmentVariable("BERTH_TEST_POSTGRES_URL"),
           {u"DROP DATABASE IF EXISTS %1"_s.arg(m_database)});
}

QString TestDatabases::freshLocation(const QString& backend, const QString& sqlitePath,
                                     QString* skip) const {
    if (backend == u"sqlite"_s)
        return sqlitePath;
    if (m_url.isEmpty()) {
        *skip = m_problem;
        return {};
    }
    QStringList drops{u"SET client_min_messages = warning"_s}; // no NOTICE per drop
    for (const QString& table : schema::tableNames())
        drops.append(u"DROP TABLE IF EXISTS %1 CASCADE"_s.arg(table));
    drops.append(u"DROP TABLE IF EXISTS customers CASCADE"_s); // a test's foreign table
    if (const QString problem = runRaw(m_url, drops); !problem.isEmpty()) {
        *skip = u"PostgreSQL at BERTH_TEST_POSTGRES_URL is not usable: "_s + problem;
        return {};
    }
    return m_url;
}

} // namespace berth::test
