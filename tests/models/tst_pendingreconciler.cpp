// Settling pending audit actions from what a read of the registry found, on SQLite and
// on PostgreSQL: the rules the window and `berthctl record` share.

#include "TestDatabases.h"
#include "TestMain.h"

#include "history/HistoryStore.h"
#include "release/PendingReconciler.h"

#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

const QString kRegistry = u"127.0.0.1:5000"_s;
const QString kRepository = u"acme/payment-api"_s;
const QString kOld = u"sha256:"_s + QString(64, u'a');
const QString kTarget = u"sha256:"_s + QString(64, u'b');
const QString kReencoded = u"sha256:"_s + QString(64, u'c');
const QString kConfig = u"sha256:"_s + QString(64, u'd');
const QString kOtherConfig = u"sha256:"_s + QString(64, u'e');
const QDateTime kNow = QDateTime(QDate(2026, 11, 27), QTime(23, 0), Qt::UTC);

Build build(const QString& digest, const QString& config) {
    Build result;
    result.digest = digest;
    result.configDigest = config;
    return result;
}

// production on `current`; the builds of the repository as a read found them.
BuildCollection readWith(const QString& current, const QList<Build>& builds) {
    BuildCollection collection;
    collection.repository = kRepository;
    collection.builds = builds;
    collection.tagDigests = {{u"production"_s, current}, {u"v1.0.0"_s, kOld}};
    return collection;
}

} // namespace

class TestPendingReconciler : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_skip;
    TestDatabases m_databases;

    QString freshLocation(const QString& backend) {
        return m_databases.freshLocation(backend, m_dir->filePath(u"history.sqlite"_s), &m_skip);
    }

    static qint64 begin(HistoryStore& store, const QString& transport, qint64 ageMs,
                        const QString& repository = kRepository) {
        Action action;
        action.registry = kRegistry;
        action.repository = repository;
        action.tag = u"production"_s;
        action.fromDigest = kOld;
        action.toDigest = kTarget;
        action.transport = transport;
        action.time = kNow.addMSecs(-ageMs);
        const Result<qint64> id = store.beginAction(action);
        return id ? id.value() : 0;
    }

    static ActionState stateOf(HistoryStore& store, qint64 id, QString* error = nullptr) {
        const Result<QList<Action>> actions = store.actions();
        for (const Action& action : actions.value()) {
            if (action.id == id) {
                if (error)
                    *error = action.error;
                return action.state;
            }
        }
        return ActionState::Pending;
    }

private slots:
    void initTestCase() { m_databases.createPostgres(u"pendingreconciler"_s); }
    void cleanupTestCase() { m_databases.dropPostgres(); }
    void init() {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void settlesByWhereTheTagWasFound_data() {
        TestDatabases::addBackendColumn();
        // Every backend row runs each case; cases are listed in the test.
    }

    void settlesByWhereTheTagWasFound() {
        QFETCH(QString, backend);
        const QString location = freshLocation(backend);
        if (location.isEmpty())
            QSKIP(qPrintable(m_skip));

        struct Case {
            const char* name;
            QString transport;
            qint64 ageMs;
            QString found;  // where production was found
            QString config; // the config of the build it was found on
            int settled;    // 0: left pending, 1: succeeded, 2: failed
            const char* noteHas;
        };
        const qint64 young = 60 * 1000;
        const qint64 old = kPendingGraceMs + 60 * 1000;
        const QList<Case> cases = {
            {"on target, young", u"registry"_s, young, kTarget, kConfig, 1, ""},
            {"on target, old", u"registry"_s, old, kTarget, kConfig, 1, ""},
            {"engine re-encoded, young", u"engine"_s, young, kReencoded, kConfig, 1, "re-encoded"},
            {"registry transport never re-encodes", u"registry"_s, young, kReencoded, kConfig, 0,
             ""},
            {"registry transport, other digest, old", u"registry"_s, old, kReencoded, kConfig, 2,
             "not on"},
            {"engine, other config, young", u"engine"_s, young, kReencoded, kOtherConfig, 0, ""},
            {"engine, other config, old", u"engine"_s, old, kReencoded, kOtherConfig, 2, "not on"},
            {"still where it was, young", u"registry"_s, young, kOld, kOtherConfig, 0, ""},
            {"still where it was, old", u"registry"_s, old, kOld, kOtherConfig, 2, "found on"},
        };
        for (const Case& c : cases) {
            // A database per case, so each starts with only its own pending row.
            QTemporaryDir dir;
            const QString caseLocation =
                backend == u"sqlite"_s ? dir.filePath(u"h.sqlite"_s) : location;
            HistoryStore store;
            QVERIFY(store.open(caseLocation));
            const qint64 id = begin(store, c.transport, c.ageMs);
            QVERIFY2(id > 0, c.name);
            const QList<Build> builds = {build(kOld, kOtherConfig), build(kTarget, kConfig),
                                         build(c.found, c.config)};
            const ReconcileResult result =
                reconcilePendingActions(store, kRegistry, readWith(c.found, builds), kNow);
            QVERIFY2(result.problems.isEmpty(), qPrintable(result.problems.join(u' ')));
            QString error;
            const ActionState state = stateOf(store, id, &error);
            const ActionState expected = c.settled == 0   ? ActionState::Pending
                                         : c.settled == 1 ? ActionState::Succeeded
                                                          : ActionState::Failed;
            QVERIFY2(state == expected, c.name);
            QCOMPARE(result.settled.size(), c.settled == 0 ? 0 : 1);
            QVERIFY2(error.contains(QString::fromUtf8(c.noteHas)), qPrintable(error));
            if (c.settled != 0) {
                QCOMPARE(result.settled.first().id, id);
                QVERIFY2(describe(result.settled.first()).contains(u"#%1"_s.arg(id)), c.name);
            }
            // On PostgreSQL the cases share the database: settle what is left.
            if (state == ActionState::Pending)
                QVERIFY(store.finishAction(id, ActionState::Failed, u"test cleanup"_s));
        }
    }

    void leavesOtherRepositoriesAndUnreadTagsAlone_data() { TestDatabases::addBackendColumn(); }
    void leavesOtherRepositoriesAndUnreadTagsAlone() {
        QFETCH(QString, backend);
        const QString location = freshLocation(backend);
        if (location.isEmpty())
            QSKIP(qPrintable(m_skip));
        HistoryStore store;
        QVERIFY(store.open(location));
        const qint64 old = kPendingGraceMs * 2;
        const qint64 other = begin(store, u"registry"_s, old, u"acme/other"_s);
        const qint64 mine = begin(store, u"registry"_s, old);
        BuildCollection read = readWith(kTarget, {build(kTarget, kConfig)});
        read.tagDigests.remove(u"production"_s); // deleted, or not read this time
        ReconcileResult result = reconcilePendingActions(store, kRegistry, read, kNow);
        QVERIFY(result.settled.isEmpty());
        QCOMPARE(store.pendingActions()->size(), 2);

        result = reconcilePendingActions(store, kRegistry, readWith(kTarget, {}), kNow);
        QCOMPARE(result.settled.size(), 1);
        QCOMPARE(result.settled.first().id, mine);
        QCOMPARE(stateOf(store, other), ActionState::Pending);
        // The other registry's read settles nothing either.
        result =
            reconcilePendingActions(store, u"registry.example:443"_s, readWith(kTarget, {}), kNow);
        QVERIFY(result.settled.isEmpty());
    }
};

BERTH_TEST_MAIN(TestPendingReconciler)
#include "tst_pendingreconciler.moc"
