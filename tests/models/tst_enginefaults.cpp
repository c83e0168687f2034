// The engine transport losing its engine in the middle of a push, end to end: the real
// Promoter retags through a real dockerd (and podman's service where it runs) that pulls
// from and pushes to a real docker-registry behind a RegistryRelay. The relay holds back
// the push's manifest PUT, the one request that moves the tag, so the engine is killed
// (SIGKILL) while its push is provably in flight; the relay then drops that PUT or lets
// the registry carry it out. Either way the tag must end where it was or where it was
// meant to go, and the audit log, once reconciled, must say which.

#include "AsyncWait.h"
#include "EngineServer.h"
#include "RegistryRelay.h"
#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "TestMain.h"

#include "engine/EngineClient.h"
#include "engine/EngineRetag.h"
#include "history/HistoryStore.h"
#include "registry/ManifestParser.h"
#include "registry/RegistryClient.h"
#include "release/EngineTransport.h"
#include "release/Promoter.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <optional>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

const QString kRepository = u"acme/payment-api"_s;
const QString kTag = u"production"_s;
// Longer than berthctl's grace for a pending row, after which reconciliation decides
// that a tag not on the row's target never will be.
constexpr qint64 kPastGraceMs = 11 * 60 * 1000;

struct TagView {
    QString digest;
    QString configDigest;
};

QJsonObject image(const QString& tag, const QString& seed) {
    return QJsonObject{{u"tags"_s, QJsonArray{tag}},
                       {u"format"_s, u"oci"_s},
                       {u"platforms"_s, QJsonArray{u"linux/amd64"_s}},
                       {u"layerSeed"_s, seed}};
}

QString actionSummary(const Action& action) {
    return u"#%1 %2: %3"_s.arg(QString::number(action.id), actionStateName(action.state),
                               action.error);
}

} // namespace

class TestEngineFaults : public QObject {
    Q_OBJECT

private:
    // The registry's own view, read past the relay so the relay cannot colour it.
    static TagView readTag(RegistryClient& direct, const QString& reference) {
        const auto blob =
            waitForResult<ManifestBlob>([&](QObject* context, Callback<ManifestBlob> done) {
                direct.getManifest(kRepository, reference, context, done);
            });
        if (!blob || !blob->ok())
            return {};
        const auto info = ManifestParser::parse(blob->value().bytes, blob->value().mediaType);
        return {blob->value().digest, info ? info->configDigest : QString()};
    }

    static int runRecord(const QString& registry, const QString& database, QString* errors) {
        QProcess record;
        record.start(QStringLiteral(BERTHCTL_PATH),
                     {u"record"_s, registry + u'/' + kRepository, u"--db"_s, database});
        // The relay lives on this thread: keep the event loop turning while berthctl runs.
        if (!QTest::qWaitFor([&record] { return record.state() == QProcess::NotRunning; }, 60000)) {
            record.kill();
            record.waitForFinished();
            return -1;
        }
        *errors = QString::fromUtf8(record.readAllStandardError());
        return record.exitStatus() == QProcess::NormalExit ? record.exitCode() : -1;
    }

    // Moves the row's start back past the grace, as if the next start came much later.
    static bool backdate(const QString& database, qint64 actionId) {
        bool done = false;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"backdate"_s);
            db.setDatabaseName(database);
            if (db.open()) {
                QSqlQuery query(db);
                query.prepare(u"UPDATE actions SET started_at = started_at - ? WHERE id = ?"_s);
                query.addBindValue(kPastGraceMs);
                query.addBindValue(actionId);
                done = query.exec() && query.numRowsAffected() == 1;
            }
        }
        QSqlDatabase::removeDatabase(u"backdate"_s);
        return done;
    }

private slots:
    void engineKilledMidPush_data() {
        QTest::addColumn<bool>("podman");
        QTest::addColumn<bool>("delivered"); // whether the registry gets the held PUT
        QTest::newRow("dockerd, manifest PUT lost with the engine") << false << false;
        QTest::newRow("dockerd, manifest PUT carried out after the engine died") << false << true;
        QTest::newRow("podman, manifest PUT lost with the engine") << true << false;
        QTest::newRow("podman, manifest PUT carried out after the engine died") << true << true;
    }

    void engineKilledMidPush() {
        QFETCH(bool, podman);
        QFETCH(bool, delivered);
        const EngineServer::Kind kind =
            podman ? EngineServer::Kind::Podman : EngineServer::Kind::Docker;
        if (const QString reason = EngineServer::unavailableReason(kind); !reason.isEmpty())
            QSKIP(qPrintable(reason));
        if (const QString reason = RegistryServer::unavailableReason({}); !reason.isEmpty())
            QSKIP(qPrintable(reason));

        RegistryServer server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        QString error;
        const QJsonObject seeded = RegistrySeeder::seed(
            server,
            {{u"repository"_s, kRepository},
             {u"images"_s, QJsonArray{image(kTag, u"one"_s), image(u"v1.1.0"_s, u"two"_s)}}},
            &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QJsonArray images = seeded.value(u"images"_s).toArray();
        QCOMPARE(images.size(), 2);
        const QString original = images.at(0)[u"digest"_s].toString();
        const QString source = images.at(1)[u"digest"_s].toString();
        const QString intendedConfig = images.at(1)[u"configDigest"_s].toString();

        RegistryRelay relay(quint16(server.hostPort().section(u':', 1).toUInt()));
        QVERIFY(relay.listen());
        EngineServer engine(kind);
        if (!engine.start())
            QSKIP(qPrintable(engine.errorString()));
        EngineClient engineClient(engine.dockerHost());

        // Both engines re-serialise a manifest they did not write themselves; one push
        // first makes the build's manifest the engine's own, so "where it should be" is
        // one exact digest below (re-encoding has tests of its own in tst_engineclient).
        const auto serialised = waitForResult<EngineRetagOutcome>(
            [&](QObject* context, Callback<EngineRetagOutcome> done) {
                EngineRetag::start(engineClient,
                                   {relay.hostPort() + u'/' + kRepository, source, u"candidate"_s,
                                    false, std::nullopt},
                                   context, {}, done);
            },
            120000);
        QVERIFY(serialised);
        QVERIFY2(serialised->ok(), qPrintable(serialised->errorMessage()));
        const QString intended = serialised->value().pushedDigest;
        RegistryClient direct(server.hostPort());
        QCOMPARE(readTag(direct, u"candidate"_s).configDigest, intendedConfig);

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString database = dir.filePath(u"history.sqlite"_s);
        HistoryStore store;
        const Status opened = store.open(database);
        QVERIFY2(opened.ok(), qPrintable(opened.errorMessage()));
        RegistryClient registryClient(relay.hostPort());
        RegistryOptions options;
        options.dockerConfigDir = dir.path(); // no config.json: anonymous, as the registry is
        bool killed = false;
        int pushEventsBeforeKill = 0;
        Promoter promoter(&registryClient, &store);
        promoter.setEngineRetag(
            makeEngineRetag(&engineClient, options, [&](const ProgressEvent& event) {
                if (!killed && event.step == u"push"_s)
                    ++pushEventsBeforeKill;
            }));

        ReleaseRequest request;
        request.registry = relay.hostPort();
        request.repository = kRepository;
        request.source = intended;
        request.tag = kTag;
        request.expectedCurrent = original;
        request.reason = u"engine killed mid-push"_s;
        request.transport = RetagTransport::Engine;

        relay.holdNextManifestPut(kRepository);
        QObject context;
        std::optional<Result<ReleaseOutcome>> outcome;
        promoter.run(request, &context,
                     [&outcome](Result<ReleaseOutcome> result) { outcome.emplace(result); });
        QTRY_VERIFY_WITH_TIMEOUT(relay.isHolding() || outcome.has_value(), 120000);
        QVERIFY2(!outcome.has_value(), qPrintable(outcome->errorMessage()));
        // The engine has reported its push and waits for the answer to the manifest PUT:
        // the push is in flight, and nothing has moved the tag yet.
        QTRY_VERIFY_WITH_TIMEOUT(pushEventsBeforeKill > 0, 10000);
        QCOMPARE(readTag(direct, kTag).digest, original);
        engine.kill();
        killed = true;
        QVERIFY(!engine.isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 30000);
        relay.release(delivered ? RegistryRelay::Fate::Deliver : RegistryRelay::Fate::Drop);
        if (delivered)
            QTRY_VERIFY_WITH_TIMEOUT(relay.deliveredPutAnswered(), 15000);

        // 1. A failure a person can read: the engine went away, and the outcome is open.
        QVERIFY(!outcome->ok());
        const QString message = outcome->errorMessage();
        qInfo("%s", qPrintable(message));
        QVERIFY2(message.contains(
                     u"container engine at %1 went away while pushing"_s.arg(engine.dockerHost())),
                 qPrintable(message));
        QVERIFY2(message.contains(u"outcome is unknown"_s), qPrintable(message));
        // A lost answer is no failure: the registry may carry the PUT out all the same.
        QCOMPARE(outcome->error().outcome, Outcome::Unsettled);

        // 2. The audit row was written before the push and stays pending.
        auto actions = store.actions();
        QVERIFY2(actions.ok(), qPrintable(actions.errorMessage()));
        QCOMPARE(actions->size(), 1);
        const Action action = actions->first();
        QCOMPARE(action.state, ActionState::Pending);
        QCOMPARE(action.transport, u"engine"_s);
        QCOMPARE(action.fromDigest, original);
        QCOMPARE(action.toDigest, intended);
        QVERIFY2(message.contains(u"#%1"_s.arg(action.id)), qPrintable(message));
        const auto pending = store.pendingActions();
        QVERIFY(pending.ok());
        QCOMPARE(pending->size(), 1);
        QCOMPARE(pending->first().id, action.id);

        // 3. The tag is where it was or where it should be, and nowhere else.
        const TagView now = readTag(direct, kTag);
        QCOMPARE(now.digest, delivered ? intended : original);
        if (delivered)
            QCOMPARE(now.configDigest, intendedConfig);

        // The next start settles the row from what the registry says.
        const auto stateAfterRecord = [&]() -> std::optional<Action> {
            QString errors;
            const int exitCode = runRecord(relay.hostPort(), database, &errors);
            if (exitCode != 0) {
                qWarning("berthctl record exited %d: %s", exitCode, qPrintable(errors));
                return std::nullopt;
            }
            const auto after = store.actions();
            if (!after || after->size() != 1)
                return std::nullopt;
            return after->first();
        };
        std::optional<Action> settled = stateAfterRecord();
        QVERIFY(settled);
        if (!delivered) {
            // Within the grace the PUT might still land: the row must not be guessed.
            QCOMPARE(settled->state, ActionState::Pending);
            QVERIFY(backdate(database, action.id));
            settled = stateAfterRecord();
            QVERIFY(settled);
        }
        QVERIFY2(settled->state != ActionState::Pending, qPrintable(actionSummary(*settled)));
        QCOMPARE(settled->state, delivered ? ActionState::Succeeded : ActionState::Failed);
        // The audit log agrees with the registry.
        QCOMPARE(readTag(direct, kTag).digest, delivered ? intended : original);
        QCOMPARE(settled->state == ActionState::Succeeded, now.digest == settled->toDigest);
        if (!delivered)
            QVERIFY2(settled->error.contains(original), qPrintable(actionSummary(*settled)));
    }
};

BERTH_TEST_MAIN(TestEngineFaults)
#include "tst_enginefaults.moc"
