// The policy's promotion order as a plan check, against a real docker-registry on loopback,
// a real SQLite history written by real promotions, and real git clones whose berth.toml
// (or its absence) is the policy: which promotions skip a stage, which do not (a build in
// the stage now, or there earlier and replaced since), and that rollbacks and policies
// without an order are never checked.

#include "AsyncWait.h"
#include "GitSandbox.h"
#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "TestMain.h"

#include "git/GitLibrary.h"
#include "history/HistoryStore.h"
#include "policy/TagPolicy.h"
#include "registry/RegistryClient.h"
#include "release/Promoter.h"
#include "release/StageOrderCheck.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

// A move carried out before the plan: `tag` onto build `build`.
struct Move {
    QString tag;
    int build = -1;
};

// Runs before the GitLibrary member is built, so libgit2 sees the sandbox's HOME too.
bool isolate(const GitSandbox& sandbox) {
    sandbox.isolateThisProcess();
    return true;
}

} // namespace

Q_DECLARE_METATYPE(Move)

class TestStageOrderCheck : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_home;
    GitSandbox m_sandbox{m_home.path()};
    bool m_isolated = isolate(m_sandbox);
    GitLibrary m_git;
    std::unique_ptr<RegistryServer> m_server;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<HistoryStore> m_store;
    std::unique_ptr<RegistryClient> m_client;
    std::unique_ptr<Promoter> m_promoter;
    QMap<QString, QString> m_clones; // "ordered", "unordered", "none" -> clone path
    QStringList m_digests;           // v1.0.0 production, v1.1.0 staging, v1.2.0 dev, v1.3.0
    int m_repositories = 0;
    QString m_path;

    QString registry() const { return m_server->hostPort(); }

    QString makeClone(const QString& name, const QByteArray& policy) {
        const QString clone = m_sandbox.newRepository(name);
        if (clone.isEmpty())
            return {};
        const QString commit =
            policy.isEmpty()
                ? m_sandbox.commitFile(clone, u"README"_s, "a service\n", u"Start"_s)
                : m_sandbox.commitFile(clone, u"berth.toml"_s, policy, u"Tag policy"_s);
        return commit.isEmpty() ? QString() : clone;
    }

    TagPolicy policyOf(const QString& clone) {
        const Result<TagPolicy> policy = readTagPolicy(m_clones.value(clone));
        if (!policy)
            qWarning("policy of %s: %s", qPrintable(clone), qPrintable(policy.errorMessage()));
        return policy ? policy.value() : TagPolicy{};
    }

    bool move(const Move& step) {
        ReleaseRequest request;
        request.registry = registry();
        request.repository = m_path;
        request.source = m_digests.at(step.build);
        request.tag = step.tag;
        request.reason = u"test"_s;
        const auto moved = waitForResult<ReleaseOutcome>(
            [this, request](QObject* context, Callback<ReleaseOutcome> done) {
                m_promoter->run(request, context, done);
            });
        return moved && moved->ok();
    }

    std::optional<Result<ReleasePlan>> planFor(const TagPolicy& policy, ActionKind kind,
                                               const QString& tag, int build) {
        ReleaseRequest request;
        request.kind = kind;
        request.registry = registry();
        request.repository = m_path;
        request.source = m_digests.at(build);
        request.tag = tag;
        const ReleasePlanner planner = plannerFor(policy, kind);
        return waitForResult<ReleasePlan>([&](QObject* context, Callback<ReleasePlan> done) {
            planner.planFromRegistry(m_client.get(), nullptr, *m_store, request, {}, context, done);
        });
    }

    static const PlanNote* stageNote(const ReleasePlan& plan) {
        for (const PlanNote& note : plan.warnings) {
            if (note.code == kStageSkippedNote)
                return &note;
        }
        return nullptr;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_home.isValid());
        const QString missing = RegistryServer::unavailableReason({});
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        m_server = std::make_unique<RegistryServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        m_clones.insert(u"ordered"_s,
                        makeClone(u"ordered"_s,
                                  "[environments]\n"
                                  "order = [\"dev\", \"staging\", \"production\"]\n"));
        m_clones.insert(u"unordered"_s, makeClone(u"unordered"_s, "[tags]\nlatest = true\n"));
        m_clones.insert(u"none"_s, makeClone(u"none"_s, {}));
        for (auto it = m_clones.cbegin(); it != m_clones.cend(); ++it)
            QVERIFY2(!it.value().isEmpty(), qPrintable(m_sandbox.lastError()));
        QVERIFY(policyOf(u"ordered"_s).promotionOrdered);
        QVERIFY(!policyOf(u"unordered"_s).promotionOrdered);
        QVERIFY(!policyOf(u"none"_s).promotionOrdered);
    }

    void init() {
        // A repository and a history of its own for each test.
        m_path = u"acme/stages-%1"_s.arg(++m_repositories);
        const QStringList environments{u"production"_s, u"staging"_s, u"dev"_s, QString()};
        QJsonArray images;
        for (int build = 0; build < 4; ++build) {
            QJsonArray tags{u"v1.%1.0"_s.arg(build)};
            if (!environments.at(build).isEmpty())
                tags.append(environments.at(build));
            images.append(QJsonObject{{u"tags"_s, tags},
                                      {u"format"_s, u"oci"_s},
                                      {u"created"_s, u"2026-0%1-02T03:04:05Z"_s.arg(build + 1)},
                                      {u"labels"_s, QJsonObject{}},
                                      {u"platforms"_s, QJsonArray{u"linux/amd64"_s}},
                                      {u"layerSeed"_s, u"stage-%1"_s.arg(build)}});
        }
        QString error;
        const QJsonObject seeded = RegistrySeeder::seed(
            *m_server, {{u"repository"_s, m_path}, {u"images"_s, images}}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_digests.clear();
        for (const QJsonValue& entry : seeded.value(u"images"_s).toArray())
            m_digests.append(entry.toObject().value(u"digest"_s).toString());
        QCOMPARE(m_digests.size(), 4);
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
    }

    void aPromotionPastAStageNeedsAnAcknowledgement_data() {
        QTest::addColumn<QString>("policy");
        QTest::addColumn<QList<Move>>("before");
        QTest::addColumn<bool>("rollback");
        QTest::addColumn<QString>("tag");
        QTest::addColumn<int>("build");
        QTest::addColumn<QStringList>("skipped");
        const QString production = u"production"_s;
        const QString staging = u"staging"_s;
        QTest::newRow("in staging now")
            << u"ordered"_s << QList<Move>{} << false << production << 1 << QStringList{};
        QTest::newRow("never in staging")
            << u"ordered"_s << QList<Move>{} << false << production << 2 << QStringList{staging};
        QTest::newRow("never in dev or staging")
            << u"ordered"_s << QList<Move>{} << false << production << 3
            << QStringList{u"dev"_s, staging};
        QTest::newRow("staging from a build never in dev")
            << u"ordered"_s << QList<Move>{} << false << staging << 3 << QStringList{u"dev"_s};
        QTest::newRow("the first stage has none before")
            << u"ordered"_s << QList<Move>{} << false << u"dev"_s << 3 << QStringList{};
        QTest::newRow("in staging earlier, replaced since")
            << u"ordered"_s << QList<Move>{{staging, 2}, {staging, 3}} << false << production << 2
            << QStringList{};
        QTest::newRow("back onto a build production ran before")
            << u"ordered"_s << QList<Move>{{production, 1}} << false << production << 0
            << QStringList{};
        QTest::newRow("a rollback is never checked")
            << u"ordered"_s << QList<Move>{} << true << production << 3 << QStringList{};
        QTest::newRow("no berth.toml")
            << u"none"_s << QList<Move>{} << false << production << 3 << QStringList{};
        QTest::newRow("a policy without an order")
            << u"unordered"_s << QList<Move>{} << false << production << 3 << QStringList{};
    }

    void aPromotionPastAStageNeedsAnAcknowledgement() {
        QFETCH(QString, policy);
        QFETCH(QList<Move>, before);
        QFETCH(bool, rollback);
        QFETCH(QString, tag);
        QFETCH(int, build);
        QFETCH(QStringList, skipped);
        for (const Move& step : before)
            QVERIFY2(move(step), qPrintable(step.tag));
        const auto planned = planFor(
            policyOf(policy), rollback ? ActionKind::Rollback : ActionKind::Promote, tag, build);
        QVERIFY(planned);
        QVERIFY2(planned->ok(), qPrintable(planned->errorMessage()));
        const ReleasePlan& plan = planned->value();
        QVERIFY2(!plan.refused(), qPrintable(plan.refusalText()));
        QCOMPARE(plan.to.digest, m_digests.at(build));
        QCOMPARE(plan.skippedStages, skipped);
        const PlanNote* note = stageNote(plan);
        QCOMPARE(note != nullptr, !skipped.isEmpty());
        QCOMPARE(plan.needsAcknowledgement(), !skipped.isEmpty());
        if (note) {
            QVERIFY(note->needsAcknowledgement);
            for (const QString& stage : skipped)
                QVERIFY2(note->text.contains(stage), qPrintable(note->text));
        }
    }

    void theWarningNamesTheStageTheOrderAndTheAuditReason() {
        const auto planned =
            planFor(policyOf(u"ordered"_s), ActionKind::Promote, u"production"_s, 2);
        QVERIFY(planned && planned->ok());
        const ReleasePlan& plan = planned->value();
        const PlanNote* note = stageNote(plan);
        QVERIFY(note);
        QVERIFY2(note->text.startsWith(u"production from a build never seen in staging "
                                       u"(policy order dev → staging → production)"_s),
                 qPrintable(note->text));
        QVERIFY(plan.text().contains(u"warning: production from a build never seen in staging"_s));
        // berthctl --json shows the same finding.
        const QJsonObject json = plan.toJson();
        QCOMPARE(json.value(u"skippedStages"_s).toArray(), QJsonArray{u"staging"_s});
        bool inJson = false;
        for (const QJsonValue& warning : json.value(u"warnings"_s).toArray())
            inJson =
                inJson || (warning.toObject().value(u"code"_s).toString() == u"STAGE_SKIPPED"_s &&
                           warning.toObject().value(u"needsAcknowledgement"_s).toBool());
        QVERIFY(inJson);
        QCOMPARE(plan.auditReason(u"hotfix for the outage"_s),
                 u"skipped staging: hotfix for the outage"_s);
        QCOMPARE(plan.auditReason({}), u"skipped staging"_s);
        // A plan that skips nothing keeps the person's reason as it is.
        ReleasePlan inOrder;
        QCOMPARE(inOrder.auditReason(u"QA passed"_s), u"QA passed"_s);
    }

    void thePolicysEnvironmentNamesAreEnvironments() {
        // "preprod" is no name the built-in classifier knows: only the policy makes it an
        // environment a promotion may move, and orders it before production.
        const QString clone =
            makeClone(u"preprod"_s, "[environments]\norder = [\"preprod\", \"production\"]\n");
        QVERIFY2(!clone.isEmpty(), qPrintable(m_sandbox.lastError()));
        const Result<TagPolicy> policy = readTagPolicy(clone);
        QVERIFY2(policy.ok(), qPrintable(policy.errorMessage()));
        const auto planned = planFor(policy.value(), ActionKind::Promote, u"preprod"_s, 3);
        QVERIFY(planned && planned->ok());
        QVERIFY2(!planned->value().refused(), qPrintable(planned->value().refusalText()));
        const auto skipping = planFor(policy.value(), ActionKind::Promote, u"production"_s, 3);
        QVERIFY(skipping && skipping->ok());
        QCOMPARE(skipping->value().skippedStages, QStringList{u"preprod"_s});
        // A promotion follows the policy's names only; going back on an environment tag
        // the policy forgot is never refused.
        const auto canary = planFor(policy.value(), ActionKind::Promote, u"canary"_s, 3);
        QVERIFY(canary && canary->ok());
        QVERIFY(canary->value().refused());
        const auto back = planFor(policy.value(), ActionKind::Rollback, u"canary"_s, 3);
        QVERIFY(back && back->ok());
        QVERIFY2(!back->value().refused(), qPrintable(back->value().refusalText()));
    }
};

BERTH_TEST_MAIN(TestStageOrderCheck)
#include "tst_stageordercheck.moc"
