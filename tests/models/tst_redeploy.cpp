// Redeploys against real engines: dockerd and podman's Docker-compatible service, each on
// a unix socket in a temporary directory, pulling from a real docker-registry on loopback.
// The images are runnable (a static busybox FROM scratch, run with --network none): one
// that keeps running, one with a passing health check, one whose command exits at once,
// one whose health check fails. Every case runs once per engine, against the same
// container "api", so each starts from where the one before left it.

#include "CtlRun.h"
#include "DockerCli.h"
#include "EngineServer.h"
#include "RegistryServer.h"
#include "TestMain.h"

#include "engine/ContainerBlueprint.h"
#include "history/HistoryStore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

const QString kPath = u"acme/payments"_s;

// The Dockerfile lines after the busybox, per build.
const QString kKeepsRunning = u"CMD [\"sleep\", \"3600\"]\n"_s;
const QString kHealthy = u"HEALTHCHECK --interval=1s --timeout=2s --retries=2 CMD "
                         u"[\"/busybox\", \"true\"]\nCMD [\"sleep\", \"3600\"]\n"_s;
const QString kExitsAtOnce = u"CMD [\"false\"]\n"_s;
const QString kUnhealthy = u"HEALTHCHECK --interval=1s --timeout=2s --retries=1 CMD "
                           u"[\"/busybox\", \"false\"]\nCMD [\"sleep\", \"3600\"]\n"_s;

} // namespace

class TestRedeploy : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    DockerCli m_cli{m_dir.path()};
    std::unique_ptr<RegistryServer> m_registry;
    std::unique_ptr<EngineServer> m_docker;
    std::unique_ptr<EngineServer> m_podman;
    QString m_skip;                    // why no engine case can run here
    QString m_podmanSkip;              // why the podman rows cannot
    QHash<QString, QString> m_digests; // by version

    QString repository() const { return m_registry->hostPort() + u'/' + kPath; }
    QString history() const { return m_dir.filePath(u"history.sqlite"_s); }

    CtlRun docker(const QString& host, const QStringList& arguments) const {
        return m_cli.run(host, arguments);
    }

    bool dockerOk(const QString& host, const QStringList& arguments) const {
        return m_cli.ok(host, arguments);
    }

    // Builds `version` (its Dockerfile ending in `tail`, its ENV and label naming the
    // version) and pushes it as :<version>; its digest.
    QString buildAndPush(const QString& version, const QString& tail) {
        return m_cli.buildAndPush(m_docker->dockerHost(), repository() + u':' + version,
                                  u"ENV APP_VERSION=%1\nLABEL org.opencontainers.image.version=%1\n"
                                  u"VOLUME /cache\n%2"_s.arg(version, tail));
    }

    bool pointProductionAt(const QString& version) const {
        const QString host = m_docker->dockerHost();
        return dockerOk(host, {u"tag"_s, repository() + u':' + version,
                               repository() + u":production"_s}) &&
               dockerOk(host, {u"push"_s, repository() + u":production"_s});
    }

    EngineServer& engine(const QString& kind) const {
        return kind == u"podman"_s ? *m_podman : *m_docker;
    }

    CtlRun berthctl(const QStringList& arguments,
                    const QHash<QString, QString>& environment = {}) const {
        QHash<QString, QString> all{{u"HOME"_s, m_dir.path()},
                                    {u"DOCKER_CONFIG"_s, m_cli.configDir()}};
        all.insert(environment);
        return runProgram(QStringLiteral(BERTHCTL_PATH),
                          arguments + QStringList{u"--db"_s, history()}, all);
    }

    CtlRun redeploy(const QStringList& hosts, const QHash<QString, QString>& environment = {}) {
        return berthctl({u"redeploy"_s, repository(), u"production"_s, u"--json"_s, u"--hosts"_s,
                         u"production="_s + hosts.join(u','), u"--stay-running"_s, u"1"_s,
                         u"--health-timeout"_s, u"20"_s, u"--stop-timeout"_s, u"1"_s},
                        environment);
    }

    QJsonObject inspect(const QString& host, const QString& name) const {
        return m_cli.inspect(host, name);
    }

    // The version the container's image says it is (its label).
    static QString versionOf(const QJsonObject& container) {
        return container[u"Config"_s][u"Labels"_s][u"org.opencontainers.image.version"_s]
            .toString();
    }

    static bool isRunning(const QJsonObject& container) {
        return container[u"State"_s][u"Running"_s].toBool();
    }

    // The redeploy log of the repository, oldest first.
    QList<RedeployStep> steps() const {
        HistoryStore store;
        if (!store.open(history()))
            return {};
        auto rows = store.redeploySteps(m_registry->hostPort(), kPath);
        QList<RedeployStep> list = rows ? rows.value() : QList<RedeployStep>{};
        std::reverse(list.begin(), list.end());
        return list;
    }

    void skipUnless(const QString& kind) {
        if (!m_skip.isEmpty())
            QSKIP(qPrintable(m_skip));
        if (kind == u"podman"_s && !m_podmanSkip.isEmpty())
            QSKIP(qPrintable(m_podmanSkip));
    }

    static void engines() {
        QTest::addColumn<QString>("kind");
        QTest::newRow("dockerd") << u"docker"_s;
        QTest::newRow("podman") << u"podman"_s;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        if (const QString reason = EngineServer::unavailableReason(); !reason.isEmpty())
            m_skip = reason;
        else
            m_skip = DockerCli::unavailableReason();
        if (!m_skip.isEmpty())
            return;
        m_docker = std::make_unique<EngineServer>();
        if (!m_docker->start()) {
            m_skip = u"dockerd did not start: "_s + m_docker->errorString();
            return;
        }
        m_registry = std::make_unique<RegistryServer>();
        QVERIFY2(m_registry->start(), qPrintable(m_registry->errorString()));
        m_podmanSkip = EngineServer::unavailableReason(EngineServer::Kind::Podman);
        if (m_podmanSkip.isEmpty()) {
            m_podman = std::make_unique<EngineServer>(EngineServer::Kind::Podman);
            if (!m_podman->start())
                m_podmanSkip = u"podman did not start: "_s + m_podman->errorString();
        }

        for (const auto& [version, tail] :
             {std::pair{u"1.0.0"_s, kKeepsRunning}, std::pair{u"1.1.0"_s, kHealthy},
              std::pair{u"1.2.0"_s, kExitsAtOnce}, std::pair{u"1.3.0"_s, kUnhealthy}}) {
            m_digests.insert(version, buildAndPush(version, tail));
            QVERIFY2(!m_digests.value(version).isEmpty(), qPrintable(version));
        }
        QVERIFY(pointProductionAt(u"1.0.0"_s));
        // The container as someone started it: its own environment, label, volume and
        // restart policy, which every redeploy must keep.
        for (EngineServer* server : {m_docker.get(), m_podman.get()}) {
            if (!server || (server == m_podman.get() && !m_podmanSkip.isEmpty()))
                continue;
            const QString image = repository() + u"@"_s + m_digests.value(u"1.0.0"_s);
            QVERIFY(dockerOk(server->dockerHost(), {u"pull"_s, u"-q"_s, image}));
            QVERIFY(
                dockerOk(server->dockerHost(),
                         {u"run"_s, u"-d"_s, u"--network"_s, u"none"_s, u"--name"_s, u"api"_s,
                          u"-e"_s, u"PAYMENTS_MODE=live"_s, u"-l"_s, u"team=payments"_s, u"-v"_s,
                          u"ledger:/ledger"_s, u"--restart"_s, u"unless-stopped"_s, image}));
            // Data in the anonymous volume of the image's VOLUME line must survive too.
            QVERIFY(dockerOk(server->dockerHost(), {u"exec"_s, u"api"_s, u"/busybox"_s, u"sh"_s,
                                                    u"-c"_s, u"echo kept > /cache/mark"_s}));
        }
    }

    void cleanupTestCase() {
        m_podman.reset();
        m_docker.reset(); // before the registry: the engine may still hold a connection
    }

    void aBlueprintKeepsWhatTheContainerWasGivenAndDropsWhatItsImageSaid() {
        const QJsonObject imageConfig{
            {u"Env"_s, QJsonArray{u"PATH=/bin"_s, u"APP_VERSION=1.0.0"_s}},
            {u"Cmd"_s, QJsonArray{u"serve"_s}},
            {u"Entrypoint"_s, QJsonArray{u"/app"_s}},
            {u"Labels"_s, QJsonObject{{u"org.opencontainers.image.version"_s, u"1.0.0"_s}}},
            {u"Volumes"_s, QJsonObject{{u"/cache"_s, QJsonObject{}}}},
            {u"WorkingDir"_s, u"/srv"_s}};
        const QJsonObject container{
            {u"Id"_s, u"0123456789abcdef0123"_s},
            {u"Name"_s, u"/api"_s},
            {u"Config"_s,
             QJsonObject{
                 {u"Hostname"_s, u"0123456789ab"_s},
                 {u"Image"_s, u"registry/acme/api:v1"_s},
                 {u"Env"_s, QJsonArray{u"PATH=/bin"_s, u"APP_VERSION=1.0.0"_s, u"MODE=live"_s}},
                 {u"Cmd"_s, QJsonArray{u"serve"_s}},
                 {u"Entrypoint"_s, QJsonArray{u"/app"_s}},
                 {u"Labels"_s, QJsonObject{{u"org.opencontainers.image.version"_s, u"1.0.0"_s},
                                           {u"com.docker.compose.service"_s, u"api"_s}}},
                 {u"Volumes"_s, QJsonObject{{u"/cache"_s, QJsonObject{}}}},
                 {u"WorkingDir"_s, u"/srv"_s},
                 {u"User"_s, u"app"_s}}},
            {u"HostConfig"_s,
             QJsonObject{{u"NetworkMode"_s, u"shop_default"_s},
                         {u"Binds"_s, QJsonArray{u"ledger:/ledger"_s}},
                         {u"RestartPolicy"_s, QJsonObject{{u"Name"_s, u"always"_s}}}}},
            {u"Mounts"_s, QJsonArray{QJsonObject{{u"Type"_s, u"volume"_s},
                                                 {u"Name"_s, u"ledger"_s},
                                                 {u"Destination"_s, u"/ledger"_s},
                                                 {u"RW"_s, true}},
                                     QJsonObject{{u"Type"_s, u"volume"_s},
                                                 {u"Name"_s, u"f00d"_s},
                                                 {u"Destination"_s, u"/cache"_s},
                                                 {u"RW"_s, true}}}},
            {u"NetworkSettings"_s,
             QJsonObject{
                 {u"Networks"_s,
                  QJsonObject{{u"shop_default"_s,
                               QJsonObject{{u"Aliases"_s, QJsonArray{u"api"_s, u"0123456789ab"_s}},
                                           {u"IPAddress"_s, u"172.18.0.5"_s}}},
                              {u"shop_backend"_s, QJsonObject{}}}}}}};
        const Result<ContainerBlueprint> blueprint =
            ContainerBlueprint::of(container, imageConfig, u"registry/acme/api@sha256:new"_s);
        QVERIFY2(blueprint, qPrintable(blueprint.errorMessage()));
        const QJsonObject body = blueprint->createBody;
        QCOMPARE(blueprint->name, u"api"_s);
        QCOMPARE(body[u"Image"_s].toString(), u"registry/acme/api@sha256:new"_s);
        // The container's own environment and label stay; the old image's give way.
        QCOMPARE(body[u"Env"_s].toArray(), QJsonArray{u"MODE=live"_s});
        QCOMPARE(body[u"Labels"_s].toObject(),
                 (QJsonObject{{u"com.docker.compose.service"_s, u"api"_s}}));
        QVERIFY(!body.contains(u"Cmd"_s));
        QVERIFY(!body.contains(u"Entrypoint"_s));
        QVERIFY(!body.contains(u"WorkingDir"_s));
        QVERIFY(!body.contains(u"Hostname"_s));
        QCOMPARE(body[u"User"_s].toString(), u"app"_s);
        // The anonymous volume is mounted again by its name; the named one is not doubled.
        QCOMPARE(body[u"HostConfig"_s][u"Binds"_s].toArray(),
                 (QJsonArray{u"ledger:/ledger"_s, u"f00d:/cache"_s}));
        QCOMPARE(body[u"HostConfig"_s][u"RestartPolicy"_s][u"Name"_s].toString(), u"always"_s);
        // Compose's network at create, with its service alias and not the old id; the
        // second network is connected afterwards.
        const QJsonObject endpoints = body[u"NetworkingConfig"_s][u"EndpointsConfig"_s].toObject();
        QCOMPARE(endpoints.keys(), QStringList{u"shop_default"_s});
        QCOMPARE(endpoints[u"shop_default"_s][u"Aliases"_s].toArray(), QJsonArray{u"api"_s});
        QVERIFY(!endpoints[u"shop_default"_s].toObject().contains(u"IPAddress"_s));
        QCOMPARE(blueprint->extraNetworks.size(), 1);
        QCOMPARE(blueprint->extraNetworks.first().first, u"shop_backend"_s);

        // An entrypoint given at run time keeps the command given with it.
        QJsonObject overridden = container;
        QJsonObject config = overridden[u"Config"_s].toObject();
        config.insert(u"Entrypoint"_s, QJsonArray{u"/debug"_s});
        overridden.insert(u"Config"_s, config);
        const QJsonObject debugBody =
            ContainerBlueprint::of(overridden, imageConfig, u"x@sha256:new"_s)->createBody;
        QCOMPARE(debugBody[u"Entrypoint"_s].toArray(), QJsonArray{u"/debug"_s});
        QCOMPARE(debugBody[u"Cmd"_s].toArray(), QJsonArray{u"serve"_s});
    }

    void redeployToAGoodBuild_data() { engines(); }
    void redeployToAGoodBuild() {
        QFETCH(QString, kind);
        skipUnless(kind);
        const QString host = engine(kind).dockerHost();
        QVERIFY(pointProductionAt(u"1.1.0"_s));
        const CtlRun run = redeploy({host});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err + QString::fromUtf8(run.out)));
        const QJsonObject report = run.json();
        QVERIFY(report[u"succeeded"_s].toBool());
        QCOMPARE(report[u"containers"_s].toArray().size(), 1);
        QCOMPARE(report[u"containers"_s][0][u"ending"_s].toString(), u"replaced"_s);

        const QJsonObject api = inspect(host, u"api"_s);
        QVERIFY(isRunning(api));
        QCOMPARE(versionOf(api), u"1.1.0"_s);
        QCOMPARE(api[u"Config"_s][u"Image"_s].toString(),
                 repository() + u'@' + m_digests.value(u"1.1.0"_s));
        QCOMPARE(api[u"State"_s][u"Health"_s][u"Status"_s].toString(), u"healthy"_s);
        const QStringList environment = api[u"Config"_s][u"Env"_s].toVariant().toStringList();
        QVERIFY2(environment.contains(u"PAYMENTS_MODE=live"_s), qPrintable(environment.join(u' ')));
        QVERIFY2(environment.contains(u"APP_VERSION=1.1.0"_s), qPrintable(environment.join(u' ')));
        QCOMPARE(api[u"Config"_s][u"Labels"_s][u"team"_s].toString(), u"payments"_s);
        QCOMPARE(api[u"HostConfig"_s][u"RestartPolicy"_s][u"Name"_s].toString(),
                 u"unless-stopped"_s);
        QCOMPARE(api[u"HostConfig"_s][u"NetworkMode"_s].toString(), u"none"_s);
        // The data of both volumes is still there.
        const CtlRun mark =
            docker(host, {u"exec"_s, u"api"_s, u"/busybox"_s, u"cat"_s, u"/cache/mark"_s});
        QCOMPARE(QString::fromUtf8(mark.out).trimmed(), u"kept"_s);
        QVERIFY(inspect(host, u"api-berth-old"_s).isEmpty());

        // Every step was recorded pending, then succeeded, after the redeploy's own row.
        QStringList taken;
        const QList<RedeployStep> log = steps();
        for (const RedeployStep& step : log) {
            if (step.engineHost != host || step.toDigest != m_digests.value(u"1.1.0"_s))
                continue;
            QCOMPARE(step.state, ActionState::Succeeded);
            QCOMPARE(step.container, u"api"_s);
            QCOMPARE(step.environment, u"production"_s);
            QCOMPARE(step.fromDigest, m_digests.value(u"1.0.0"_s));
            taken.append(step.step);
        }
        QCOMPARE(taken, (QStringList{u"redeploy"_s, u"pull"_s, u"stop"_s, u"rename"_s, u"create"_s,
                                     u"start"_s, u"wait"_s, u"remove"_s}));

        // Nothing left to do: a second redeploy changes nothing.
        const CtlRun again = redeploy({host});
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(again.json()[u"containers"_s].toArray().size(), 0);
        QCOMPARE(again.json()[u"unchanged"_s].toArray().size(), 1);
        QCOMPARE(inspect(host, u"api"_s)[u"Id"_s], api[u"Id"_s]);
    }

    void aBuildThatExitsAtOnceLeavesTheOldContainerRunning_data() { engines(); }
    void aBuildThatExitsAtOnceLeavesTheOldContainerRunning() {
        QFETCH(QString, kind);
        skipUnless(kind);
        const QString host = engine(kind).dockerHost();
        const QJsonObject before = inspect(host, u"api"_s);
        QVERIFY(pointProductionAt(u"1.2.0"_s));
        const CtlRun run = redeploy({host});
        QCOMPARE(run.exitCode, 1);
        const QJsonObject container = run.json()[u"containers"_s][0].toObject();
        QCOMPARE(container[u"ending"_s].toString(), u"restored"_s);
        // Under its restart policy it may be caught between exit and restart, or after.
        QVERIFY2(
            container[u"message"_s].toString().contains(u"stopped at once (exit code 1"_s) ||
                container[u"message"_s].toString().contains(u"keeps exiting and being restarted"_s),
            qPrintable(container[u"message"_s].toString()));
        // The very same container runs again, under its own name, on its build.
        const QJsonObject after = inspect(host, u"api"_s);
        QCOMPARE(after[u"Id"_s], before[u"Id"_s]);
        QVERIFY(isRunning(after));
        QCOMPARE(versionOf(after), u"1.1.0"_s);
        QVERIFY(inspect(host, u"api-berth-old"_s).isEmpty());
        const QList<RedeployStep> log = steps();
        QCOMPARE(log.last().step, u"restore"_s);
        QCOMPARE(log.last().state, ActionState::Succeeded);
        const auto wait = std::find_if(log.crbegin(), log.crend(), [](const RedeployStep& step) {
            return step.step == u"wait"_s;
        });
        QCOMPARE(wait->state, ActionState::Failed);
    }

    void aFailingHealthCheckLeavesTheOldContainerRunning_data() { engines(); }
    void aFailingHealthCheckLeavesTheOldContainerRunning() {
        QFETCH(QString, kind);
        skipUnless(kind);
        const QString host = engine(kind).dockerHost();
        const QJsonObject before = inspect(host, u"api"_s);
        QVERIFY(pointProductionAt(u"1.3.0"_s));
        const CtlRun run = redeploy({host});
        QVERIFY2(run.exitCode == 1, qPrintable(run.err + QString::fromUtf8(run.out)));
        const QJsonObject container = run.json()[u"containers"_s][0].toObject();
        QCOMPARE(container[u"ending"_s].toString(), u"restored"_s);
        QVERIFY2(container[u"message"_s].toString().contains(u"unhealthy"_s),
                 qPrintable(container[u"message"_s].toString()));
        const QJsonObject after = inspect(host, u"api"_s);
        QCOMPARE(after[u"Id"_s], before[u"Id"_s]);
        QVERIFY(isRunning(after));
        QCOMPARE(versionOf(after), u"1.1.0"_s);
    }

    void anUnreachableSecondEngineStopsTheRollingRedeploy_data() { engines(); }
    void anUnreachableSecondEngineStopsTheRollingRedeploy() {
        QFETCH(QString, kind);
        skipUnless(kind);
        const QString host = engine(kind).dockerHost();
        const QString gone = u"unix://"_s + m_dir.filePath(u"gone.sock"_s);
        QVERIFY(pointProductionAt(u"1.0.0"_s));
        const CtlRun run = redeploy({host, gone});
        QCOMPARE(run.exitCode, 1);
        const QJsonObject report = run.json();
        QCOMPARE(report[u"containers"_s][0][u"ending"_s].toString(), u"replaced"_s);
        const QJsonArray problems = report[u"problems"_s].toArray();
        QCOMPARE(problems.size(), 1);
        QVERIFY2(problems[0].toString().startsWith(gone + u": not redeployed"_s),
                 qPrintable(problems[0].toString()));
        const QJsonObject api = inspect(host, u"api"_s);
        QVERIFY(isRunning(api));
        QCOMPARE(versionOf(api), u"1.0.0"_s);
    }

    void berthKilledBetweenStopAndStartIsSettledAtTheNextStart_data() { engines(); }
    void berthKilledBetweenStopAndStartIsSettledAtTheNextStart() {
        QFETCH(QString, kind);
        skipUnless(kind);
        const QString host = engine(kind).dockerHost();
        const QJsonObject before = inspect(host, u"api"_s);
        QVERIFY(pointProductionAt(u"1.1.0"_s));
        // Killed (SIGKILL) right after the new container was created, before it started:
        // the old one is stopped and renamed, the new one holds its name.
        const CtlRun killed = redeploy({host}, {{u"BERTH_TEST_CRASH_AFTER_STEP"_s, u"create"_s}});
        QCOMPARE(killed.exitCode, -1);
        const QJsonObject kept = inspect(host, u"api-berth-old"_s);
        QCOMPARE(kept[u"Id"_s], before[u"Id"_s]);
        QVERIFY(!isRunning(kept));
        QVERIFY(!isRunning(inspect(host, u"api"_s)));
        QCOMPARE(steps().last().step, u"create"_s);

        // The next start of berthctl settles it before reading what runs.
        const CtlRun next = berthctl(
            {u"running"_s, repository(), u"--json"_s, u"--hosts"_s, u"production="_s + host});
        QVERIFY2(next.exitCode == 0, qPrintable(next.err));
        QVERIFY2(next.err.contains(u"was settled: interrupted at step \"create\"; when Berth "
                                   u"started again it put the old container back, running"_s),
                 qPrintable(next.err));
        const QJsonObject after = inspect(host, u"api"_s);
        QCOMPARE(after[u"Id"_s], before[u"Id"_s]);
        QVERIFY(isRunning(after));
        QCOMPARE(versionOf(after), u"1.0.0"_s);
        QVERIFY(inspect(host, u"api-berth-old"_s).isEmpty());
        HistoryStore store;
        QVERIFY(store.open(history()));
        QCOMPARE(store.pendingRedeploySteps()->size(), 0);
        const QList<RedeployStep> log = steps();
        const auto whole =
            std::find_if(log.crbegin(), log.crend(), [&host](const RedeployStep& step) {
                return step.step == u"redeploy"_s && step.engineHost == host;
            });
        QCOMPARE(whole->state, ActionState::Failed);
    }

    // The 11pm case: production is rolled back and its hosts follow in the same command.
    void aRollbackWithRedeployBringsTheHostBack_data() { engines(); }
    void aRollbackWithRedeployBringsTheHostBack() {
        QFETCH(QString, kind);
        skipUnless(kind);
        const QString host = engine(kind).dockerHost();
        QVERIFY(pointProductionAt(u"1.1.0"_s));
        const CtlRun onNew = redeploy({host});
        QVERIFY2(onNew.exitCode == 0, qPrintable(onNew.err));
        QCOMPARE(versionOf(inspect(host, u"api"_s)), u"1.1.0"_s);

        const auto rollback = [&](const QString& to) {
            return berthctl({u"rollback"_s, repository(), u"production"_s, u"--to"_s, to,
                             u"--reason"_s, u"1.1.0 fails at checkout"_s, u"--yes"_s,
                             u"--redeploy"_s, u"--hosts"_s, u"production="_s + host,
                             u"--stay-running"_s, u"1"_s, u"--stop-timeout"_s, u"1"_s});
        };
        const CtlRun back = rollback(u"1.0.0"_s);
        QVERIFY2(back.exitCode == 0, qPrintable(back.err + QString::fromUtf8(back.out)));
        QVERIFY2(
            QString::fromUtf8(back.out).contains(u"runs 1.0.0 on every engine of production"_s),
            qPrintable(QString::fromUtf8(back.out)));
        const QJsonObject api = inspect(host, u"api"_s);
        QVERIFY(isRunning(api));
        QCOMPARE(versionOf(api), u"1.0.0"_s);
        QVERIFY(inspect(host, u"api-berth-old"_s).isEmpty());

        // Back onto a build whose command exits at once: the tag moves (the rollback is
        // the registry's), the host is left exactly as it was, and the report says so.
        const CtlRun broken = rollback(u"1.2.0"_s);
        QVERIFY2(broken.exitCode == 1, qPrintable(broken.err + QString::fromUtf8(broken.out)));
        QVERIFY2(QString::fromUtf8(broken.out).contains(u"did not complete"_s),
                 qPrintable(QString::fromUtf8(broken.out)));
        const QJsonObject after = inspect(host, u"api"_s);
        QCOMPARE(after[u"Id"_s], api[u"Id"_s]);
        QVERIFY(isRunning(after));
        QCOMPARE(versionOf(after), u"1.0.0"_s);
    }
};

BERTH_TEST_MAIN(TestRedeploy)

#include "tst_redeploy.moc"
