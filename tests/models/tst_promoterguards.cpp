// What the promoter guards against that other processes left behind, against a real
// registry: a move interrupted by Ctrl+C or a crash leaves its audit row pending, and the
// next move of the tag must not be blocked by it for ever (once the row is older than any
// move can take, it is checked against the registry, settled, and the new move goes on);
// and a manifest row of a shared history database that was damaged or tampered with must
// never be PUT under a tag.

#include "AsyncWait.h"
#include "HostileFixtures.h"
#include "HostileRegistry.h"
#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "TestDatabases.h"
#include "TestMain.h"

#include "history/HistoryStore.h"
#include "registry/RegistryClient.h"
#include "release/PendingReconciler.h"
#include "release/Promoter.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

const QString kRepository = u"acme/payment-api"_s;

QJsonObject image(const QStringList& tags, const QString& seed) {
    return QJsonObject{{u"tags"_s, QJsonArray::fromStringList(tags)},  {u"format"_s, u"oci"_s},
                       {u"created"_s, u"2026-01-02T03:04:05Z"_s},      {u"labels"_s, QJsonObject{}},
                       {u"platforms"_s, QJsonArray{u"linux/amd64"_s}}, {u"layerSeed"_s, seed}};
}

// Small limits, so "older than any move can take" is seconds rather than minutes.
RegistryOptions quickOptions() {
    RegistryOptions options;
    options.maxRetries = 1;
    options.transferTimeoutMs = 2000;
    options.maxRetryAfterSeconds = 1;
    return options; // a move can be at work for 2 × 2 s + 1 s = 5 s at the most
}

} // namespace

class TestPromoterGuards : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<RegistryServer> m_server;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<HistoryStore> m_store;
    std::unique_ptr<RegistryClient> m_client;
    std::unique_ptr<Promoter> m_promoter;
    QStringList m_digests; // v1.0.0 (production), v1.1.0, v1.2.0
    TestDatabases m_databases;
    QString m_skip;

    std::optional<Result<ReleaseOutcome>> promote(const QString& source) {
        ReleaseRequest request;
        request.registry = m_server->hostPort();
        request.repository = kRepository;
        request.source = source;
        request.tag = u"production"_s;
        request.reason = u"after an interrupted move"_s;
        return waitForResult<ReleaseOutcome>(
            [this, request](QObject* context, Callback<ReleaseOutcome> done) {
                m_promoter->run(request, context, done);
            });
    }

    // The row an interrupted `berthctl promote` leaves: pending, started `ageMs` ago.
    qint64 leavePending(const QString& to, qint64 ageMs, const QString& transport) {
        Action action;
        action.registry = m_server->hostPort();
        action.repository = kRepository;
        action.tag = u"production"_s;
        action.fromDigest = m_digests[0];
        action.toDigest = to;
        action.transport = transport;
        action.user = u"alice"_s;
        action.host = u"laptop"_s;
        action.time = QDateTime::currentDateTimeUtc().addMSecs(-ageMs);
        const Result<qint64> id = m_store->beginAction(action);
        return id ? id.value() : 0;
    }

    std::optional<Action> action(qint64 id) {
        const Result<QList<Action>> actions = m_store->actions();
        if (actions) {
            for (const Action& found : actions.value()) {
                if (found.id == id)
                    return found;
            }
        }
        return std::nullopt;
    }

    // Where the registry's `production` points, through a client of the test's own.
    QString production() {
        RegistryClient client(m_server->hostPort());
        const auto head =
            waitForResult<ManifestHead>([&client](QObject* context, Callback<ManifestHead> done) {
                client.headManifest(kRepository, u"production"_s, context, done);
            });
        return head && head->ok() ? head->value().digest : QString();
    }

private slots:
    void initTestCase() { m_databases.createPostgres(u"promoterguards"_s); }
    void cleanupTestCase() { m_databases.dropPostgres(); }

    void init() {
        const QString missing = RegistryServer::unavailableReason({});
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        m_server = std::make_unique<RegistryServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        const QJsonArray images{image({u"v1.0.0"_s, u"production"_s}, u"one"_s),
                                image({u"v1.1.0"_s}, u"two"_s), image({u"v1.2.0"_s}, u"three"_s)};
        QString error;
        const QJsonObject seeded = RegistrySeeder::seed(
            *m_server, {{u"repository"_s, kRepository}, {u"images"_s, images}}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_digests.clear();
        for (const QJsonValue& entry : seeded.value(u"images"_s).toArray())
            m_digests.append(entry.toObject().value(u"digest"_s).toString());
        QCOMPARE(m_digests.size(), 3);

        m_dir = std::make_unique<QTemporaryDir>();
        m_client = std::make_unique<RegistryClient>(m_server->hostPort(), quickOptions());
    }

    // The store and promoter on a fresh database of `backend`; false (with m_skip) when
    // that backend is not available here.
    bool openHistory(const QString& backend) {
        const QString location =
            m_databases.freshLocation(backend, m_dir->filePath(u"history.sqlite"_s), &m_skip);
        if (location.isEmpty())
            return false;
        m_store = std::make_unique<HistoryStore>();
        const Status opened = m_store->open(location);
        if (!opened) {
            m_skip = opened.errorMessage();
            return false;
        }
        m_promoter = std::make_unique<Promoter>(m_client.get(), m_store.get());
        return true;
    }

    void cleanup() {
        m_promoter.reset();
        m_client.reset();
        m_store.reset();
        m_dir.reset();
        m_server.reset();
    }

    void aMoveThatMayStillRunBlocksTheTagAndSaysUntilWhen() {
        QVERIFY2(openHistory(u"sqlite"_s), qPrintable(m_skip));
        const qint64 pending = leavePending(m_digests[2], 500, u"registry"_s);
        QVERIFY(pending > 0);
        const auto outcome = promote(u"v1.1.0"_s);
        QVERIFY(outcome.has_value());
        QVERIFY(!outcome->ok());
        QCOMPARE(outcome->error().outcome, Outcome::Refused);
        const QString message = outcome->errorMessage();
        QVERIFY2(message.contains(u"alice on laptop"_s), qPrintable(message));
        QVERIFY2(message.contains(u"#%1"_s.arg(pending)), qPrintable(message));
        QVERIFY2(message.contains(u"settled from"_s), qPrintable(message));
        QCOMPARE(action(pending)->state, ActionState::Pending);
        QCOMPARE(production(), m_digests[0]);
    }

    void anAbandonedMoveIsSettledFromTheRegistryThenTheNewMoveGoesOn_data() {
        QTest::addColumn<QString>("transport");
        QTest::addColumn<qint64>("ageMs");
        // Past the registry transport's 5 s; the engine's grace is minutes.
        QTest::newRow("registry") << u"registry"_s << qint64(6000);
        QTest::newRow("engine") << u"engine"_s << qint64(kPendingGraceMs + 1000);
    }

    void anAbandonedMoveIsSettledFromTheRegistryThenTheNewMoveGoesOn() {
        QFETCH(QString, transport);
        QFETCH(qint64, ageMs);
        QVERIFY2(openHistory(u"sqlite"_s), qPrintable(m_skip));
        // Interrupted before its PUT: production never left v1.0.0.
        const qint64 pending = leavePending(m_digests[2], ageMs, transport);
        QVERIFY(pending > 0);
        QSignalSpy steps(m_promoter.get(), &Promoter::stepStarted);

        const auto outcome = promote(u"v1.1.0"_s);
        QVERIFY(outcome.has_value());
        QVERIFY2(outcome->ok(), qPrintable(outcome->errorMessage()));
        QCOMPARE(outcome->value().resultDigest, m_digests[1]);
        QCOMPARE(production(), m_digests[1]);

        const std::optional<Action> settled = action(pending);
        QVERIFY(settled.has_value());
        QCOMPARE(settled->state, ActionState::Failed);
        QVERIFY2(settled->error.contains(m_digests[0]), qPrintable(settled->error));
        // The person is told what was done with the old row.
        QVERIFY2(outcome->value().note.contains(u"#%1"_s.arg(pending)),
                 qPrintable(outcome->value().note));
        bool announced = false;
        for (const QList<QVariant>& step : std::as_const(steps))
            announced |= step.value(0).toString().contains(u"checking the registry"_s);
        QVERIFY(announced);
        // The new move has its own audit row, settled.
        const std::optional<Action> moved = action(outcome->value().actionId);
        QVERIFY(moved.has_value());
        QCOMPARE(moved->state, ActionState::Succeeded);
    }

    void anAbandonedMoveThatLandedIsSettledAsDoneBeforeTheNewMove() {
        QVERIFY2(openHistory(u"sqlite"_s), qPrintable(m_skip));
        // The interrupted process's PUT reached the registry: production is on v1.2.0.
        const auto landed = promote(u"v1.2.0"_s);
        QVERIFY(landed && landed->ok());
        const qint64 pending = leavePending(m_digests[2], 6000, u"registry"_s);
        QVERIFY(pending > 0);

        // The user still believes production is on v1.0.0.
        ReleaseRequest request;
        request.registry = m_server->hostPort();
        request.repository = kRepository;
        request.source = u"v1.1.0"_s;
        request.tag = u"production"_s;
        request.expectedCurrent = m_digests[2];
        const auto outcome = waitForResult<ReleaseOutcome>(
            [this, request](QObject* context, Callback<ReleaseOutcome> done) {
                m_promoter->run(request, context, done);
            });
        QVERIFY(outcome.has_value());
        QVERIFY2(outcome->ok(), qPrintable(outcome->errorMessage()));
        QCOMPARE(action(pending)->state, ActionState::Succeeded);
        QCOMPARE(production(), m_digests[1]);
    }

    void aTamperedManifestRowIsNeverPut_data() { TestDatabases::addBackendColumn(); }

    void aTamperedManifestRowIsNeverPut() {
        QFETCH(QString, backend);
        if (!openHistory(backend))
            QSKIP(qPrintable(m_skip));
        // Someone with write access to the shared database put v1.2.0's bytes under
        // v1.1.0's digest.
        RegistryClient reader(m_server->hostPort());
        const auto other =
            waitForResult<ManifestBlob>([&reader](QObject* context, Callback<ManifestBlob> done) {
                reader.getManifest(kRepository, u"v1.2.0"_s, context, done);
            });
        QVERIFY(other && other->ok());
        ManifestRecord tampered;
        tampered.blob = other->value();
        tampered.blob.digest = m_digests[1];
        QVERIFY(m_store->storeManifest(tampered));

        const auto outcome = promote(m_digests[1]);
        QVERIFY(outcome.has_value());
        QVERIFY(!outcome->ok());
        QCOMPARE(outcome->error().outcome, Outcome::Refused);
        const QString message = outcome->errorMessage();
        QVERIFY2(message.contains(u"damaged or was tampered with"_s), qPrintable(message));
        QVERIFY2(message.contains(u"nothing was changed"_s), qPrintable(message));
        QCOMPARE(production(), m_digests[0]);
        // The row is gone, so a retry reads (and verifies) the manifest from the registry.
        const Result<std::optional<ManifestBlob>> cached = m_store->manifest(m_digests[1]);
        QVERIFY(cached);
        QVERIFY(!cached.value().has_value());
        const auto retried = promote(m_digests[1]);
        QVERIFY(retried.has_value());
        QVERIFY2(retried->ok(), qPrintable(retried->errorMessage()));
        QCOMPARE(production(), m_digests[1]);
    }

    // A registry answering the PUT with an error code that is also the name of one of
    // Berth's own outcomes: it is a failure like any other, never "pending" or "refused".
    void aRegistrysErrorCodeNeverPassesForBerthsOwnOutcome_data() {
        QTest::addColumn<QByteArray>("code");
        QTest::newRow("NO_ANSWER") << QByteArray("NO_ANSWER");
        QTest::newRow("UNSETTLED") << QByteArray("UNSETTLED");
        QTest::newRow("REFUSED") << QByteArray("REFUSED");
    }

    void aRegistrysErrorCodeNeverPassesForBerthsOwnOutcome() {
        QFETCH(QByteArray, code);
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        const QByteArray target = digestOf(ImageManifest).toLatin1();
        const QByteArray current = "sha256:" + QByteArray(64, 'c');
        server.setAnswer("HEAD", manifestPath(u"v1.1.0"_s),
                         HostileAnswer::json(200, ImageManifest,
                                             {{"Content-Type", OciManifestType},
                                              {"Docker-Content-Digest", target}}));
        server.setAnswer("GET", manifestPath(QString::fromLatin1(target)),
                         HostileAnswer::json(200, ImageManifest,
                                             {{"Content-Type", OciManifestType},
                                              {"Docker-Content-Digest", target}}));
        server.setAnswer("HEAD", manifestPath(u"production"_s),
                         HostileAnswer::json(200, ImageManifest,
                                             {{"Content-Type", OciManifestType},
                                              {"Docker-Content-Digest", current}}));
        server.setAnswer("PUT", manifestPath(u"production"_s),
                         HostileAnswer::registryError(400, code, "manifest invalid"));

        QVERIFY2(openHistory(u"sqlite"_s), qPrintable(m_skip));
        RegistryClient client(server.hostPort(), hostileOptions(config));
        Promoter promoter(&client, m_store.get());
        ReleaseRequest request;
        request.registry = server.hostPort();
        request.repository = Repository;
        request.source = u"v1.1.0"_s;
        request.tag = u"production"_s;
        const auto outcome =
            waitForResult<ReleaseOutcome>([&](QObject* context, Callback<ReleaseOutcome> done) {
                promoter.run(request, context, done);
            });
        QVERIFY(outcome.has_value());
        QVERIFY(!outcome->ok());
        QCOMPARE(server.hitCount("PUT", manifestPath(u"production"_s)), 1);
        QCOMPARE(outcome->error().outcome, Outcome::Failed);
        // The registry's code stays data: the person reads it in the message.
        QVERIFY2(outcome->errorMessage().contains(QString::fromLatin1(code)),
                 qPrintable(outcome->errorMessage()));
        const Result<QList<Action>> actions = m_store->actions();
        QVERIFY(actions);
        QCOMPARE(actions->size(), 1);
        QCOMPARE(actions->first().state, ActionState::Failed);
    }
};

BERTH_TEST_MAIN(TestPromoterGuards)
#include "tst_promoterguards.moc"
