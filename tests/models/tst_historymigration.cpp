// A history database written by an earlier schema version opens, migrates, and
// keeps every record.

#include "TestMain.h"

#include "history/HistorySchema.h"
#include "history/HistoryStore.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using namespace berth;

namespace {

// Builds a database exactly as schema version `version` left it, with two actions on one
// tag (version 1: both pending, a crash left the older one behind; later versions allow
// one pending per tag, so the older failed) and one observation.
bool writeOldDatabase(const QString& path, int version, QString* error) {
    const QString name = u"old-schema-%1"_s.arg(version);
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(path);
        ok = db.open();
        QSqlQuery query(db);
        for (int v = 1; ok && v <= version; ++v) {
            for (const QString& statement : schema::migration(v, schema::Dialect::Sqlite))
                ok = ok && query.exec(statement);
        }
        ok = ok && query.exec(u"INSERT INTO schema_version (version) VALUES (%1)"_s.arg(version));
        for (int id = 1; ok && id <= 2; ++id) {
            ok = query.exec(
                u"INSERT INTO actions (started_at, user_name, host, registry, repository, tag, "
                u"from_digest, to_digest, kind, transport, reason, state, error) VALUES (%1, "
                u"'alice', 'laptop', 'localhost:5000', 'acme/app', 'production', 'sha256:aa', "
                u"'sha256:bb', 'promote', 'registry', 'release %2', '%3', '')"_s
                    .arg(1700000000000 + id)
                    .arg(id)
                    .arg(id == 1 && version >= 2 ? u"failed"_s : u"pending"_s));
        }
        ok = ok && query.exec(u"INSERT INTO tag_observations (registry, repository, tag, digest, "
                              u"first_seen, last_seen, observed_by) VALUES ('localhost:5000', "
                              u"'acme/app', 'production', 'sha256:aa', 1, 2, 'ci')"_s);
        if (!ok)
            *error = query.lastError().text() + db.lastError().text();
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

} // namespace

class TestHistoryMigration : public QObject {
    Q_OBJECT

private slots:
    void everyEarlierVersionMigratesKeepingRecords_data() {
        QTest::addColumn<int>("version");
        for (int version = 1; version < schema::kLatestVersion; ++version)
            QTest::addRow("from version %d", version) << version;
    }

    void everyEarlierVersionMigratesKeepingRecords() {
        QFETCH(int, version);
        QTemporaryDir dir;
        const QString path = dir.filePath(u"history.sqlite"_s);
        QString error;
        QVERIFY2(writeOldDatabase(path, version, &error), qPrintable(error));

        HistoryStore store;
        const Status opened = store.open(path);
        QVERIFY2(opened.ok(), qPrintable(opened.errorMessage()));
        QCOMPARE(store.schemaVersion(), schema::kLatestVersion);

        const auto history = store.tagHistory(u"localhost:5000"_s, u"acme/app"_s, u"production"_s);
        QVERIFY(history.ok());
        QCOMPARE(history->size(), 1);
        QCOMPARE(history->first().digest, u"sha256:aa"_s);

        // Only the newest of the two pending actions can still be in flight.
        const auto actions = store.actions();
        QVERIFY(actions.ok());
        QCOMPARE(actions->size(), 2);
        QCOMPARE(actions->at(0).reason, u"release 2"_s);
        QCOMPARE(actions->at(0).state, ActionState::Pending);
        QCOMPARE(actions->at(1).state, ActionState::Failed);

        // And from now on the database refuses a second pending action on the tag.
        Action another;
        another.registry = u"localhost:5000"_s;
        another.repository = u"acme/app"_s;
        another.tag = u"production"_s;
        another.toDigest = u"sha256:cc"_s;
        const Result<qint64> refused = store.beginAction(another);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, HistoryStore::kActionInProgress);
        QVERIFY2(refused.errorMessage().contains(u"alice"_s), qPrintable(refused.errorMessage()));
        another.tag = u"staging"_s;
        QVERIFY(store.beginAction(another).ok()); // other tags are not held up

        // Release trains arrive with the schema; earlier moves belong to none.
        QCOMPARE(actions->at(0).trainId, 0);
        Train train;
        train.fromEnvironment = u"staging"_s;
        train.toEnvironment = u"production"_s;
        const Result<qint64> trainId = store.beginTrain(train);
        QVERIFY2(trainId.ok(), qPrintable(trainId.errorMessage()));
        another.tag = u"qa"_s;
        another.trainId = trainId.value();
        another.state = ActionState::Failed;
        another.error = refusedActionError(u"qa moved since it was seen"_s);
        QVERIFY(store.recordFinishedAction(another).ok());
        const auto carried = store.actionsOfTrain(trainId.value());
        QVERIFY(carried.ok());
        QCOMPARE(carried->size(), 1);
        QVERIFY(isRefusedAction(carried->first()));
        QVERIFY(carried->first().finished.isValid());
        const auto trains = store.trains();
        QVERIFY(trains.ok());
        QCOMPARE(trains->size(), 1);
        QCOMPARE(trains->first().toEnvironment, u"production"_s);
        QVERIFY(!trains->first().user.isEmpty());
    }
};

BERTH_TEST_MAIN(TestHistoryMigration)
#include "tst_historymigration.moc"
