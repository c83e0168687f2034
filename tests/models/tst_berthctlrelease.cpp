// berthctl promote, rollback and mark as a script or an on-call engineer runs them:
// against a real docker-registry on loopback, a real SQLite history, real git clones
// holding the tag policy, and (for the engine transport) a real dockerd.

#include "CtlRun.h"
#include "EngineServer.h"
#include "GitSandbox.h"
#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "TestMain.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth::test;

namespace {

QJsonObject image(const QStringList& tags, const QStringList& platforms, const QString& seed) {
    return QJsonObject{{u"tags"_s, QJsonArray::fromStringList(tags)},
                       {u"format"_s, u"docker"_s},
                       {u"created"_s, u"2026-01-02T03:04:05Z"_s},
                       {u"labels"_s, QJsonObject{}},
                       {u"platforms"_s, QJsonArray::fromStringList(platforms)},
                       {u"layerSeed"_s, seed}};
}

} // namespace

class TestBerthctlRelease : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<RegistryServer> m_server;
    std::unique_ptr<QTemporaryDir> m_dir;
    QStringList m_digests;

    QString repository() const { return m_server->hostPort() + u"/acme/api"_s; }

    CtlRun ctl(QStringList arguments, const QByteArray& input = {},
               const QString& dockerHost = {}) {
        arguments << u"--db"_s << m_dir->filePath(u"history.sqlite"_s);
        QHash<QString, QString> environment{{u"DOCKER_CONFIG"_s, m_dir->filePath(u"docker"_s)}};
        if (!dockerHost.isEmpty())
            environment.insert(u"DOCKER_HOST"_s, dockerHost);
        return runProgram(QStringLiteral(BERTHCTL_PATH), arguments, environment, {}, input);
    }

    // A clone whose HEAD commits `policy` as berth.toml.
    QString cloneWithPolicy(const QByteArray& policy) {
        GitSandbox sandbox(m_dir->filePath(u"git"_s));
        const QString clone = sandbox.newRepository(u"service"_s);
        if (clone.isEmpty() ||
            sandbox.commitFile(clone, u"berth.toml"_s, policy, u"Tag policy"_s).isEmpty()) {
            qWarning("%s", qPrintable(sandbox.lastError()));
            return {};
        }
        return clone;
    }

    QJsonArray audit() {
        return QJsonDocument::fromJson(ctl({u"audit"_s, repository(), u"--json"_s}).out).array();
    }

    QString digestOf(const QString& tag) {
        // The registry is the truth; builds --json reads it (and records what it saw).
        const CtlRun builds = ctl({u"builds"_s, repository(), u"--json"_s});
        for (const QJsonValue& build : QJsonDocument::fromJson(builds.out).array()) {
            for (const QJsonValue& name : build.toObject().value(u"tags"_s).toArray()) {
                if (name.toObject().value(u"name"_s).toString() == tag)
                    return build.toObject().value(u"digest"_s).toString();
            }
        }
        return {};
    }

private slots:
    void init() {
        const QString missing = RegistryServer::unavailableReason({});
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        m_server = std::make_unique<RegistryServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        m_dir = std::make_unique<QTemporaryDir>();
        QJsonArray images{image({u"v1.0.0"_s, u"production"_s}, {u"linux/amd64"_s}, u"a"_s),
                          image({u"v1.1.0"_s, u"staging"_s}, {u"linux/amd64"_s}, u"b"_s),
                          image({u"v1.2.0"_s}, {u"linux/amd64"_s}, u"c"_s),
                          image({u"v2.0.0"_s}, {u"linux/amd64"_s, u"linux/arm64"_s}, u"d"_s)};
        QString error;
        const QJsonObject seeded = RegistrySeeder::seed(
            *m_server, {{u"repository"_s, u"acme/api"_s}, {u"images"_s, images}}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_digests.clear();
        for (const QJsonValue& entry : seeded.value(u"images"_s).toArray())
            m_digests.append(entry.toObject().value(u"digest"_s).toString());
        QCOMPARE(ctl({u"record"_s, repository()}).exitCode, 0);
    }

    void cleanup() {
        m_server.reset();
        m_dir.reset();
    }

    void promoteWithYesMovesAndReportsJson() {
        const CtlRun run = ctl({u"promote"_s, repository(), u"v1.1.0"_s, u"production"_s,
                                u"--yes"_s, u"--json"_s, u"--reason"_s, u"QA passed"_s});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject result = run.json();
        QCOMPARE(result.value(u"from"_s).toString(), m_digests[0]);
        QCOMPARE(result.value(u"to"_s).toString(), m_digests[1]);
        QCOMPARE(result.value(u"result"_s).toString(), m_digests[1]);
        QCOMPARE(digestOf(u"production"_s), m_digests[1]);

        const CtlRun audit = ctl({u"audit"_s, repository(), u"--json"_s});
        const QJsonArray actions = QJsonDocument::fromJson(audit.out).array();
        QCOMPARE(actions.size(), 1);
        QCOMPARE(actions[0].toObject().value(u"reason"_s).toString(), u"QA passed"_s);
        QCOMPARE(actions[0].toObject().value(u"state"_s).toString(), u"succeeded"_s);
    }

    void aScriptedMoveReadsOnlyTheTagsItNeeds_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("lands");
        QTest::newRow("promote") << QStringList{u"promote"_s, u"v1.1.0"_s, u"production"_s,
                                                u"--yes"_s}
                                 << u"b"_s;
        QTest::newRow("rollback") << QStringList{u"rollback"_s, u"staging"_s, u"--to"_s,
                                                 u"v1.0.0"_s, u"--yes"_s}
                                  << u"a"_s;
    }

    void aScriptedMoveReadsOnlyTheTagsItNeeds() {
        // --yes without --git: nobody reads the plan first, so the move is planned from two
        // HEADs and the history, not from a read of every tag of the repository.
        QFETCH(QStringList, arguments);
        QFETCH(QString, lands);
        QVERIFY(m_server->waitForRequestCount(1));
        const qsizetype before = m_server->requestLog().size();
        arguments.insert(1, repository());
        const CtlRun run = ctl(arguments);
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QStringList requests = m_server->requestLog().mid(before);
        QVERIFY2(!requests.isEmpty(), "the move made no request");
        for (const QString& request : requests) {
            QVERIFY2(!request.contains(u"/tags/list"_s), qPrintable(requests.join(u'\n')));
            // v1.2.0 and v2.0.0 play no part in either move.
            QVERIFY2(!request.contains(u"v1.2.0"_s) && !request.contains(u"v2.0.0"_s),
                     qPrintable(requests.join(u'\n')));
        }
        const int landed = lands == u"a"_s ? 0 : 1;
        QVERIFY2(run.err.contains(m_digests[landed].left(19)), qPrintable(run.err));
    }

    void theTerminalPromptDecides_data() {
        QTest::addColumn<QByteArray>("answer");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<int>("expectedBuild");
        QTest::newRow("no") << QByteArray("n\n") << 3 << 0;
        QTest::newRow("no input at all") << QByteArray() << 3 << 0;
        QTest::newRow("yes") << QByteArray("y\n") << 0 << 2;
    }

    void theTerminalPromptDecides() {
        QFETCH(QByteArray, answer);
        QFETCH(int, exitCode);
        QFETCH(int, expectedBuild);
        const CtlRun run = ctl({u"promote"_s, repository(), u"v1.2.0"_s, u"production"_s}, answer);
        QCOMPARE(run.exitCode, exitCode);
        // The prompt shows from and to before anything moves.
        QVERIFY2(run.err.contains(m_digests[0].left(19)), qPrintable(run.err));
        QVERIFY2(run.err.contains(m_digests[2].left(19)), qPrintable(run.err));
        QCOMPARE(digestOf(u"production"_s), m_digests[expectedBuild]);
    }

    void refusalsExitThreeAndChangeNothing_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("exact version")
            << QStringList{u"promote"_s, u"v1.2.0"_s, u"v1.0.0"_s} << u"immutable"_s;
        QTest::newRow("expect mismatch")
            << QStringList{u"promote"_s, u"v1.2.0"_s, u"production"_s, u"--expect"_s,
                           u"sha256:" + QString(64, u'0')}
            << u"moved since you looked"_s;
        QTest::newRow("rollback without history")
            << QStringList{u"rollback"_s, u"staging"_s} << u"No rollback target"_s;
    }

    void refusalsExitThreeAndChangeNothing() {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        arguments.insert(1, repository());
        arguments << u"--yes"_s;
        const CtlRun run = ctl(arguments);
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains(message), qPrintable(run.err));
        QCOMPARE(digestOf(u"production"_s), m_digests[0]);
        QCOMPARE(digestOf(u"staging"_s), m_digests[1]);
    }

    void usageErrorsExitTwo() {
        QCOMPARE(ctl({u"promote"_s, repository(), u"v1.2.0"_s}).exitCode, 2);
        QCOMPARE(ctl({u"promote"_s, repository(), u"v1.2.0"_s, u"production"_s, u"--via"_s,
                      u"carrier-pigeon"_s})
                     .exitCode,
                 2);
        QCOMPARE(ctl({u"mark"_s, repository(), u"v1.2.0"_s, u"good"_s}).exitCode, 2); // no --env
    }

    void rollbackSkipsBuildsMarkedBad() {
        QCOMPARE(
            ctl({u"promote"_s, repository(), u"v1.1.0"_s, u"production"_s, u"--yes"_s}).exitCode,
            0);
        QCOMPARE(
            ctl({u"promote"_s, repository(), u"v1.2.0"_s, u"production"_s, u"--yes"_s}).exitCode,
            0);
        const CtlRun marked = ctl({u"mark"_s, repository(), u"v1.1.0"_s, u"bad"_s, u"--env"_s,
                                   u"production"_s, u"--reason"_s, u"500s on checkout"_s});
        QCOMPARE(marked.exitCode, 0);

        const CtlRun rollback =
            ctl({u"rollback"_s, repository(), u"production"_s, u"--yes"_s, u"--json"_s});
        QCOMPARE(rollback.exitCode, 0);
        QCOMPARE(rollback.json().value(u"to"_s).toString(), m_digests[0]); // v1.1.0 skipped
        // The plan in the answer says what was skipped, and why.
        const QJsonArray skipped =
            rollback.json().value(u"plan"_s).toObject().value(u"skipped"_s).toArray();
        bool skippedBad = false;
        for (const QJsonValue& entry : skipped) {
            const QJsonObject build = entry.toObject();
            if (build.value(u"digest"_s).toString() == m_digests[1]) {
                skippedBad = build.value(u"reason"_s).toString() == u"marked-bad"_s &&
                             build.value(u"why"_s).toString().contains(u"500s on checkout"_s);
            }
        }
        QVERIFY2(skippedBad, rollback.out.constData());
        QCOMPARE(digestOf(u"production"_s), m_digests[0]);

        const CtlRun audit = ctl({u"audit"_s, repository(), u"--json"_s});
        const QJsonArray actions = QJsonDocument::fromJson(audit.out).array();
        QCOMPARE(actions[0].toObject().value(u"kind"_s).toString(), u"rollback"_s);
        QCOMPARE(actions[1].toObject().value(u"kind"_s).toString(), u"mark-bad"_s);
        QCOMPARE(actions[1].toObject().value(u"reason"_s).toString(), u"500s on checkout"_s);
    }

    void markChecksTheEnvironment_data() {
        QTest::addColumn<QString>("environment");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("misspelt") << u"prodution"_s << 2 << u"Known environments: production"_s;
        QTest::newRow("a version") << u"v1.2.2"_s << 2 << u"not an environment"_s;
        QTest::newRow("one the repository has") << u"staging"_s << 0 << u"marked bad"_s;
        QTest::newRow("one it does not have yet") << u"qa"_s << 0 << u"marked bad"_s;
    }

    void markChecksTheEnvironment() {
        QFETCH(QString, environment);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const CtlRun run = ctl({u"mark"_s, repository(), u"v1.2.0"_s, u"bad"_s, u"--env"_s,
                                environment, u"--reason"_s, u"flaky"_s});
        QCOMPARE(run.exitCode, exitCode);
        QVERIFY2(QString(run.err + QString::fromUtf8(run.out)).contains(message),
                 qPrintable(run.err));
        const CtlRun audit = ctl({u"audit"_s, repository(), u"--json"_s});
        QCOMPARE(QJsonDocument::fromJson(audit.out).array().size(), exitCode == 0 ? 1 : 0);
    }

    void rollbackOfAnImmutableTagSaysItIsImmutable() {
        const CtlRun run = ctl({u"rollback"_s, repository(), u"v1.2.0"_s, u"--yes"_s});
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains(u"v1.2.0 is an immutable tag"_s), qPrintable(run.err));
        QVERIFY2(!run.err.contains(u"No rollback target"_s), qPrintable(run.err));
    }

    void movingOntoABadBuildNeedsAReason_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<bool>("reason");
        const QStringList promote{u"promote"_s, u"v1.1.0"_s, u"production"_s};
        const QStringList rollbackTo{u"rollback"_s, u"production"_s, u"--to"_s, u"v1.1.0"_s};
        QTest::newRow("promote without a reason") << promote << false;
        QTest::newRow("promote with a reason") << promote << true;
        QTest::newRow("rollback --to without a reason") << rollbackTo << false;
        QTest::newRow("rollback --to with a reason") << rollbackTo << true;
    }

    void movingOntoABadBuildNeedsAReason() {
        QFETCH(QStringList, arguments);
        QFETCH(bool, reason);
        // production went v1.0.0 -> v1.2.0; v1.1.0 is marked bad for it.
        QCOMPARE(
            ctl({u"promote"_s, repository(), u"v1.2.0"_s, u"production"_s, u"--yes"_s}).exitCode,
            0);
        QCOMPARE(ctl({u"mark"_s, repository(), u"v1.1.0"_s, u"bad"_s, u"--env"_s, u"production"_s,
                      u"--reason"_s, u"500s on checkout"_s})
                     .exitCode,
                 0);
        arguments.insert(1, repository());
        arguments << u"--yes"_s;
        if (reason)
            arguments << u"--reason"_s << u"the fix was in config"_s;
        const CtlRun run = ctl(arguments);
        // The plan warns either way, naming the verdict.
        QVERIFY2(run.err.contains(u"500s on checkout"_s), qPrintable(run.err));
        if (!reason) {
            QCOMPARE(run.exitCode, 3);
            QVERIFY2(run.err.contains(u"--reason"_s), qPrintable(run.err));
            QCOMPARE(digestOf(u"production"_s), m_digests[2]);
            return;
        }
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QCOMPARE(digestOf(u"production"_s), m_digests[1]);
    }

    void aSecondRollbackDoesNotGoBackToTheBuildItLeft() {
        QCOMPARE(
            ctl({u"promote"_s, repository(), u"v1.1.0"_s, u"production"_s, u"--yes"_s}).exitCode,
            0);
        const CtlRun first = ctl({u"rollback"_s, repository(), u"production"_s, u"--yes"_s});
        QVERIFY2(first.exitCode == 0, qPrintable(first.err));
        QCOMPARE(digestOf(u"production"_s), m_digests[0]);
        const CtlRun second = ctl({u"rollback"_s, repository(), u"production"_s, u"--yes"_s});
        QCOMPARE(second.exitCode, 3);
        QVERIFY2(second.err.contains(u"rolled back from"_s), qPrintable(second.err));
        QVERIFY2(second.err.contains(m_digests[1].left(19)), qPrintable(second.err));
        QCOMPARE(digestOf(u"production"_s), m_digests[0]);
    }

    void rollbackMarkBadIsOneAction_data() {
        QTest::addColumn<bool>("rollbackFails");
        QTest::newRow("rollback succeeds") << false;
        QTest::newRow("rollback refused, verdict kept") << true;
    }

    void rollbackMarkBadIsOneAction() {
        QFETCH(bool, rollbackFails);
        for (const QString& version : {u"v1.1.0"_s, u"v1.2.0"_s})
            QCOMPARE(
                ctl({u"promote"_s, repository(), version, u"production"_s, u"--yes"_s}).exitCode,
                0);
        QStringList arguments{u"rollback"_s, repository(),       u"production"_s, u"--mark-bad"_s,
                              u"--reason"_s, u"checkout 500s"_s, u"--yes"_s};
        if (rollbackFails) // the tag is not where the person says it is
            arguments << u"--expect"_s << m_digests[0];
        const CtlRun run = ctl(arguments);
        QCOMPARE(run.exitCode, rollbackFails ? 3 : 0);
        QCOMPARE(digestOf(u"production"_s), m_digests[rollbackFails ? 2 : 1]);
        if (rollbackFails)
            QVERIFY2(run.err.contains(u"stays marked bad"_s), qPrintable(run.err));

        const CtlRun audit = ctl({u"audit"_s, repository(), u"--json"_s});
        const QJsonArray actions = QJsonDocument::fromJson(audit.out).array();
        // Newest first: the rollback after the verdict it follows. A rollback refused by
        // the compare-before-swap is audited as failed, saying why, and leaves the verdict.
        QCOMPARE(actions.size(), 4); // two promotions before
        const QJsonObject rollback = actions[0].toObject();
        QCOMPARE(rollback.value(u"kind"_s).toString(), u"rollback"_s);
        QCOMPARE(rollback.value(u"state"_s).toString(),
                 rollbackFails ? u"failed"_s : u"succeeded"_s);
        if (rollbackFails)
            QVERIFY2(rollback.value(u"error"_s).toString().contains(u"moved since you looked"_s),
                     qPrintable(rollback.value(u"error"_s).toString()));
        const QJsonObject verdict = actions[1].toObject();
        QCOMPARE(verdict.value(u"kind"_s).toString(), u"mark-bad"_s);
        QCOMPARE(verdict.value(u"toDigest"_s).toString(), m_digests[2]);
        QCOMPARE(verdict.value(u"reason"_s).toString(), u"checkout 500s"_s);

        // v1.2.0 is now bad for production: putting it back needs a reason.
        const CtlRun again =
            ctl({u"promote"_s, repository(), u"v1.2.0"_s, u"production"_s, u"--yes"_s});
        QCOMPARE(again.exitCode, 3);
        QVERIFY2(again.err.contains(u"checkout 500s"_s), qPrintable(again.err));
    }

    void skippingAStageThePolicyOrdersNeedsAReason_data() {
        QTest::addColumn<QString>("reason");
        QTest::newRow("without a reason") << QString();
        QTest::newRow("with a reason") << u"hotfix for the outage"_s;
    }

    void skippingAStageThePolicyOrdersNeedsAReason() {
        QFETCH(QString, reason);
        const QString clone =
            cloneWithPolicy("[environments]\norder = [\"staging\", \"production\"]\n");
        QVERIFY(!clone.isEmpty());
        // v1.2.0 never ran in staging.
        QStringList arguments{u"promote"_s, repository(), u"v1.2.0"_s, u"production"_s,
                              u"--yes"_s,   u"--git"_s,   clone};
        if (!reason.isEmpty())
            arguments << u"--reason"_s << reason;
        const CtlRun run = ctl(arguments);
        QVERIFY2(run.err.contains(u"production from a build never seen in staging (policy order "
                                  u"staging → production)"_s),
                 qPrintable(run.err));
        if (reason.isEmpty()) {
            QCOMPARE(run.exitCode, 3);
            QVERIFY2(run.err.contains(u"--reason"_s), qPrintable(run.err));
            QCOMPARE(digestOf(u"production"_s), m_digests[0]);
            QCOMPARE(audit().size(), 0);
            return;
        }
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QCOMPARE(digestOf(u"production"_s), m_digests[2]);
        const QJsonArray actions = audit();
        QCOMPARE(actions.size(), 1);
        QCOMPARE(actions[0].toObject().value(u"reason"_s).toString(),
                 u"skipped staging: hotfix for the outage"_s);
    }

    void theJsonPlanCarriesTheSkip() {
        const QString clone =
            cloneWithPolicy("[environments]\norder = [\"staging\", \"production\"]\n");
        QVERIFY(!clone.isEmpty());
        const CtlRun run = ctl({u"promote"_s, repository(), u"v1.2.0"_s, u"production"_s,
                                u"--yes"_s, u"--json"_s, u"--git"_s, clone});
        QCOMPARE(run.exitCode, 3);
        const QJsonObject plan = run.json().value(u"plan"_s).toObject();
        QCOMPARE(plan.value(u"skippedStages"_s).toArray(), QJsonArray{u"staging"_s});
        const QJsonObject warning = plan.value(u"warnings"_s).toArray().first().toObject();
        QCOMPARE(warning.value(u"code"_s).toString(), u"STAGE_SKIPPED"_s);
        QVERIFY(warning.value(u"needsAcknowledgement"_s).toBool());
    }

    void aPromotionInTheOrderMovesWithoutAReason_data() {
        QTest::addColumn<bool>("policy");
        QTest::addColumn<QString>("source");
        QTest::addColumn<int>("lands");
        // v1.1.0 runs in staging now.
        QTest::newRow("from staging, policy ordered") << true << u"v1.1.0"_s << 1;
        // Without --git nothing orders the stages: today's behaviour.
        QTest::newRow("never in staging, no policy") << false << u"v1.2.0"_s << 2;
    }

    void aPromotionInTheOrderMovesWithoutAReason() {
        QFETCH(bool, policy);
        QFETCH(QString, source);
        QFETCH(int, lands);
        QStringList arguments{u"promote"_s,    repository(), source,
                              u"production"_s, u"--yes"_s,   u"--json"_s};
        if (policy) {
            const QString clone =
                cloneWithPolicy("[environments]\norder = [\"staging\", \"production\"]\n");
            QVERIFY(!clone.isEmpty());
            arguments << u"--git"_s << clone;
        }
        const CtlRun run = ctl(arguments);
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QCOMPARE(digestOf(u"production"_s), m_digests[lands]);
        const QJsonObject plan = run.json().value(u"plan"_s).toObject();
        QVERIFY(plan.value(u"warnings"_s).toArray().isEmpty());
        QCOMPARE(audit()[0].toObject().value(u"reason"_s).toString(), QString());
    }

    void aMalformedPolicyStopsAPromotionButNotARollback() {
        const QString clone =
            cloneWithPolicy("[environments]\norder = [\"staging\", \"production\"]\nstages = 2\n");
        QVERIFY(!clone.isEmpty());
        const CtlRun promote = ctl({u"promote"_s, repository(), u"v1.1.0"_s, u"production"_s,
                                    u"--yes"_s, u"--reason"_s, u"QA passed"_s, u"--git"_s, clone});
        QCOMPARE(promote.exitCode, 1);
        QVERIFY2(promote.err.contains(QRegularExpression(u"berth\\.toml:3:1: unknown key"_s)),
                 qPrintable(promote.err));
        QCOMPARE(digestOf(u"production"_s), m_digests[0]);
        QCOMPARE(audit().size(), 0);
        // Going back never waits on the policy being fixed: the defaults serve, said so.
        const CtlRun rollback = ctl({u"rollback"_s, repository(), u"staging"_s, u"--to"_s,
                                     u"v1.0.0"_s, u"--yes"_s, u"--git"_s, clone});
        QVERIFY2(rollback.exitCode == 0, qPrintable(rollback.err));
        QVERIFY2(rollback.err.contains(u"berth.toml:3:1"_s), qPrintable(rollback.err));
        QCOMPARE(digestOf(u"staging"_s), m_digests[0]);
    }

    void aVanishedEngineFailsTheAuditedAction() {
        const CtlRun run = ctl({u"promote"_s, repository(), u"v1.2.0"_s, u"production"_s,
                                u"--yes"_s, u"--via"_s, u"engine"_s},
                               {}, u"unix://"_s + m_dir->filePath(u"no-engine.sock"_s));
        QCOMPARE(run.exitCode, 1);
        QVERIFY(!run.err.isEmpty());
        QCOMPARE(digestOf(u"production"_s), m_digests[0]);
        const CtlRun audit = ctl({u"audit"_s, repository(), u"--json"_s});
        const QJsonArray actions = QJsonDocument::fromJson(audit.out).array();
        QCOMPARE(actions.size(), 1);
        QCOMPARE(actions[0].toObject().value(u"state"_s).toString(), u"failed"_s);
        QCOMPARE(actions[0].toObject().value(u"transport"_s).toString(), u"engine"_s);
    }

    void theEngineRefusesAMultiArchBuild() {
        const CtlRun run = ctl({u"promote"_s, repository(), u"v2.0.0"_s, u"production"_s,
                                u"--yes"_s, u"--via"_s, u"engine"_s},
                               {}, u"unix://"_s + m_dir->filePath(u"no-engine.sock"_s));
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains(u"--via registry"_s), qPrintable(run.err));
    }

    void promoteThroughARealEngineReportsTheNewDigest() {
        const QString missing = EngineServer::unavailableReason();
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        EngineServer engine;
        QVERIFY2(engine.start(), qPrintable(engine.errorString()));
        const CtlRun run = ctl({u"promote"_s, repository(), u"v1.2.0"_s, u"production"_s,
                                u"--yes"_s, u"--json"_s, u"--via"_s, u"engine"_s},
                               {}, engine.dockerHost());
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QJsonObject result = run.json();
        QCOMPARE(result.value(u"to"_s).toString(), m_digests[2]);
        // dockerd 20.10 re-serialises manifests on push: said plainly, not hidden.
        const QString pushed = result.value(u"result"_s).toString();
        QCOMPARE(digestOf(u"production"_s), pushed);
        if (pushed != m_digests[2])
            QVERIFY2(result.value(u"note"_s).toString().contains(u"re-encoded"_s),
                     qPrintable(result.value(u"note"_s).toString()));
    }
};

BERTH_TEST_MAIN(TestBerthctlRelease)
#include "tst_berthctlrelease.moc"
