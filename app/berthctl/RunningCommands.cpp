#include "RunningCommands.h"

#include "HistoryCommands.h"
#include "RedeployCommands.h"

#include "engine/EngineReader.h"
#include "engine/RunningReport.h"
#include "policy/TagPolicy.h"

#include <QCoreApplication>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace berth::ctl {

namespace {

// The engines' answers as they arrive; the report is printed once every one has answered
// or timed out.
struct RunningSession {
    Invocation invocation;
    Finish finish;
    ImageReference repository;
    EngineHosts hosts;
    BuildCollection collection;
    QStringList environments;
    EngineReader reader;
    QList<EngineRead> reads;
};

QStringList environmentsOf(const Invocation& invocation, const BuildCollection& collection) {
    if (!invocation.environment.isEmpty())
        return {invocation.environment};
    const Result<TagPolicy> policy = invocation.gitClone.isEmpty()
                                         ? Result<TagPolicy>(TagPolicy::defaults(QString()))
                                         : readTagPolicy(invocation.gitClone);
    const QStringList known =
        policy ? policy->environments : TagPolicy::defaults(QString()).environments;
    QStringList present;
    for (const QString& environment : known)
        if (collection.tagDigests.contains(environment))
            present.append(environment);
    return present;
}

QJsonObject containerJson(const ContainerOfBuild& running) {
    const RunningContainer& container = running.container;
    return {{u"host"_s, running.host},       {u"name"_s, container.name},
            {u"id"_s, container.id},         {u"state"_s, container.state},
            {u"health"_s, container.health}, {u"started_at"_s, jsonTimeValue(container.startedAt)},
            {u"image"_s, container.image},   {u"digest"_s, running.digest},
            {u"version"_s, running.version}, {u"matched_by"_s, running.matchedBy}};
}

void report(const RunningSession& session) {
    const QList<EnvironmentRunning> report =
        runningByEnvironment(session.repository.repository(), session.collection,
                             session.environments, session.hosts, session.reads);
    if (session.invocation.json) {
        QJsonArray environments;
        for (const EnvironmentRunning& environment : report) {
            QJsonArray containers;
            for (const ContainerOfBuild& container : environment.containers)
                containers.append(containerJson(container));
            environments.append(QJsonObject{
                {u"environment"_s, environment.environment},
                {u"tag_digest"_s, environment.tagDigest},
                {u"hosts"_s,
                 QJsonArray::fromStringList(session.hosts.hostsOf(environment.environment))},
                {u"containers"_s, containers},
                {u"unreachable"_s, QJsonArray::fromStringList(environment.unreachable)},
                {u"drift"_s, QJsonArray::fromStringList(environment.drift)}});
        }
        printJson(QJsonObject{{u"repository"_s, session.repository.repository()},
                              {u"environments"_s, environments}});
        return;
    }
    QList<QStringList> rows;
    QStringList notes;
    for (const EnvironmentRunning& environment : report) {
        const QString& tagVersion = environment.tagVersion;
        if (environment.containers.isEmpty())
            rows.append({environment.environment, tagVersion, u"-"_s, u"(none running)"_s});
        for (const ContainerOfBuild& running : environment.containers)
            rows.append({environment.environment, tagVersion, running.host, running.container.name,
                         running.container.state,
                         running.container.health.isEmpty() ? u"-"_s : running.container.health,
                         shortTime(running.container.startedAt), running.version,
                         running.matchedBy});
        for (const QString& drift : environment.drift)
            notes.append(u"drift: "_s + drift);
        for (const QString& unreachable : environment.unreachable)
            notes.append(u"unreachable: "_s + unreachable);
    }
    printTable({u"ENVIRONMENT"_s, u"TAG"_s, u"HOST"_s, u"CONTAINER"_s, u"STATE"_s, u"HEALTH"_s,
                u"STARTED (UTC)"_s, u"RUNS"_s, u"MATCHED BY"_s},
               rows);
    notes.removeDuplicates();
    for (const QString& note : notes)
        printLine(note);
}

void readEngines(const std::shared_ptr<RunningSession>& session) {
    session->reader.read(session->hosts.allHosts(), qApp, [session](QList<EngineRead> reads) {
        session->reads = std::move(reads);
        report(*session);
        const bool anyAnswered =
            std::any_of(session->reads.cbegin(), session->reads.cend(),
                        [](const EngineRead& read) { return read.containers.ok(); });
        session->finish(anyAnswered ? ExitOk : ExitFailure);
    });
}

} // namespace

void runRunning(const Invocation& invocation, Finish finish) {
    const std::optional<ImageReference> repository = soleRepositoryArgument(invocation);
    if (!repository)
        return finish(ExitUsage);
    Result<EngineHosts> hosts =
        EngineHosts::parse(invocation.engineHosts, EngineHost::fromEnvironment());
    if (!hosts) {
        printError(u"--hosts: "_s + hosts.errorMessage());
        return finish(ExitUsage);
    }
    auto session = std::make_shared<RunningSession>();
    session->invocation = invocation;
    session->finish = std::move(finish);
    session->repository = *repository;
    session->hosts = std::move(hosts).value();
    RegistryClient* client = makeClient(repository->domain(), invocation);
    collectAndRecord(
        invocation, *repository, client, HistoryAccess::Read, session->finish,
        [session](const RecordedCollection& recorded) {
            for (const QString& warning : recorded.collection.warnings)
                printWarning(warning);
            session->collection = recorded.collection;
            session->environments = environmentsOf(session->invocation, session->collection);
            // A redeploy a killed berthctl left half-done is put right
            // before anyone reads what runs.
            settleRedeploysThen(session->invocation, [session] { readEngines(session); });
        });
}

} // namespace berth::ctl
