// Promote and roll back through the registry API against a real docker-registry on
// loopback, audited in a real SQLite history database.

#include "AsyncWait.h"
#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "TestMain.h"

#include "history/HistoryStore.h"
#include "registry/RegistryClient.h"
#include "release/Promoter.h"
#include "release/RollbackPlanner.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>

#include <QProcess>

#include <csignal>
#include <memory>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

const QString kRepository = u"acme/payment-api"_s;

QJsonObject image(const QStringList& tags, const QStringList& platforms, const QString& seed,
                  const QString& format = u"oci"_s) {
    return QJsonObject{{u"tags"_s, QJsonArray::fromStringList(tags)},
                       {u"format"_s, format},
                       {u"created"_s, u"2026-01-02T03:04:05Z"_s},
                       {u"labels"_s, QJsonObject{}},
                       {u"platforms"_s, QJsonArray::fromStringList(platforms)},
                       {u"layerSeed"_s, seed}};
}

} // namespace

class TestPromoter : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<RegistryServer> m_server;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<HistoryStore> m_store;
    std::unique_ptr<RegistryClient> m_client;
    std::unique_ptr<Promoter> m_promoter;
    QStringList m_digests; // of the seeded builds, in seeding order

    QString registry() const { return m_server->hostPort(); }

    std::optional<Result<ReleaseOutcome>> release(const QString& source, const QString& tag,
                                                  std::optional<QString> expected = std::nullopt,
                                                  ActionKind kind = ActionKind::Promote) {
        ReleaseRequest request;
        request.kind = kind;
        request.registry = registry();
        request.repository = kRepository;
        request.source = source;
        request.tag = tag;
        request.expectedCurrent = std::move(expected);
        request.reason = u"test %1 %2"_s.arg(source, tag);
        return waitForResult<ReleaseOutcome>(
            [this, request](QObject* context, Callback<ReleaseOutcome> done) {
                m_promoter->run(request, context, done);
            });
    }

    std::optional<Result<ManifestBlob>> manifest(const QString& reference) {
        return waitForResult<ManifestBlob>(
            [this, reference](QObject* context, Callback<ManifestBlob> done) {
                m_client->getManifest(kRepository, reference, context, done);
            });
    }

    QString digestOfTag(const QString& tag) {
        const auto blob = manifest(tag);
        return blob && blob->ok() ? blob->value().digest : QString();
    }

    int actionCount() {
        const auto actions = m_store->actions();
        return actions ? int(actions->size()) : -1;
    }

private slots:
    void init() {
        const QString missing = RegistryServer::unavailableReason({});
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        m_server = std::make_unique<RegistryServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        QJsonArray images{
            image({u"v1.0.0"_s, u"a3f2c8d"_s, u"production"_s}, {u"linux/amd64"_s}, u"one"_s),
            image({u"v1.1.0"_s, u"b4e5f6a"_s, u"staging"_s}, {u"linux/amd64"_s}, u"two"_s,
                  u"docker"_s),
            image({u"v1.2.0"_s, u"c7d8e9f"_s}, {u"linux/amd64"_s, u"linux/arm64"_s}, u"three"_s)};
        QString error;
        const QJsonObject seeded = RegistrySeeder::seed(
            *m_server, {{u"repository"_s, kRepository}, {u"images"_s, images}}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_digests.clear();
        for (const QJsonValue& entry : seeded.value(u"images"_s).toArray())
            m_digests.append(entry.toObject().value(u"digest"_s).toString());
        QCOMPARE(m_digests.size(), 3);

        m_dir = std::make_unique<QTemporaryDir>();
        m_store = std::make_unique<HistoryStore>();
        const Status opened = m_store->open(m_dir->filePath(u"history.sqlite"_s));
        QVERIFY2(opened.ok(), qPrintable(opened.errorMessage()));
        m_client = std::make_unique<RegistryClient>(registry());
        m_promoter = std::make_unique<Promoter>(m_client.get(), m_store.get());
    }

    void cleanup() {
        m_promoter.reset();
        m_client.reset();
        m_store.reset();
        m_dir.reset();
        m_server.reset();
    }

    void promoteMovesTheTagByteForByteAndAudits() {
        const auto before = manifest(m_digests[1]);
        QVERIFY(before && before->ok());
        const auto outcome = release(u"v1.1.0"_s, u"production"_s, m_digests[0]);
        QVERIFY(outcome.has_value());
        QVERIFY2(outcome->ok(), qPrintable(outcome->errorMessage()));
        QCOMPARE(outcome->value().fromDigest, m_digests[0]);
        QCOMPARE(outcome->value().toDigest, m_digests[1]);
        QCOMPARE(outcome->value().resultDigest, m_digests[1]);

        const auto after = manifest(u"production"_s);
        QVERIFY(after && after->ok());
        QCOMPARE(after->value().bytes, before->value().bytes); // the very same bytes
        QCOMPARE(after->value().digest, m_digests[1]);

        const auto actions = m_store->actions();
        QVERIFY(actions.ok());
        QCOMPARE(actions->size(), 1);
        const Action& action = actions->first();
        QCOMPARE(action.state, ActionState::Succeeded);
        QCOMPARE(action.kind, ActionKind::Promote);
        QCOMPARE(action.tag, u"production"_s);
        QCOMPARE(action.fromDigest, m_digests[0]);
        QCOMPARE(action.toDigest, m_digests[1]);
        QCOMPARE(action.transport, u"registry"_s);
        QCOMPARE(action.reason, u"test v1.1.0 production"_s);

        const auto history = m_store->tagHistory(registry(), kRepository, u"production"_s);
        QVERIFY(history.ok());
        QVERIFY(!history->isEmpty());
        QCOMPARE(history->first().digest, m_digests[1]);
    }

    void promotingAgainIsANoOp() {
        QVERIFY(release(u"v1.1.0"_s, u"production"_s)->ok());
        QCOMPARE(actionCount(), 1);
        const auto again = release(u"v1.1.0"_s, u"production"_s);
        QVERIFY(again.has_value() && again->ok());
        QVERIFY(again->value().alreadyThere);
        QCOMPARE(again->value().actionId, 0);
        QCOMPARE(actionCount(), 1); // nothing done, nothing audited
    }

    void immutableTagsNeverMove_data() {
        QTest::addColumn<QString>("tag");
        QTest::addColumn<QString>("says");
        QTest::newRow("exact semver") << u"v1.0.0"_s << u"is an immutable tag"_s;
        QTest::newRow("git sha") << u"a3f2c8d"_s << u"is an immutable tag"_s;
        QTest::newRow("branch sha") << u"main-a3f2c8d"_s << u"is an immutable tag"_s;
        // Nobody declared it immutable: it is described for what it is.
        QTest::newRow("inconsistent other") << u"final2"_s << u"fits no tag scheme"_s;
        QTest::newRow("not a tag at all") << u"-bad tag"_s << u"a tag must start with"_s;
    }

    void immutableTagsNeverMove() {
        QFETCH(QString, tag);
        QFETCH(QString, says);
        const QString before = digestOfTag(u"v1.0.0"_s);
        const auto outcome = release(u"v1.2.0"_s, tag);
        QVERIFY(outcome.has_value());
        QVERIFY(!outcome->ok());
        QCOMPARE(outcome->error().outcome, Outcome::Refused);
        QVERIFY2(outcome->errorMessage().contains(says), qPrintable(outcome->errorMessage()));
        if (tag == u"final2"_s)
            QVERIFY2(!outcome->errorMessage().contains(u"immutable"_s),
                     qPrintable(outcome->errorMessage()));
        QCOMPARE(digestOfTag(u"v1.0.0"_s), before);
        QCOMPARE(actionCount(), 0);
    }

    void aTagThatMovedSinceTheUserLookedIsRefused() {
        // The user saw production on build 2, but it is on build 1.
        const auto outcome = release(u"v1.2.0"_s, u"production"_s, m_digests[1]);
        QVERIFY(outcome.has_value());
        QVERIFY(!outcome->ok());
        QCOMPARE(outcome->error().outcome, Outcome::Refused);
        QVERIFY2(outcome->errorMessage().contains(u"moved since you looked"_s),
                 qPrintable(outcome->errorMessage()));
        QCOMPARE(digestOfTag(u"production"_s), m_digests[0]);
    }

    void anIndexIsRetaggedWhole() {
        const auto before = manifest(m_digests[2]);
        QVERIFY(before && before->ok());
        QCOMPARE(before->value().mediaType, MediaTypes::OciIndex);
        const auto outcome = release(m_digests[2], u"canary"_s, QString());
        QVERIFY(outcome.has_value());
        QVERIFY2(outcome->ok(), qPrintable(outcome->errorMessage()));
        QCOMPARE(outcome->value().fromDigest, QString()); // canary did not exist
        const auto after = manifest(u"canary"_s);
        QVERIFY(after && after->ok());
        QCOMPARE(after->value().mediaType, MediaTypes::OciIndex);
        QCOMPARE(after->value().bytes, before->value().bytes);
    }

    void rollbackGoesToThePreviousGoodPosition() {
        // production: build 1 (seeded) -> build 2 -> build 3, each recorded.
        const QMap<QString, QString> seen{{u"production"_s, m_digests[0]}};
        QVERIFY(m_store
                    ->recordObservations(registry(), kRepository, seen,
                                         QDateTime::currentDateTimeUtc().addSecs(-60), u"test"_s)
                    .ok());
        QVERIFY(release(u"v1.1.0"_s, u"production"_s)->ok());
        QVERIFY(release(u"v1.2.0"_s, u"production"_s)->ok());

        const auto history = m_store->tagHistory(registry(), kRepository, u"production"_s);
        QVERIFY(history.ok());
        QCOMPARE(history->size(), 3);

        auto target = chooseRollbackTarget(u"production"_s, m_digests[2],
                                           RollbackFacts{history.value(), {}, {}, {}});
        QVERIFY(target.ok());
        QCOMPARE(target->digest, m_digests[1]);

        // Build 2 is marked bad for production: the rollback skips it.
        Verdict bad;
        bad.registry = registry();
        bad.repository = kRepository;
        bad.digest = m_digests[1];
        bad.environment = u"production"_s;
        bad.verdict = VerdictKind::Bad;
        QVERIFY(m_store->setVerdict(bad).ok());
        const auto verdicts = m_store->verdicts(registry(), kRepository);
        QVERIFY(verdicts.ok());
        target = chooseRollbackTarget(u"production"_s, m_digests[2],
                                      RollbackFacts{history.value(), verdicts.value(), {}, {}});
        QVERIFY(target.ok());
        QCOMPARE(target->digest, m_digests[0]);
        QCOMPARE(target->skippedBad, 1);

        const auto rolledBack =
            release(target->digest, u"production"_s, m_digests[2], ActionKind::Rollback);
        QVERIFY(rolledBack.has_value());
        QVERIFY2(rolledBack->ok(), qPrintable(rolledBack->errorMessage()));
        QCOMPARE(digestOfTag(u"production"_s), m_digests[0]);
        const auto actions = m_store->actions();
        QVERIFY(actions.ok());
        QCOMPARE(actions->first().kind, ActionKind::Rollback);
        QCOMPARE(actions->first().state, ActionState::Succeeded);
    }

    void aPromotionRecordsBothEndsSoARollbackCanFollow() {
        // A database that never read the repository: only the promotion itself saw it.
        QCOMPARE(m_store->tagHistory(registry(), kRepository, u"production"_s)->size(), 0);
        QVERIFY(release(u"v1.1.0"_s, u"production"_s)->ok());

        const auto history = m_store->tagHistory(registry(), kRepository, u"production"_s);
        QVERIFY(history.ok());
        QCOMPARE(history->size(), 2);
        QCOMPARE(history->at(0).digest, m_digests[1]); // newest first
        QCOMPARE(history->at(1).digest, m_digests[0]);
        const auto target = chooseRollbackTarget(u"production"_s, m_digests[1],
                                                 RollbackFacts{history.value(), {}, {}, {}});
        QVERIFY2(target.ok(), qPrintable(target.errorMessage()));
        QCOMPARE(target->digest, m_digests[0]);
    }

    void twoPromotersRacingOnOneTagHaveOneWinner() {
        // Two Berths sharing one history database, both having seen production on build 1.
        HistoryStore otherStore;
        QVERIFY(otherStore.open(m_dir->filePath(u"history.sqlite"_s)).ok());
        RegistryClient otherClient(registry());
        Promoter other(&otherClient, &otherStore);

        auto request = [this](const QString& source) {
            ReleaseRequest r;
            r.registry = registry();
            r.repository = kRepository;
            r.source = source;
            r.tag = u"production"_s;
            r.expectedCurrent = m_digests[0];
            return r;
        };
        std::optional<Result<ReleaseOutcome>> first;
        std::optional<Result<ReleaseOutcome>> second;
        m_promoter->run(request(m_digests[1]), this,
                        [&first](Result<ReleaseOutcome> r) { first.emplace(std::move(r)); });
        other.run(request(m_digests[2]), this,
                  [&second](Result<ReleaseOutcome> r) { second.emplace(std::move(r)); });
        QTRY_VERIFY_WITH_TIMEOUT(first.has_value() && second.has_value(), 30000);

        QCOMPARE(int(first->ok()) + int(second->ok()), 1);
        const auto& loser = first->ok() ? *second : *first;
        QCOMPARE(loser.error().outcome, Outcome::Refused);
        const QString winner = first->ok() ? m_digests[1] : m_digests[2];
        QCOMPARE(digestOfTag(u"production"_s), winner);

        const auto actions = m_store->actions();
        QVERIFY(actions.ok());
        int succeeded = 0;
        for (const Action& action : actions.value()) {
            QVERIFY(action.state != ActionState::Pending);
            succeeded += action.state == ActionState::Succeeded ? 1 : 0;
        }
        QCOMPARE(succeeded, 1);
    }

    void aRegistryGoneBeforeThePutFailsTheAction() {
        // The registry dies right after the pending row is written, before the PUT.
        connect(m_promoter.get(), &Promoter::stepStarted, this, [this](const QString& step) {
            if (step.startsWith(u"Pointing"_s))
                m_server.reset();
        });
        const auto outcome = release(u"v1.1.0"_s, u"production"_s, m_digests[0]);
        QVERIFY(outcome.has_value());
        QVERIFY(!outcome->ok());
        const auto actions = m_store->actions();
        QVERIFY(actions.ok());
        QCOMPARE(actions->size(), 1);
        // Refused connections never delivered the PUT: a definite failure, not "unknown".
        QCOMPARE(actions->first().state, ActionState::Failed);
        QVERIFY(!actions->first().error.isEmpty());
    }

    void noAnswerToThePutLeavesItPendingUntilReconciled() {
        // A registry that freezes after the pending row: the PUT reaches it, the answer never
        // comes back in time. Only a later look can say whether the tag moved.
        RegistryOptions impatient;
        impatient.transferTimeoutMs = 1500;
        impatient.maxRetries = 0;
        RegistryClient client(registry(), impatient);
        Promoter promoter(&client, m_store.get());
        const qint64 pid = m_server->processId();
        QVERIFY(pid > 0);
        connect(&promoter, &Promoter::stepStarted, this, [pid](const QString& step) {
            if (step.startsWith(u"Pointing"_s))
                ::kill(pid_t(pid), SIGSTOP);
        });
        ReleaseRequest request;
        request.registry = registry();
        request.repository = kRepository;
        request.source = m_digests[1];
        request.tag = u"production"_s;
        const auto outcome = waitForResult<ReleaseOutcome>(
            [&promoter, request](QObject* context, Callback<ReleaseOutcome> done) {
                promoter.run(request, context, done);
            });
        ::kill(pid_t(pid), SIGCONT);
        QVERIFY(outcome.has_value());
        QVERIFY(!outcome->ok());
        QCOMPARE(outcome->error().outcome, Outcome::Unsettled);
        auto actions = m_store->actions();
        QVERIFY(actions.ok());
        QCOMPARE(actions->first().state, ActionState::Pending);

        // The thawed registry carries the PUT out; the next record settles the row. The
        // record waits for the PUT to land: run before it, it would rightly see production
        // where it was and leave the row pending.
        QTRY_COMPARE_WITH_TIMEOUT(digestOfTag(u"production"_s), m_digests[1], 30000);
        QProcess record;
        record.start(QStringLiteral(BERTHCTL_PATH),
                     {u"record"_s, registry() + u'/' + kRepository, u"--db"_s,
                      m_dir->filePath(u"history.sqlite"_s)});
        QVERIFY(record.waitForFinished(60000));
        QVERIFY2(record.exitCode() == 0, record.readAllStandardError().constData());
        actions = m_store->actions();
        QVERIFY(actions.ok());
        QCOMPARE(actions->first().state, ActionState::Succeeded);
    }

    void rollbackWithoutHistoryIsRefused() {
        const auto target = chooseRollbackTarget(u"production"_s, m_digests[0], {});
        QVERIFY(!target.ok());
        QCOMPARE(target.error().outcome, Outcome::Refused);
    }

    void aVanishedRegistryFailsTheActionAndSaysSo() {
        // The source is read, then the registry disappears before the retag.
        const auto source = manifest(m_digests[1]);
        QVERIFY(source && source->ok());
        const QString port = registry();
        m_server.reset();
        ReleaseRequest request;
        request.registry = port;
        request.repository = kRepository;
        request.source = m_digests[1];
        request.tag = u"production"_s;
        const auto outcome = waitForResult<ReleaseOutcome>(
            [this, request](QObject* context, Callback<ReleaseOutcome> done) {
                m_promoter->run(request, context, done);
            });
        QVERIFY(outcome.has_value());
        QVERIFY(!outcome->ok());
        // Nothing was written as succeeded; at most a failed row.
        const auto actions = m_store->actions();
        QVERIFY(actions.ok());
        for (const Action& action : actions.value())
            QCOMPARE(action.state, ActionState::Failed);
    }
};

BERTH_TEST_MAIN(TestPromoter)
#include "tst_promoter.moc"
