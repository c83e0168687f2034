// The release plan both front-ends show, built against a real docker-registry on loopback,
// a real SQLite history written by real promotions and rollbacks, and a real git clone:
// where a rollback goes (the last good build, never back to the build a rollback fled),
// what it skipped and why, the bad-build warning, immutable tags, and the commits.

#include "AsyncWait.h"
#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "TestMain.h"

#include "git/GitLibrary.h"
#include "history/HistoryStore.h"
#include "registry/RegistryClient.h"
#include "release/Promoter.h"
#include "release/ReleasePlanner.h"
#include "release/VerdictRecorder.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

const QString kRepository = u"acme/checkout"_s;
const QString kProduction = u"production"_s;

// Keeps git and libgit2 away from the developer's configuration; runs before the
// GitLibrary member is built so libgit2 sees the same HOME.
bool isolateGitConfiguration(const QString& home) {
    qputenv("HOME", home.toUtf8());
    qputenv("XDG_CONFIG_HOME", (home + u"/.config"_s).toUtf8());
    qputenv("GIT_CONFIG_NOSYSTEM", "1");
    qputenv("GIT_TERMINAL_PROMPT", "0");
    return true;
}

// One step of a tag's life: "promote 2", "rollback" (planned, then carried out),
// "bad 1" (marked bad for production).
struct Step {
    QString verb;
    int build = -1;
};

} // namespace

Q_DECLARE_METATYPE(Step)

class TestReleasePlan : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_home;
    bool m_isolated = isolateGitConfiguration(m_home.path());
    GitLibrary m_git;
    std::unique_ptr<RegistryServer> m_server;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<HistoryStore> m_store;
    std::unique_ptr<RegistryClient> m_client;
    std::unique_ptr<Promoter> m_promoter;
    QString m_clone;
    QStringList m_commits; // a, b, c, d on main, oldest first
    QStringList m_digests; // build i names commit i; build 0 starts on production
    int m_repositories = 0;
    QString m_path;

    QString registry() const { return m_server->hostPort(); }

    static bool git(const QString& dir, const QStringList& arguments, QString* output = nullptr) {
        QProcess process;
        process.setWorkingDirectory(dir);
        process.start(u"git"_s, arguments);
        if (!process.waitForFinished(60000) || process.exitCode() != 0) {
            qWarning("git %s: %s", qPrintable(arguments.join(u' ')),
                     process.readAllStandardError().constData());
            return false;
        }
        if (output)
            *output = QString::fromUtf8(process.readAllStandardOutput()).trimmed();
        return true;
    }

    bool makeClone() {
        m_clone = m_home.filePath(u"clone"_s);
        if (!git(m_home.path(), {u"init"_s, u"-q"_s, u"-b"_s, u"main"_s, m_clone}))
            return false;
        for (const QString& name : {u"a"_s, u"b"_s, u"c"_s, u"d"_s}) {
            QFile file(m_clone + u'/' + name);
            if (!file.open(QIODevice::WriteOnly))
                return false;
            file.write(name.toUtf8());
            file.close();
            QString id;
            if (!git(m_clone, {u"add"_s, name}) ||
                !git(m_clone,
                     {u"-c"_s, u"user.name=Ada"_s, u"-c"_s, u"user.email=ada@example.org"_s,
                      u"commit"_s, u"-q"_s, u"-m"_s, u"Add "_s + name}) ||
                !git(m_clone, {u"rev-parse"_s, u"HEAD"_s}, &id))
                return false;
            m_commits.append(id);
        }
        return true;
    }

    std::optional<Result<ReleaseOutcome>> move(ActionKind kind, const QString& digest) {
        ReleaseRequest request;
        request.kind = kind;
        request.registry = registry();
        request.repository = m_path;
        request.source = digest;
        request.tag = kProduction;
        request.reason = u"test"_s;
        return waitForResult<ReleaseOutcome>(
            [this, request](QObject* context, Callback<ReleaseOutcome> done) {
                m_promoter->run(request, context, done);
            });
    }

    std::optional<Result<ReleasePlan>> planFor(ActionKind kind, const QString& tag,
                                               const QString& source = {},
                                               const QString& clone = {}) {
        ReleaseRequest request;
        request.kind = kind;
        request.registry = registry();
        request.repository = m_path;
        request.source = source;
        request.tag = tag;
        ReleasePlanner planner;
        return waitForResult<ReleasePlan>([&](QObject* context, Callback<ReleasePlan> done) {
            planner.planFromRegistry(m_client.get(), nullptr, *m_store, request, clone, context,
                                     done);
        });
    }

    bool markBad(int build) {
        Verdict verdict;
        verdict.registry = registry();
        verdict.repository = m_path;
        verdict.digest = m_digests.at(build);
        verdict.environment = kProduction;
        verdict.verdict = VerdictKind::Bad;
        verdict.reason = u"500s on checkout"_s;
        return recordVerdict(*m_store, verdict).ok();
    }

    // Carries the steps out for real: promotions and rollbacks through the registry,
    // each rollback going where the planner says.
    bool live(const QList<Step>& steps) {
        for (const Step& step : steps) {
            if (step.verb == u"bad"_s) {
                if (!markBad(step.build))
                    return false;
                continue;
            }
            QString target = step.build >= 0 ? m_digests.at(step.build) : QString();
            ActionKind kind = ActionKind::Promote;
            if (step.verb == u"rollback"_s) {
                kind = ActionKind::Rollback;
                const auto planned = planFor(kind, kProduction);
                if (!planned || !planned->ok() || planned->value().refused()) {
                    qWarning("rollback step not planned: %s",
                             planned && planned->ok() ? qPrintable(planned->value().refusalText())
                                                      : "no answer");
                    return false;
                }
                target = planned->value().to.digest;
            }
            const auto moved = move(kind, target);
            if (!moved || !moved->ok()) {
                qWarning("%s failed: %s", qPrintable(step.verb),
                         moved ? qPrintable(moved->errorMessage()) : "no answer");
                return false;
            }
        }
        return true;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_home.isValid());
        const QString missing = RegistryServer::unavailableReason({});
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        m_server = std::make_unique<RegistryServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        QVERIFY(makeClone());
    }

    void init() {
        // A repository and a history of its own for each test.
        m_path = u"acme/checkout-%1"_s.arg(++m_repositories);
        QJsonArray images;
        for (int build = 0; build < 4; ++build) {
            QJsonArray tags{u"v1.%1.0"_s.arg(build)};
            if (build == 0)
                tags.append(kProduction);
            images.append(QJsonObject{
                {u"tags"_s, tags},
                {u"format"_s, u"oci"_s},
                {u"created"_s, u"2026-0%1-02T03:04:05Z"_s.arg(build + 1)},
                {u"labels"_s,
                 QJsonObject{{u"org.opencontainers.image.revision"_s, m_commits.at(build)}}},
                {u"platforms"_s, QJsonArray{u"linux/amd64"_s}},
                {u"layerSeed"_s, u"build-%1"_s.arg(build)}});
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

    void rollbackGoesToTheLastGoodBuild_data() {
        QTest::addColumn<QList<Step>>("steps");
        QTest::addColumn<int>("current");         // the build production is on before the rollback
        QTest::addColumn<int>("target");          // -1: refused
        QTest::addColumn<QStringList>("skipped"); // reasons, newest first, "current" left out
        QTest::addColumn<QString>("message");     // part of the refusal

        const auto promote = [](int build) { return Step{u"promote"_s, build}; };
        const Step rollback{u"rollback"_s, -1};
        const auto bad = [](int build) { return Step{u"bad"_s, build}; };
        QTest::newRow("the previous position")
            << QList<Step>{promote(1), promote(2)} << 2 << 1 << QStringList{} << QString();
        QTest::newRow("a second rollback does not ping-pong")
            << QList<Step>{promote(1), rollback} << 0 << -1 << QStringList{u"left-by-rollback"_s}
            << u"rolled back from"_s;
        QTest::newRow("a second rollback goes further back")
            << QList<Step>{promote(1), promote(2), rollback} << 1 << 0
            << QStringList{u"left-by-rollback"_s} << QString();
        QTest::newRow("a build marked bad is skipped")
            << QList<Step>{promote(1), promote(2), bad(1)} << 2 << 0 << QStringList{u"marked-bad"_s}
            << QString();
        QTest::newRow("re-promoted after a rollback counts again")
            << QList<Step>{promote(1), rollback, promote(1), promote(2)} << 2 << 1 << QStringList{}
            << QString();
        QTest::newRow("nothing left")
            << QList<Step>{promote(1), bad(0)} << 1 << -1 << QStringList{u"marked-bad"_s}
            << u"marked bad for production"_s;
        QTest::newRow("no history at all") << QList<Step>{} << 0 << -1 << QStringList{}
                                           << u"has not seen production point anywhere else"_s;
    }

    void rollbackGoesToTheLastGoodBuild() {
        QFETCH(QList<Step>, steps);
        QFETCH(int, current);
        QFETCH(int, target);
        QFETCH(QStringList, skipped);
        QFETCH(QString, message);
        QVERIFY(live(steps));

        const auto planned = planFor(ActionKind::Rollback, kProduction);
        QVERIFY(planned.has_value());
        QVERIFY2(planned->ok(), qPrintable(planned->errorMessage()));
        const ReleasePlan& plan = planned->value();
        QCOMPARE(plan.from.digest, m_digests.at(current));
        QStringList reasons;
        for (const SkippedBuild& build : plan.skipped) {
            if (build.reason == SkipReason::MarkedBad)
                reasons.append(u"marked-bad"_s);
            else if (build.reason == SkipReason::LeftByRollback)
                reasons.append(u"left-by-rollback"_s);
            QVERIFY(!build.why.isEmpty());
        }
        QCOMPARE(reasons, skipped);
        if (target < 0) {
            QVERIFY(plan.refused());
            QCOMPARE(plan.refusals.first().code, kNoRollbackTargetNote);
            QVERIFY2(plan.refusalText().contains(message), qPrintable(plan.refusalText()));
            QVERIFY(plan.to.digest.isEmpty());
            return;
        }
        QVERIFY2(!plan.refused(), qPrintable(plan.refusalText()));
        QCOMPARE(plan.to.digest, m_digests.at(target));
        QCOMPARE(plan.to.tags.first(), u"v1.%1.0"_s.arg(target));
        // The text berthctl prints names every build passed over and why.
        const QString text = plan.text();
        for (const SkippedBuild& build : plan.skipped) {
            if (build.reason != SkipReason::Current)
                QVERIFY2(text.contains(build.why), qPrintable(text));
        }
    }

    void aBadBuildNeedsAnAcknowledgement_data() {
        QTest::addColumn<int>("kind"); // ActionKind
        QTest::newRow("promote") << int(ActionKind::Promote);
        QTest::newRow("rollback --to") << int(ActionKind::Rollback);
    }

    void aBadBuildNeedsAnAcknowledgement() {
        QFETCH(int, kind);
        QVERIFY(live({{u"promote"_s, 1}, {u"promote"_s, 2}, {u"bad"_s, 1}}));
        const auto planned = planFor(ActionKind(kind), kProduction, u"v1.1.0"_s);
        QVERIFY(planned && planned->ok());
        const ReleasePlan& plan = planned->value();
        QVERIFY(!plan.refused());
        QCOMPARE(plan.to.digest, m_digests[1]);
        QVERIFY(plan.needsAcknowledgement());
        QCOMPARE(plan.warnings.first().code, kBadBuildNote);
        QVERIFY2(plan.warnings.first().text.contains(u"500s on checkout"_s),
                 qPrintable(plan.warnings.first().text));

        // A good build needs nothing.
        const auto good = planFor(ActionKind(kind), kProduction, u"v1.3.0"_s);
        QVERIFY(good && good->ok());
        QVERIFY(!good->value().needsAcknowledgement());
    }

    void aLaterGoodVerdictClearsTheWarning() {
        QVERIFY(markBad(1));
        Verdict verdict;
        verdict.registry = registry();
        verdict.repository = m_path;
        verdict.digest = m_digests[1];
        verdict.environment = kProduction;
        verdict.verdict = VerdictKind::Good;
        QVERIFY(recordVerdict(*m_store, verdict).ok());
        const auto planned = planFor(ActionKind::Promote, kProduction, m_digests[1]);
        QVERIFY(planned && planned->ok());
        QVERIFY(!planned->value().needsAcknowledgement());
    }

    void immutableTagsAreRefusedAsImmutable_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("rollback v1.2.0") << int(ActionKind::Rollback);
        QTest::newRow("promote to v1.2.0") << int(ActionKind::Promote);
    }

    void immutableTagsAreRefusedAsImmutable() {
        QFETCH(int, kind);
        const QString source = ActionKind(kind) == ActionKind::Promote ? u"v1.1.0"_s : QString();
        const auto planned = planFor(ActionKind(kind), u"v1.2.0"_s, source);
        QVERIFY(planned && planned->ok());
        QVERIFY(planned->value().refused());
        QCOMPARE(planned->value().refusals.size(), 1);
        QCOMPARE(planned->value().refusals.first().code, kImmutableTagNote);
        QVERIFY(planned->value().refusalText().contains(u"immutable"_s));
    }

    void anUnknownSourceIsRefused() {
        const auto planned = planFor(ActionKind::Promote, kProduction, u"v9.9.9"_s);
        QVERIFY(planned && planned->ok());
        QCOMPARE(planned->value().refusals.first().code, kUnknownSourceNote);
    }

    void commitsComeFromTheCloneOnAWorkerThread_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("source");
        QTest::addColumn<int>("gained");
        QTest::addColumn<int>("lost");
        QTest::newRow("promote forward") << int(ActionKind::Promote) << u"v1.3.0"_s << 3 << 0;
        QTest::newRow("roll back") << int(ActionKind::Rollback) << QString() << 0 << 2;
    }

    void commitsComeFromTheCloneOnAWorkerThread() {
        QFETCH(int, kind);
        QFETCH(QString, source);
        QFETCH(int, gained);
        QFETCH(int, lost);
        if (ActionKind(kind) == ActionKind::Rollback)
            QVERIFY(live({{u"promote"_s, 2}}));
        const auto planned = planFor(ActionKind(kind), kProduction, source, m_clone);
        QVERIFY(planned && planned->ok());
        const ReleasePlan& plan = planned->value();
        QCOMPARE(plan.commits.state, PlanCommits::State::Known);
        QCOMPARE(plan.commits.range.gained.totalCount, gained);
        QCOMPARE(plan.commits.range.lost.totalCount, lost);
        QVERIFY(plan.to.commitSummary.startsWith(u"Add "_s));
        QVERIFY(plan.text().contains(u"ships %1 commit(s), loses %2"_s.arg(gained).arg(lost)));
    }

    void aVerdictIsAuditedBeforeItIsStored() {
        QVERIFY(markBad(2));
        const auto actions = m_store->actions();
        QVERIFY(actions.ok());
        QCOMPARE(actions->size(), 1);
        QCOMPARE(actions->first().kind, ActionKind::MarkBad);
        QCOMPARE(actions->first().state, ActionState::Succeeded);
        QCOMPARE(actions->first().reason, u"500s on checkout"_s);
        QCOMPARE(actions->first().tag, kProduction);
        const auto verdicts = m_store->verdicts(registry(), m_path);
        QVERIFY(verdicts.ok());
        QCOMPARE(verdicts->size(), 1);
        QCOMPARE(verdicts->first().reason, u"500s on checkout"_s);
        // The audit row was written first: its time is not after the verdict's.
        QVERIFY(actions->first().time <= verdicts->first().time);
    }

    void environmentNamesAreChecked_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("production") << u"production"_s << true;
        QTest::newRow("a repository's own environment") << u"eu-west"_s << true;
        QTest::newRow("misspelt") << u"prodution"_s << false;
        QTest::newRow("a version") << u"v1.2.2"_s << false;
        QTest::newRow("latest") << u"latest"_s << false;
    }

    void environmentNamesAreChecked() {
        QFETCH(QString, name);
        QFETCH(bool, accepted);
        // eu-west is no name the classifier knows, but the repository has it as one.
        const Status checked = checkEnvironmentName(name, {u"production"_s, u"eu-west"_s});
        QCOMPARE(checked.ok(), accepted);
        if (!accepted) {
            QVERIFY2(checked.errorMessage().contains(u"production, eu-west"_s),
                     qPrintable(checked.errorMessage()));
        }
    }
};

BERTH_TEST_MAIN(TestReleasePlan)
#include "tst_releaseplan.moc"
