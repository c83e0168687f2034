// What actually runs: berthctl running against a real dockerd on a unix socket in a
// temporary directory and a real docker-registry on loopback. The images are real and
// runnable (a static busybox FROM scratch, run with --network none); one is pushed and run
// by its tag, one is saved and loaded back, which drops its repo digests, so only its
// config digest still ties it to the build.

#include "CtlRun.h"
#include "DockerCli.h"
#include "EngineServer.h"
#include "RegistryServer.h"
#include "TestMain.h"

#include "engine/RunningReport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

const QString kPath = u"acme/api"_s;

Build buildWith(const QString& digest, const QString& config, const QString& tag) {
    Build build;
    build.digest = digest;
    build.configDigest = config;
    build.tags = {{tag, TagKind::ExactSemver}};
    return build;
}

} // namespace

class TestRunningContainers : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    DockerCli m_cli{m_dir.path()};
    std::unique_ptr<EngineServer> m_engine;
    std::unique_ptr<RegistryServer> m_registry;
    QString m_skip; // why the engine cases cannot run here
    QString m_oldDigest;
    QString m_newDigest;

    QString repository() const { return m_registry->hostPort() + u'/' + kPath; }

    CtlRun docker(const QStringList& arguments) const {
        return m_cli.run(m_engine->dockerHost(), arguments);
    }

    CtlRun dockerOn(const QString& host, const QStringList& arguments) const {
        return m_cli.run(host, arguments);
    }

    bool dockerOk(const QStringList& arguments) const {
        return m_cli.ok(m_engine->dockerHost(), arguments);
    }

    // A runnable image whose /version file says `version`, built and pushed as :<tag>.
    QString buildAndPush(const QString& version, const QString& tag) const {
        return m_cli.buildAndPush(m_engine->dockerHost(), repository() + u':' + tag,
                                  u"CMD [\"sleep\", \"3600\"]\n"_s,
                                  {{u"version"_s, version.toUtf8()}});
    }

    CtlRun running(const QStringList& arguments) const {
        return runProgram(QStringLiteral(BERTHCTL_PATH),
                          QStringList{u"running"_s, repository(), u"--json"_s, u"--db"_s,
                                      m_dir.filePath(u"history.sqlite"_s)} +
                              arguments,
                          {{u"DOCKER_HOST"_s, m_engine->dockerHost()},
                           {u"HOME"_s, m_dir.path()},
                           {u"DOCKER_CONFIG"_s, m_cli.configDir()}});
    }

    static QJsonObject environmentOf(const QJsonObject& report, const QString& name) {
        for (const QJsonValue& environment : report[u"environments"_s].toArray())
            if (environment[u"environment"_s].toString() == name)
                return environment.toObject();
        return {};
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
        m_engine = std::make_unique<EngineServer>();
        if (!m_engine->start()) {
            m_skip = u"dockerd did not start: "_s + m_engine->errorString();
            return;
        }
        m_registry = std::make_unique<RegistryServer>();
        QVERIFY2(m_registry->start(), qPrintable(m_registry->errorString()));

        m_oldDigest = buildAndPush(u"1.0.0"_s, u"v1.0.0"_s);
        m_newDigest = buildAndPush(u"1.1.0"_s, u"v1.1.0"_s);
        QVERIFY(!m_oldDigest.isEmpty() && !m_newDigest.isEmpty());
        QVERIFY(dockerOk({u"tag"_s, repository() + u":v1.1.0"_s, repository() + u":production"_s}));
        QVERIFY(dockerOk({u"push"_s, repository() + u":production"_s}));
        // v1.0.0 saved and loaded back: the engine keeps its config, forgets its repo digests.
        const QString archive = m_dir.filePath(u"old.tar"_s);
        QVERIFY(dockerOk({u"save"_s, u"-o"_s, archive, repository() + u":v1.0.0"_s}));
        QVERIFY(dockerOk({u"rmi"_s, repository() + u":v1.0.0"_s}));
        QVERIFY(dockerOk({u"load"_s, u"-q"_s, u"-i"_s, archive}));
        QVERIFY(dockerOk({u"run"_s, u"-d"_s, u"--network"_s, u"none"_s, u"--name"_s,
                          u"api-loaded"_s, repository() + u":v1.0.0"_s}));
        QVERIFY(dockerOk({u"run"_s, u"-d"_s, u"--network"_s, u"none"_s, u"--name"_s, u"api"_s,
                          repository() + u":production"_s}));
    }

    void cleanupTestCase() {
        m_engine.reset(); // before the registry: the engine may still hold a connection
    }

    void enginesAreNamedPerEnvironment() {
        const Result<EngineHosts> hosts =
            EngineHosts::parse({u"production=unix:///run/a.sock, tcp://prod-2:2376"_s,
                                u"staging=unix:///run/b.sock"_s},
                               u"unix:///var/run/docker.sock"_s);
        QVERIFY2(hosts, qPrintable(hosts.errorMessage()));
        QCOMPARE(hosts->hostsOf(u"production"_s),
                 (QStringList{u"unix:///run/a.sock"_s, u"tcp://prod-2:2376"_s}));
        QVERIFY(hosts->hostsOf(u"dev"_s).isEmpty());
        QCOMPARE(hosts->allHosts().size(), 3);
        // Nothing named: the one default engine for every environment.
        const Result<EngineHosts> fallback = EngineHosts::parse({}, u"unix:///x.sock"_s);
        QCOMPARE(fallback->hostsOf(u"dev"_s), QStringList{u"unix:///x.sock"_s});
        const Result<EngineHosts> broken = EngineHosts::parse({u"unix:///run/a.sock"_s}, {});
        QVERIFY(!broken);
        QVERIFY2(broken.errorMessage().contains(u"names no environment"_s),
                 qPrintable(broken.errorMessage()));
    }

    void aContainerIsMatchedByRepoDigestElseByConfig() {
        const QString repo = u"127.0.0.1:5000/acme/api"_s;
        RunningContainer pulled{u"1"_s,
                                u"api"_s,
                                repo + u":v2"_s,
                                u"sha256:c2"_s,
                                {repo + u"@sha256:d2"_s},
                                u"running"_s,
                                {},
                                {}};
        RunningContainer loaded{u"2"_s, u"old"_s,    u"api:old"_s, u"sha256:c1"_s,
                                {},     u"exited"_s, {},           {}};
        RunningContainer other{u"3"_s,
                               u"db"_s,
                               u"postgres:15"_s,
                               u"sha256:99"_s,
                               {u"postgres@sha256:aa"_s},
                               u"running"_s,
                               {},
                               {}};
        const QList<ContainerOfBuild> found =
            containersOfRepository(u"local"_s, {pulled, loaded, other}, repo,
                                   {buildWith(u"sha256:d1"_s, u"sha256:c1"_s, u"v1.0.0"_s),
                                    buildWith(u"sha256:d2"_s, u"sha256:c2"_s, u"v2.0.0"_s)});
        QCOMPARE(found.size(), 2);
        QCOMPARE(found[0].digest, u"sha256:d2"_s);
        QCOMPARE(found[0].matchedBy, u"repo digest"_s);
        QCOMPARE(found[0].version, u"v2.0.0"_s);
        QCOMPARE(found[1].digest, u"sha256:d1"_s);
        QCOMPARE(found[1].matchedBy, u"config digest"_s);
        QCOMPARE(found[1].version, u"v1.0.0"_s);
    }

    void berthctlShowsWhatRunsAndTheDrift() {
        if (!m_skip.isEmpty())
            QSKIP(qPrintable(m_skip));
        const CtlRun run = running({});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QJsonObject production = environmentOf(run.json(), u"production"_s);
        QCOMPARE(production[u"tag_digest"_s].toString(), m_newDigest);
        QHash<QString, QJsonObject> byName;
        for (const QJsonValue& container : production[u"containers"_s].toArray())
            byName.insert(container[u"name"_s].toString(), container.toObject());
        QCOMPARE(byName.size(), 2);
        QCOMPARE(byName[u"api"_s][u"digest"_s].toString(), m_newDigest);
        QCOMPARE(byName[u"api"_s][u"matched_by"_s].toString(), u"repo digest"_s);
        QCOMPARE(byName[u"api"_s][u"state"_s].toString(), u"running"_s);
        QVERIFY(!byName[u"api"_s][u"started_at"_s].toString().isEmpty());
        // Loaded back from an archive: only its config ties it to v1.0.0.
        QCOMPARE(byName[u"api-loaded"_s][u"digest"_s].toString(), m_oldDigest);
        QCOMPARE(byName[u"api-loaded"_s][u"matched_by"_s].toString(), u"config digest"_s);
        QCOMPARE(byName[u"api-loaded"_s][u"version"_s].toString(), u"v1.0.0"_s);
        const QJsonArray drift = production[u"drift"_s].toArray();
        QCOMPARE(drift.size(), 1);
        QVERIFY2(drift[0].toString().startsWith(u"production → v1.1.0, api-loaded on "_s),
                 qPrintable(drift[0].toString()));
        QVERIFY2(drift[0].toString().contains(u"still runs v1.0.0 (since "_s),
                 qPrintable(drift[0].toString()));
        QVERIFY(production[u"unreachable"_s].toArray().isEmpty());
    }

    void anUnreachableEngineDoesNotHideTheOthers() {
        if (!m_skip.isEmpty())
            QSKIP(qPrintable(m_skip));
        const QString gone = u"unix://"_s + m_dir.filePath(u"gone.sock"_s);
        const CtlRun run =
            running({u"--hosts"_s, u"production=%1,%2"_s.arg(m_engine->dockerHost(), gone)});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QJsonObject production = environmentOf(run.json(), u"production"_s);
        QCOMPARE(production[u"containers"_s].toArray().size(), 2);
        const QJsonArray unreachable = production[u"unreachable"_s].toArray();
        QCOMPARE(unreachable.size(), 1);
        QVERIFY2(unreachable[0].toString().startsWith(gone + u": "_s),
                 qPrintable(unreachable[0].toString()));
        // Only unreachable engines: nothing could be read, exit 1.
        const CtlRun none = running({u"--hosts"_s, u"production="_s + gone});
        QCOMPARE(none.exitCode, 1);
    }

    void podmansServiceShowsTheSame() {
        if (!m_skip.isEmpty())
            QSKIP(qPrintable(m_skip));
        if (const QString reason = EngineServer::unavailableReason(EngineServer::Kind::Podman);
            !reason.isEmpty())
            QSKIP(qPrintable(reason));
        EngineServer podman(EngineServer::Kind::Podman);
        if (!podman.start())
            QSKIP(qPrintable(u"podman did not start: "_s + podman.errorString()));
        // Pulled by tag through podman's Docker-compatible API, run without a network.
        const QString image = repository() + u":v1.0.0"_s;
        const CtlRun pulled = dockerOn(podman.dockerHost(), {u"pull"_s, u"-q"_s, image});
        QVERIFY2(pulled.exitCode == 0, qPrintable(pulled.err));
        const CtlRun started =
            dockerOn(podman.dockerHost(), {u"run"_s, u"-d"_s, u"--network"_s, u"none"_s,
                                           u"--name"_s, u"api-podman"_s, image});
        QVERIFY2(started.exitCode == 0, qPrintable(started.err));
        const CtlRun run = running({u"--hosts"_s, u"production="_s + podman.dockerHost()});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QJsonObject production = environmentOf(run.json(), u"production"_s);
        const QJsonArray containers = production[u"containers"_s].toArray();
        QCOMPARE(containers.size(), 1);
        QCOMPARE(containers[0][u"name"_s].toString(), u"api-podman"_s);
        QCOMPARE(containers[0][u"digest"_s].toString(), m_oldDigest);
        QCOMPARE(containers[0][u"state"_s].toString(), u"running"_s);
        QCOMPARE(production[u"drift"_s].toArray().size(), 1);
        dockerOn(podman.dockerHost(), {u"rm"_s, u"-f"_s, u"api-podman"_s});
    }

    void aBadHostsOptionIsAUsageError() {
        const CtlRun run =
            runProgram(QStringLiteral(BERTHCTL_PATH),
                       {u"running"_s, u"127.0.0.1:1/acme/api"_s, u"--hosts"_s, u"production"_s},
                       {{u"HOME"_s, m_dir.path()}});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(u"names no environment"_s), qPrintable(run.err));
    }
};

BERTH_TEST_MAIN(TestRunningContainers)

#include "tst_runningcontainers.moc"
