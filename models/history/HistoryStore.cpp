// Opening, schema and the SQL plumbing of the history store; the queries on its
// tables live in HistoryStoreQueries.cpp.

#include "history/HistoryStore.h"

#include "history/HistorySchema.h"
#include "history/PostgresKeychain.h"

#include <QAtomicInteger>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QMutex>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSysInfo>
#include <QThread>
#include <QUrl>

#include <algorithm>
#include <array>

#include <pwd.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

QAtomicInteger<quint64> s_connectionCounter;
QMutex s_actorMutex;
QString s_actorOverride; // guarded by s_actorMutex

constexpr int kBusyTimeoutMs = 10000;
// Any constant: serialises concurrent first-time migrations of one PostgreSQL database.
constexpr qint64 kMigrationLockKey = 0x4265727468; // "Berth"

QString oneLine(QString text) {
    text.replace(u'\n', u' ');
    return text.simplified();
}

// The server's or SQLite's own words; Qt's driver suffix ("QPSQL: Unable to connect")
// adds nothing for a person.
QString textOf(const QSqlError& error) {
    QString text =
        oneLine(error.databaseText().isEmpty() ? error.driverText() : error.databaseText());
    while (text.endsWith(u'.'))
        text.chop(1);
    return text;
}

// A message ends in exactly one full stop, even when the driver's text asks a question.
QString endSentence(QString text) {
    if (!text.endsWith(u'?') && !text.endsWith(u'!'))
        text += u'.';
    return text;
}

} // namespace

QString currentLoginName() {
    for (const char* variable : {"USER", "LOGNAME", "USERNAME"}) {
        const QString name = qEnvironmentVariable(variable);
        if (!name.isEmpty())
            return name;
    }
    // Root in a container and many CI runners set neither: the account still has a name.
    // getpwuid_r: loader threads ask too, and getpwuid shares one static buffer.
    const uid_t uid = geteuid();
    passwd account{};
    passwd* found = nullptr;
    std::array<char, 4096> buffer{};
    if (getpwuid_r(uid, &account, buffer.data(), buffer.size(), &found) == 0 && found &&
        found->pw_name && *found->pw_name)
        return QString::fromLocal8Bit(found->pw_name);
    return u"uid %1"_s.arg(uid);
}

QString currentActor() {
    {
        const QMutexLocker lock(&s_actorMutex);
        if (!s_actorOverride.isEmpty())
            return s_actorOverride;
    }
    const QString fromEnvironment = qEnvironmentVariable("BERTH_ACTOR").trimmed();
    return fromEnvironment.isEmpty() ? currentLoginName() : fromEnvironment;
}

void setActorOverride(const QString& actor) {
    const QMutexLocker lock(&s_actorMutex);
    s_actorOverride = actor.trimmed();
}

QString currentObserver(const QString& program) {
    return u"%1@%2 (%3)"_s.arg(currentActor(), QSysInfo::machineHostName(), program);
}

HistoryStore::HistoryStore() = default;

HistoryStore::~HistoryStore() {
    close();
}

bool HistoryStore::isOpen() const {
    return !m_connectionName.isEmpty() && database().isOpen();
}

void HistoryStore::close() {
    m_statements.clear(); // they hold the connection open
    if (m_connectionName.isEmpty())
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    } // removeDatabase wants every handle on the connection gone first
    QSqlDatabase::removeDatabase(m_connectionName);
    m_connectionName.clear();
    m_version = 0;
    m_writeRefusal.reset();
}

QSqlDatabase HistoryStore::database() const {
    Q_ASSERT_X(m_thread == QThread::currentThread(), "HistoryStore",
               "used from a thread other than the one that opened it");
    return QSqlDatabase::database(m_connectionName, false);
}

Status HistoryStore::open(const QString& location) {
    close();
    Result<HistoryLocation> parsed = HistoryLocation::parse(location);
    if (!parsed)
        return parsed.error();
    m_location = parsed.value();
    m_thread = QThread::currentThread();
    m_connectionName = u"berth-history-%1"_s.arg(s_connectionCounter.fetchAndAddRelaxed(1));
    Status opened = m_location.isPostgres() ? openPostgres() : openSqlite();
    if (opened)
        opened = prepareSchema();
    if (!opened)
        close();
    return opened;
}

// Only stat() here, never open(): closing any descriptor of the file drops every POSIX
// lock this process's SQLite connections hold on it, and another process closing its
// connection then believes it is the last one and deletes the -wal and -shm from under
// them ("How To Corrupt An SQLite Database File", section 2.2). SQLite itself says
// whether the file is a database.
Status HistoryStore::openSqlite() {
    const QString& path = m_location.filePath;
    const QFileInfo info(path);
    if (info.exists() && !info.isFile())
        return Error::make(u"The history database %1 is not a file; choose another file "
                           u"with --db or BERTH_DATABASE."_s.arg(path),
                           0, kNotBerthDatabase);
    if (!info.exists() && !QDir().mkpath(info.absolutePath()))
        return Error::make(
            u"Could not create the folder %1 for the history database: check "
            u"its permissions or choose another file with --db."_s.arg(info.absolutePath()));
    // WAL writes its -wal and -shm beside the database, so the folder counts too.
    const bool readOnly =
        info.exists() && (!info.isWritable() || !QFileInfo(info.absolutePath()).isWritable());
    if (readOnly)
        m_writeRefusal = Error::make(
            u"The history database %1 is read-only, so Berth reads it but writes nothing to it; "
            u"make it and its folder writable, or choose another file with --db."_s.arg(path),
            0, kReadOnly);
    // An existing file is checked on a read-only connection: nothing, not even a checkpoint
    // on close, can write into it before it is known to be sound.
    if (Status connected = connectSqlite(info.exists(), false); !connected)
        return connected;
    Status checked = checkSqlite();
    // A read-only WAL database whose -shm is gone (its last writer closed cleanly) cannot
    // be set up for reading; with no -wal either, every committed page is in the file, so
    // reading it as immutable shows exactly what is there.
    if (!checked && readOnly && checked.error().code.isEmpty() &&
        !QFileInfo::exists(path + u"-wal"_s)) {
        if (Status connected = connectSqlite(true, true); !connected)
            return connected;
        checked = checkSqlite();
    }
    if (!checked || !info.exists() || m_writeRefusal)
        return checked;
    return connectSqlite(false, false); // sound and writable
}

Status HistoryStore::connectSqlite(bool readOnly, bool immutable) {
    const QString& path = m_location.filePath;
    if (QSqlDatabase::contains(m_connectionName)) {
        m_statements.clear();
        {
            QSqlDatabase old = QSqlDatabase::database(m_connectionName, false);
            old.close();
        }
        QSqlDatabase::removeDatabase(m_connectionName);
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
    // Another Berth process may hold the write lock for a moment: wait instead of failing.
    QStringList options{u"QSQLITE_BUSY_TIMEOUT=%1"_s.arg(kBusyTimeoutMs)};
    if (readOnly)
        options.append(u"QSQLITE_OPEN_READONLY"_s);
    if (immutable) {
        options.append(u"QSQLITE_OPEN_URI"_s);
        db.setDatabaseName(QUrl::fromLocalFile(path).toString(QUrl::FullyEncoded) +
                           u"?immutable=1"_s);
    } else {
        db.setDatabaseName(path);
    }
    db.setConnectOptions(options.join(u';'));
    if (!db.open())
        return Error::make(endSentence(
            u"Could not open the history database %1: %2"_s.arg(path, textOf(db.lastError()))));
    return success();
}

// SQLite opens lazily: the first statement is what reads the header. quick_check reads
// every page's structure too, so a damaged file is known before anything is written.
Status HistoryStore::checkSqlite() {
    const QString& path = m_location.filePath;
    QSqlQuery query(database());
    query.setForwardOnly(true);
    if (!query.exec(u"PRAGMA quick_check"_s)) {
        const QSqlError error = query.lastError();
        const QString text = textOf(error);
        // SQLITE_NOTADB
        if (error.nativeErrorCode() == u"26"_s || text.contains(u"not a database"_s))
            return Error::make(u"%1 is not a Berth history database (it is not an SQLite file) "
                               u"and was left untouched; choose another file with --db or "
                               u"BERTH_DATABASE."_s.arg(path),
                               0, kNotBerthDatabase);
        // SQLITE_CORRUPT: not even the schema can be read.
        if (error.nativeErrorCode() == u"11"_s || text.contains(u"malformed"_s))
            return Error::make(u"The history database %1 is damaged beyond reading (%2). %3"_s.arg(
                                   path, text, recoveryAdvice()),
                               0, kDamaged);
        return Error::make(
            endSentence(u"Could not read the history database %1: %2"_s.arg(path, text)));
    }
    QStringList problems;
    while (query.next()) {
        const QString line = query.value(0).toString();
        if (line != u"ok"_s)
            problems.append(oneLine(line).remove(u"*** in database main *** "_s));
    }
    if (problems.isEmpty())
        return success();
    m_writeRefusal = Error::make(
        u"The history database %1 is damaged (SQLite's check found %2 problem(s), the first: "
        u"%3), so Berth reads what it still can and writes nothing to it. %4"_s.arg(
            path, QString::number(problems.size()), problems.first(), recoveryAdvice()),
        0, kDamaged);
    return success();
}

QString HistoryStore::recoveryAdvice() const {
    const QString& path = m_location.filePath;
    return u"Keep a copy of it first (cp '%1' '%1.damaged'), then recover what SQLite can read "
           u"into a new file (sqlite3 '%1' .recover | sqlite3 '%1.recovered') and use that one "
           u"with --db."_s.arg(path);
}

Status HistoryStore::writable() const {
    if (m_writeRefusal)
        return m_writeRefusal.value();
    return success();
}

Status HistoryStore::openPostgres() {
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, m_connectionName);
    if (!db.isValid())
        return Error::make(u"This Berth cannot reach %1: the Qt PostgreSQL driver (package "
                           u"libqt6sql6-psql) is not installed."_s.arg(m_location.display()));
    db.setHostName(m_location.host);
    db.setPort(m_location.port);
    db.setDatabaseName(m_location.database);
    if (!m_location.user.isEmpty())
        db.setUserName(m_location.user);
    db.setConnectOptions(u"connect_timeout=10;application_name=berth"_s);
    // First without a password: libpq reads PGPASSFILE or ~/.pgpass itself, and a server
    // that needs none, or a pgpass entry that works, never makes Berth ask the keychain.
    if (db.open())
        return success();
    const QString driverText = textOf(db.lastError());
    const QString failed = endSentence(u"Could not connect to the history database %1: %2"_s.arg(
        m_location.display(), driverText));
    // A failed connection carries no SQLSTATE through Qt, only words: libpq's own
    // "fe_sendauth: no password supplied" is never translated, and "password" matches the
    // server's rejection of a wrong one (in English, the servers' default).
    if (!driverText.contains(u"fe_sendauth"_s) &&
        !driverText.contains(u"password"_s, Qt::CaseInsensitive))
        return Error::make(failed);

    const Result<std::optional<QString>> stored = PostgresKeychain::lookup(m_location);
    if (!stored)
        return Error::make(failed + u' ' +
                           PostgresKeychain::noPasswordAdvice(m_location, stored.error().message));
    if (!stored.value())
        return Error::make(failed + u' ' + PostgresKeychain::noPasswordAdvice(m_location, {}));
    // This overload hands the password to the driver without QSqlDatabase keeping a copy.
    if (db.open(m_location.user, *stored.value()))
        return success();
    return Error::make(endSentence(u"Could not connect to the history database %1: %2"_s.arg(
                           m_location.display(), textOf(db.lastError()))) +
                       u' ' + PostgresKeychain::wrongPasswordAdvice(m_location));
}

Result<int> HistoryStore::readVersion() const {
    QStringList foreign;
    bool hasVersionTable = false;
    const QStringList known = schema::tableNames();
    const QStringList tables = database().tables(QSql::Tables);
    for (const QString& table : tables) {
        if (table.startsWith(u"sqlite_"_s))
            continue; // SQLite's own bookkeeping
        if (table == u"schema_version"_s)
            hasVersionTable = true;
        else if (!known.contains(table))
            foreign.append(table);
    }
    if (!foreign.isEmpty()) {
        foreign.sort();
        return Error::make(u"%1 holds tables that are not Berth's (%2) and was left untouched; "
                           u"choose another database with --db or BERTH_DATABASE."_s.arg(
                               m_location.display(), foreign.join(u", "_s)),
                           0, kNotBerthDatabase);
    }
    if (!hasVersionTable) {
        const bool empty = std::all_of(tables.cbegin(), tables.cend(),
                                       [](const QString& t) { return t.startsWith(u"sqlite_"_s); });
        if (!empty)
            return Error::make(u"The history database %1 has Berth's tables but no schema "
                               u"version, so it was left untouched; restore it from a backup "
                               u"or choose another database with --db."_s.arg(m_location.display()),
                               0, kNotBerthDatabase);
        return 0;
    }
    Result<QSqlQuery> query =
        run(u"read the schema version"_s, u"SELECT MAX(version) FROM schema_version"_s);
    if (!query)
        return query.error();
    return query.value().next() ? query.value().value(0).toInt() : 0;
}

Status HistoryStore::prepareSchema() {
    const Result<int> version = readVersion();
    if (!version)
        return version.error();
    if (version.value() > schema::kLatestVersion)
        return Error::make(u"The history database %1 has schema version %2, newer than this "
                           u"Berth knows (%3), and was left untouched; update Berth or choose "
                           u"another database with --db."_s.arg(m_location.display())
                               .arg(version.value())
                               .arg(schema::kLatestVersion),
                           0, kSchemaTooNew);
    if (m_writeRefusal) {
        // Read as it is: no journal switch, no migration. Schema 2 only added an index, so
        // a version-1 file reads the same; before schema 3 the reads name no trains.
        if (version.value() == 0)
            return Error::make(
                u"The history database %1 holds no Berth history yet and takes "
                u"no writes: %2"_s.arg(m_location.display(), m_writeRefusal->message),
                0, m_writeRefusal->code);
        m_version = version.value();
        return success();
    }
    if (!m_location.isPostgres()) {
        // WAL lets readers and one writer work at once, so two Berth processes coexist.
        // The switch reads the file, then needs it alone: while another process is midway
        // through a write (creating the schema beside this one, say), SQLite answers "locked"
        // at once instead of waiting, so it is asked again within the same busy timeout.
        const QString purpose = u"switch to write-ahead logging"_s;
        Result<QSqlQuery> mode = run(purpose, u"PRAGMA journal_mode=WAL"_s);
        QElapsedTimer waited;
        waited.start();
        while (!mode && mode.errorMessage().contains(u"database is locked"_s) &&
               waited.elapsed() < kBusyTimeoutMs) {
            QThread::msleep(20);
            mode = run(purpose, u"PRAGMA journal_mode=WAL"_s);
        }
        if (!mode)
            return mode.error();
        if (!mode.value().next() ||
            mode.value().value(0).toString().compare(u"wal"_s, Qt::CaseInsensitive) != 0)
            return failure(u"switch to write-ahead logging"_s, u"the file refused WAL mode"_s);
        if (Result<QSqlQuery> sync = run(u"set the sync mode"_s, u"PRAGMA synchronous=NORMAL"_s);
            !sync)
            return sync.error();
    }
    m_version = version.value();
    return m_version < schema::kLatestVersion ? migrate() : success();
}

Status HistoryStore::migrate() {
    return inTransaction(u"update the schema"_s, [this]() -> Status {
        if (m_location.isPostgres()) {
            if (Result<QSqlQuery> lock =
                    run(u"lock the schema"_s,
                        u"SELECT pg_advisory_xact_lock(%1)"_s.arg(kMigrationLockKey));
                !lock)
                return lock.error();
        }
        // Another process may have migrated while this one waited for the lock.
        const Result<int> current = readVersion();
        if (!current)
            return current.error();
        const schema::Dialect dialect =
            m_location.isPostgres() ? schema::Dialect::Postgres : schema::Dialect::Sqlite;
        for (int version = current.value() + 1; version <= schema::kLatestVersion; ++version) {
            for (const QString& statement : schema::migration(version, dialect)) {
                if (Result<QSqlQuery> done = run(u"update the schema"_s, statement); !done)
                    return done.error();
            }
            if (Result<QSqlQuery> cleared =
                    run(u"update the schema"_s, u"DELETE FROM schema_version"_s);
                !cleared)
                return cleared.error();
            if (Result<QSqlQuery> stamped =
                    run(u"update the schema"_s,
                        u"INSERT INTO schema_version (version) VALUES (?)"_s, {version});
                !stamped)
                return stamped.error();
        }
        m_version = schema::kLatestVersion;
        return success();
    });
}

Status HistoryStore::inTransaction(const QString& purpose, const std::function<Status()>& body) {
    return transaction(purpose, false, body);
}

Status HistoryStore::durably(const QString& purpose, const std::function<Status()>& body) {
    return transaction(purpose, true, body);
}

Status HistoryStore::transaction(const QString& purpose, bool durable,
                                 const std::function<Status()>& body) {
    if (m_transactionDepth > 0)
        return nested(purpose, body);
    // WAL with synchronous=NORMAL commits without waiting for the disk: a power cut may take
    // the last commits back. Fine for what the next refresh sees again, never for the audit,
    // so its commits wait for the WAL to reach the disk. PostgreSQL commits durably anyway.
    const bool fullSync = durable && !m_location.isPostgres();
    if (fullSync) {
        if (Result<QSqlQuery> set = run(purpose, u"PRAGMA synchronous=FULL"_s); !set)
            return set.error();
    }
    // IMMEDIATE takes SQLite's write lock up front: a read-then-write transaction that
    // upgrades later fails at once when another process wrote meanwhile, busy timeout or not.
    const QString begin = m_location.isPostgres() ? u"BEGIN"_s : u"BEGIN IMMEDIATE"_s;
    Status result = success();
    if (Result<QSqlQuery> begun = run(purpose, begin); !begun) {
        result = begun.error();
    } else {
        ++m_transactionDepth;
        result = body();
        --m_transactionDepth;
        if (result) {
            if (Result<QSqlQuery> committed = run(purpose, u"COMMIT"_s); !committed)
                result = committed.error();
        }
        if (!result) {
            QSqlQuery rollback(database());
            rollback.exec(u"ROLLBACK"_s); // the body's error is the one worth reporting
        }
    }
    if (fullSync) {
        QSqlQuery normal(database());
        normal.exec(u"PRAGMA synchronous=NORMAL"_s);
    }
    return result;
}

void HistoryStore::readTogether(const std::function<void()>& reads) {
    if (m_location.isPostgres() || m_transactionDepth > 0 || !isOpen())
        return reads();
    // DEFERRED: no lock until the first read, and only a read lock until a write.
    if (Result<QSqlQuery> begun = run(u"begin a read"_s, u"BEGIN DEFERRED"_s); !begun)
        return reads(); // each statement then reads on its own, as without this
    ++m_transactionDepth;
    reads();
    --m_transactionDepth;
    QSqlQuery end(database());
    // Nothing to keep but what a savepoint inside already made its own; a failed commit
    // (a write inside that lost its lock) is undone.
    if (!end.exec(u"COMMIT"_s))
        end.exec(u"ROLLBACK"_s);
}

// Inside a transaction, a savepoint: the inner work fails alone (a position that could
// not be recorded does not take the audit row written beside it back), and commits with
// the outer transaction, as durably as that one.
Status HistoryStore::nested(const QString& purpose, const std::function<Status()>& body) {
    const QString savepoint = u"berth_%1"_s.arg(m_transactionDepth);
    if (Result<QSqlQuery> set = run(purpose, u"SAVEPOINT "_s + savepoint); !set)
        return set.error();
    ++m_transactionDepth;
    Status result = body();
    --m_transactionDepth;
    if (result) {
        if (Result<QSqlQuery> released = run(purpose, u"RELEASE SAVEPOINT "_s + savepoint);
            released)
            return result;
        else
            result = released.error();
    }
    QSqlQuery undo(database());
    undo.exec(u"ROLLBACK TO SAVEPOINT "_s + savepoint);
    undo.exec(u"RELEASE SAVEPOINT "_s + savepoint);
    return result;
}

Result<QSqlQuery> HistoryStore::run(const QString& purpose, const QString& sql,
                                    const QVariantList& values) const {
    QSqlQuery query(database());
    query.setForwardOnly(true);
    // PostgreSQL prepares only queries and DML, so statements without values go as text.
    if (values.isEmpty()) {
        if (!query.exec(sql))
            return failure(purpose, textOf(query.lastError()));
        return query;
    }
    if (!query.prepare(sql))
        return failure(purpose, textOf(query.lastError()));
    for (const QVariant& value : values)
        query.addBindValue(bindable(value));
    if (!query.exec())
        return failure(purpose, textOf(query.lastError()));
    return query;
}

Result<QSqlQuery*> HistoryStore::reusable(const QString& purpose, const QString& sql) const {
    auto found = m_statements.find(sql);
    if (found == m_statements.end()) {
        auto query = std::make_unique<QSqlQuery>(database());
        query->setForwardOnly(true);
        if (!query->prepare(sql))
            return failure(purpose, textOf(query->lastError()));
        found = m_statements.emplace(sql, std::move(query)).first;
    }
    return found->second.get();
}

QVariant HistoryStore::bindable(const QVariant& value) {
    // Qt binds a null QString as SQL NULL; Berth's text columns mean "" by an empty one.
    if (!value.isNull() && value.typeId() == QMetaType::QString && value.toString().isNull())
        return QVariant(QString(u""_s));
    return value;
}

Error HistoryStore::failure(const QString& purpose, const QString& driverText,
                            const QString& code) const {
    if (driverText.contains(u"readonly"_s) || driverText.contains(u"read-only"_s))
        return Error::make(u"The history database %1 is read-only (could not %2); make it and "
                           u"its folder writable, or choose another file with --db."_s.arg(
                               m_location.display(), purpose),
                           0, kReadOnly);
    return Error::make(endSentence(u"Could not %1 in the history database %2: %3"_s.arg(
                           purpose, m_location.display(), driverText)),
                       0, code);
}

} // namespace berth
