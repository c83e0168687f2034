// Benchmark: recording 30,000 tag observations with HistoryStore::recordObservations,
// on SQLite and (when a server is given) on PostgreSQL, with the database size after.
//
// Scenarios, each on a fresh database per run:
//   moving  1,000 tags x 30 refreshes, every tag on a new digest each time:
//           30,000 observations that are all new rows (the worst case for size);
//   steady  1,005 tags x 30 refreshes, 3 of them moving each time (a CI repository
//           recorded every build): 30,150 observations, mostly last_seen bumps.
// Reference in the same run: the rows of "moving" INSERTed with one prepared statement
// per refresh into a bare table (same columns, no index, no lookup of the latest row)
// through the same Qt SQL driver and the same SQLite pragmas: the driver's floor.
//
// Usage: history-record-bench <sqlite-dir> [<postgresql-url> [runs]]
//   <postgresql-url>: postgresql://user@host:port/db of a role allowed to CREATE
//   DATABASE (password from PGPASSFILE); "-" for none. Each run gets its own database.

#include "history/HistoryStore.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTextStream>
#include <QUrl>

#include <algorithm>
#include <cstdio>

using namespace Qt::StringLiterals;
using namespace berth;

namespace {

constexpr int kRefreshes = 30;
const QString kRegistry = u"127.0.0.1:5000"_s;
const QString kRepository = u"bench/service"_s;

QTextStream& out() {
    static QTextStream stream(stdout);
    return stream;
}

[[noreturn]] void die(const QString& message) {
    QTextStream(stderr) << "history-record-bench: " << message << '\n';
    std::exit(1);
}

QString digestOf(const QString& seed) {
    return u"sha256:"_s +
           QString::fromLatin1(
               QCryptographicHash::hash(seed.toUtf8(), QCryptographicHash::Sha256).toHex());
}

// The tag -> digest map of every refresh, computed before any timing starts.
struct Scenario {
    QString name;
    QString description;
    QList<QMap<QString, QString>> refreshes;
    qsizetype observations() const {
        qsizetype total = 0;
        for (const auto& refresh : refreshes)
            total += refresh.size();
        return total;
    }
};

Scenario movingScenario() {
    Scenario scenario{u"moving"_s, u"1,000 tags x 30 refreshes, every tag moves"_s, {}};
    for (int refresh = 0; refresh < kRefreshes; ++refresh) {
        QMap<QString, QString> tags;
        for (int tag = 0; tag < 1000; ++tag)
            tags.insert(u"tag-%1"_s.arg(tag, 4, 10, QLatin1Char('0')),
                        digestOf(u"moving-%1-%2"_s.arg(tag).arg(refresh)));
        scenario.refreshes.append(tags);
    }
    return scenario;
}

Scenario steadyScenario() {
    Scenario scenario{u"steady"_s, u"1,005 tags x 30 refreshes, 3 tags move each time"_s, {}};
    QMap<QString, QString> tags;
    for (int build = 0; build < 335; ++build) {
        const QString digest = digestOf(u"steady-build-%1"_s.arg(build));
        const QString sha = digestOf(u"sha-%1"_s.arg(build)).mid(7, 7);
        tags.insert(u"v1.%1.%2"_s.arg(build / 100).arg(build % 100), digest);
        tags.insert(sha, digest);
        tags.insert(u"main-"_s + sha, digest);
    }
    // 335 x 3 = 1,005 tags; three of them become the moving ones.
    const QStringList moving{u"latest"_s, u"staging"_s, u"production"_s};
    const QStringList replaced = QStringList(tags.keys()).mid(0, 3);
    for (const QString& tag : replaced)
        tags.remove(tag);
    for (int refresh = 0; refresh < kRefreshes; ++refresh) {
        for (int i = 0; i < moving.size(); ++i)
            tags.insert(moving.at(i), digestOf(u"steady-build-%1"_s.arg((refresh + i) % 335)));
        scenario.refreshes.append(tags);
    }
    return scenario;
}

// A fresh history location per run: a new SQLite file, or a new PostgreSQL database.
class Backend {
public:
    virtual ~Backend() = default;
    virtual QString name() const = 0;
    virtual QString freshLocation(const QString& label) = 0;
    // Bytes the location takes now (the store must be closed for SQLite's WAL to fold in).
    virtual qint64 sizeOf(const QString& location) = 0;
    virtual QString sizeNote() const = 0;
    // The same driver and settings, for the reference.
    virtual QSqlDatabase rawConnection(const QString& location, const QString& connection) = 0;
};

class SqliteBackend final : public Backend {
public:
    explicit SqliteBackend(QString dir)
        : m_dir(std::move(dir)) {}
    QString name() const override { return u"SQLite"_s; }
    QString freshLocation(const QString& label) override {
        return QDir(m_dir).filePath(u"%1-%2.sqlite"_s.arg(label).arg(++m_counter));
    }
    qint64 sizeOf(const QString& location) override {
        qint64 total = 0;
        for (const QString& suffix : {u""_s, u"-wal"_s, u"-shm"_s})
            total += QFileInfo(location + suffix).size();
        return total;
    }
    QString sizeNote() const override { return u"file + -wal + -shm after close"_s; }
    QSqlDatabase rawConnection(const QString& location, const QString& connection) override {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, connection);
        db.setDatabaseName(location);
        if (!db.open())
            die(db.lastError().text());
        QSqlQuery query(db);
        query.exec(u"PRAGMA journal_mode=WAL"_s);
        query.exec(u"PRAGMA synchronous=NORMAL"_s);
        return db;
    }

private:
    QString m_dir;
    int m_counter = 0;
};

class PostgresBackend final : public Backend {
public:
    explicit PostgresBackend(const QString& adminUrl)
        : m_admin(QUrl(adminUrl)) {
        QSqlDatabase db = connect(m_admin.path().mid(1), u"bench-admin"_s);
        db.close();
    }
    ~PostgresBackend() override {
        {
            QSqlDatabase admin = connect(m_admin.path().mid(1), u"bench-admin"_s);
            for (const QString& name : std::as_const(m_created))
                QSqlQuery(admin).exec(u"DROP DATABASE IF EXISTS %1"_s.arg(name));
            admin.close();
        }
        QSqlDatabase::removeDatabase(u"bench-admin"_s);
    }
    QString name() const override { return u"PostgreSQL"_s; }
    QString freshLocation(const QString& label) override {
        const QString database = u"berth_bench_%1_%2"_s.arg(label).arg(++m_counter);
        {
            QSqlDatabase admin = connect(m_admin.path().mid(1), u"bench-admin"_s);
            QSqlQuery query(admin);
            if (!query.exec(u"CREATE DATABASE %1"_s.arg(database)))
                die(u"CREATE DATABASE: "_s + query.lastError().text());
            admin.close();
        }
        m_created.append(database);
        QUrl url = m_admin;
        url.setPath(u"/"_s + database);
        return url.toString();
    }
    qint64 sizeOf(const QString& location) override {
        qint64 size = 0;
        {
            QSqlDatabase db = connect(QUrl(location).path().mid(1), u"bench-size"_s);
            QSqlQuery query(db);
            if (!query.exec(u"SELECT pg_total_relation_size('tag_observations')"_s) ||
                !query.next())
                die(u"size query: "_s + query.lastError().text());
            size = query.value(0).toLongLong();
            db.close();
        }
        QSqlDatabase::removeDatabase(u"bench-size"_s);
        return size;
    }
    QString sizeNote() const override {
        return u"pg_total_relation_size(tag_observations): table + indexes + TOAST"_s;
    }
    QSqlDatabase rawConnection(const QString& location, const QString& connection) override {
        return connect(QUrl(location).path().mid(1), connection);
    }

private:
    QSqlDatabase connect(const QString& database, const QString& connection) const {
        QSqlDatabase db = QSqlDatabase::contains(connection)
                              ? QSqlDatabase::database(connection, false)
                              : QSqlDatabase::addDatabase(u"QPSQL"_s, connection);
        db.setHostName(m_admin.host());
        db.setPort(m_admin.port(5432));
        db.setUserName(m_admin.userName());
        db.setDatabaseName(database);
        if (!db.open())
            die(u"PostgreSQL: "_s + db.lastError().text());
        return db;
    }

    QUrl m_admin;
    QStringList m_created;
    int m_counter = 0;
};

struct Measurement {
    double ms = 0;
    qint64 bytes = 0;
    qint64 rows = 0;
};

Measurement recordRun(Backend& backend, const Scenario& scenario) {
    const QString location = backend.freshLocation(scenario.name);
    Measurement measurement;
    {
        HistoryStore store;
        if (const Status opened = store.open(location); !opened)
            die(opened.error().message);
        const QDateTime start = QDateTime::fromSecsSinceEpoch(1767225600, Qt::UTC);
        QElapsedTimer timer;
        timer.start();
        for (int refresh = 0; refresh < scenario.refreshes.size(); ++refresh) {
            const Result<RecordSummary> recorded = store.recordObservations(
                kRegistry, kRepository, scenario.refreshes.at(refresh),
                start.addSecs(600 * refresh), u"bench@localhost (history-record-bench)"_s);
            if (!recorded)
                die(recorded.error().message);
            measurement.rows += recorded->newPositions;
        }
        measurement.ms = double(timer.nsecsElapsed()) / 1e6;
        store.close();
    }
    measurement.bytes = backend.sizeOf(location);
    return measurement;
}

// The driver's floor: the same rows, one prepared INSERT per row, one transaction per
// refresh, into a table with the same columns and nothing else.
Measurement referenceRun(Backend& backend, const Scenario& scenario, bool postgres) {
    const QString location = backend.freshLocation(u"reference"_s);
    const QString connection = u"bench-reference"_s;
    Measurement measurement;
    {
        QSqlDatabase db = backend.rawConnection(location, connection);
        QSqlQuery create(db);
        const QString id = postgres ? u"BIGSERIAL PRIMARY KEY"_s : u"INTEGER PRIMARY KEY"_s;
        if (!create.exec(u"CREATE TABLE tag_observations (id %1, registry TEXT NOT NULL, "
                         u"repository TEXT NOT NULL, tag TEXT NOT NULL, digest TEXT NOT NULL, "
                         u"first_seen BIGINT NOT NULL, last_seen BIGINT NOT NULL, "
                         u"observed_by TEXT NOT NULL)"_s.arg(id)))
            die(u"reference table: "_s + create.lastError().text());
        QElapsedTimer timer;
        timer.start();
        for (int refresh = 0; refresh < scenario.refreshes.size(); ++refresh) {
            const qint64 seen = 1767225600000LL + 600000LL * refresh;
            if (!db.transaction())
                die(db.lastError().text());
            QSqlQuery insert(db);
            insert.prepare(u"INSERT INTO tag_observations (registry, repository, tag, digest, "
                           u"first_seen, last_seen, observed_by) VALUES (?, ?, ?, ?, ?, ?, ?)"_s);
            const QMap<QString, QString>& tags = scenario.refreshes.at(refresh);
            for (auto it = tags.cbegin(); it != tags.cend(); ++it) {
                insert.addBindValue(kRegistry);
                insert.addBindValue(kRepository);
                insert.addBindValue(it.key());
                insert.addBindValue(it.value());
                insert.addBindValue(seen);
                insert.addBindValue(seen);
                insert.addBindValue(u"bench@localhost (history-record-bench)"_s);
                if (!insert.exec())
                    die(u"reference insert: "_s + insert.lastError().text());
                ++measurement.rows;
            }
            if (!db.commit())
                die(db.lastError().text());
        }
        measurement.ms = double(timer.nsecsElapsed()) / 1e6;
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    measurement.bytes = backend.sizeOf(location);
    return measurement;
}

double median(QList<double> values) {
    std::sort(values.begin(), values.end());
    return values.at((values.size() - 1) / 2);
}

QString joined(const QList<double>& values) {
    QStringList parts;
    for (double value : values)
        parts.append(QString::number(value, 'f', 0));
    return parts.join(u' ');
}

void report(const QString& label, const QList<Measurement>& runs, qsizetype observations) {
    QList<double> ms;
    for (const Measurement& run : runs)
        ms.append(run.ms);
    const Measurement& last = runs.last();
    out() << QString::asprintf("  %-66s median %8.1f ms  (%6.1f us/observation)  rows %6lld  "
                               "size %7.2f MB  runs(ms): ",
                               qPrintable(label), median(ms), median(ms) * 1000.0 / observations,
                               static_cast<long long>(last.rows), double(last.bytes) / 1048576.0)
          << joined(ms) << '\n';
    out().flush();
}

void benchBackend(Backend& backend, bool postgres, int runs) {
    out() << backend.name() << " (size: " << backend.sizeNote() << ")\n";
    const Scenario moving = movingScenario();
    const Scenario steady = steadyScenario();
    QList<Measurement> movingRuns, steadyRuns, referenceRuns;
    for (int run = 0; run < runs; ++run) {
        movingRuns.append(recordRun(backend, moving));
        referenceRuns.append(referenceRun(backend, moving, postgres));
        steadyRuns.append(recordRun(backend, steady));
    }
    report(u"recordObservations, %1"_s.arg(moving.description), movingRuns, moving.observations());
    report(u"reference: bare INSERTs of the same rows"_s, referenceRuns, moving.observations());
    report(u"recordObservations, %1"_s.arg(steady.description), steadyRuns, steady.observations());
    QList<double> recordMs, referenceMs;
    for (int run = 0; run < runs; ++run) {
        recordMs.append(movingRuns.at(run).ms);
        referenceMs.append(referenceRuns.at(run).ms);
    }
    out() << QString::asprintf("  moving / reference: %.2fx\n\n",
                               median(recordMs) / median(referenceMs));
    out().flush();
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 2)
        die(u"usage: history-record-bench <sqlite-dir> [<postgresql-url>|- [runs]]"_s);
    const QString postgresUrl = args.value(2, u"-"_s);
    const int runs = std::max(1, args.value(3, u"3"_s).toInt());

    out() << "30 refreshes per scenario, fresh database per run, " << runs << " runs\n\n";
    {
        SqliteBackend sqlite(args.at(1));
        benchBackend(sqlite, false, runs);
    }
    if (postgresUrl != u"-"_s) {
        PostgresBackend postgres(postgresUrl);
        benchBackend(postgres, true, runs);
    } else {
        out() << "PostgreSQL: not measured (no server URL given)\n";
    }
    return 0;
}
