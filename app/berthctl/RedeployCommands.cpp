#include "RedeployCommands.h"

#include "HistoryCommands.h"

#include "board/ReleaseBoard.h"
#include "engine/RunningReport.h"
#include "release/RedeployRunner.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

using namespace Qt::StringLiterals;

namespace berth::ctl {

namespace {

QString endingName(ContainerRedeployOutcome::Ending ending) {
    switch (ending) {
    case ContainerRedeployOutcome::Ending::Replaced:
        return u"replaced"_s;
    case ContainerRedeployOutcome::Ending::Untouched:
        return u"untouched"_s;
    case ContainerRedeployOutcome::Ending::Restored:
        return u"restored"_s;
    case ContainerRedeployOutcome::Ending::Broken:
        return u"broken"_s;
    }
    return {};
}

void printSettlement(const RedeploySettlement& settlement) {
    for (const QString& line : settlement.settled)
        printWarning(line);
    for (const QString& line : settlement.unsettled)
        printWarning(line);
    for (const QString& line : settlement.inProgress)
        printWarning(line);
}

void printRun(const Invocation& invocation, const RedeployRequest& request,
              const RedeployRun& run) {
    const RedeployReport& report = run.report;
    if (!invocation.json) {
        printSettlement(run.settlement);
        for (const QString& line : report.lines())
            printLine(line);
        printLine(report.summary(request));
        return;
    }
    QJsonArray containers;
    for (const RedeployedContainer& each : report.containers)
        containers.append(QJsonObject{{u"host"_s, each.host},
                                      {u"container"_s, each.container},
                                      {u"from_version"_s, each.fromVersion},
                                      {u"ending"_s, endingName(each.outcome.ending)},
                                      {u"message"_s, each.outcome.message}});
    printJson(QJsonObject{{u"repository"_s, request.repository()},
                          {u"environment"_s, request.environment},
                          {u"digest"_s, request.digest},
                          {u"version"_s, request.version},
                          {u"succeeded"_s, report.succeeded()},
                          {u"containers"_s, containers},
                          {u"unchanged"_s, QJsonArray::fromStringList(report.unchanged)},
                          {u"problems"_s, QJsonArray::fromStringList(report.problems)},
                          {u"settled"_s, QJsonArray::fromStringList(run.settlement.settled)},
                          {u"unsettled"_s, QJsonArray::fromStringList(run.settlement.unsettled +
                                                                      run.settlement.inProgress)}});
}

RedeploySettings settingsOf(const Invocation& invocation) {
    RedeploySettings settings;
    settings.stayRunningSeconds = invocation.stayRunningSeconds;
    settings.healthTimeoutSeconds = invocation.healthTimeoutSeconds;
    settings.stopTimeoutSeconds = invocation.stopTimeoutSeconds;
    return settings;
}

} // namespace

void redeployEnvironment(const Invocation& invocation, const ImageReference& repository,
                         const QString& environment, Finish finish) {
    Result<EngineHosts> hosts =
        EngineHosts::parse(invocation.engineHosts, EngineHost::fromEnvironment());
    if (!hosts) {
        printError(u"--hosts: "_s + hosts.errorMessage());
        return finish(ExitUsage);
    }
    RegistryClient* client = makeClient(repository.domain(), invocation);
    collectAndRecord(
        invocation, repository, client, HistoryAccess::Read, finish,
        [invocation, repository, environment, hosts = hosts.value(),
         finish](const RecordedCollection& recorded) {
            const BuildCollection& collection = recorded.collection;
            const QString digest = collection.tagDigests.value(environment);
            if (digest.isEmpty()) {
                printError(u"%1 has no tag %2: there is no build to redeploy."_s.arg(
                    repository.repository(), environment));
                return finish(ExitFailure);
            }
            RedeployRequest request;
            request.registry = repository.domain();
            request.repositoryPath = repository.path();
            request.environment = environment;
            request.digest = digest;
            request.builds = collection.builds;
            const auto build =
                std::find_if(collection.builds.cbegin(), collection.builds.cend(),
                             [&digest](const Build& each) { return each.digest == digest; });
            request.version =
                buildVersionName(build == collection.builds.cend() ? nullptr : &*build, digest);
            request.hosts = hosts.hostsOf(environment);
            request.settings = settingsOf(invocation);
            request.reason = invocation.reason;
            request.historyLocation = invocation.database;
            if (!invocation.json)
                printLine(u"Redeploying %1 (%2) on %3: %4"_s.arg(environment, request.version,
                                                                 request.repository(),
                                                                 request.hosts.join(u", "_s)));
            RedeployRunner::start(
                request, invocation.registry.dockerConfigDir, qApp,
                [](const QString& line) { QTextStream(stderr) << "  " << line << Qt::endl; },
                [invocation, request, finish](const RedeployRun& run) {
                    printRun(invocation, request, run);
                    finish(run.report.succeeded() ? ExitOk : ExitFailure);
                });
        });
}

void runRedeploy(const Invocation& invocation, Finish finish) {
    if (invocation.arguments.size() != 2) {
        printError(u"redeploy needs <repository> <environment tag>."_s);
        return finish(ExitUsage);
    }
    const std::optional<ImageReference> repository =
        parseRepository(invocation.command, invocation.arguments[0]);
    if (!repository)
        return finish(ExitUsage);
    redeployEnvironment(invocation, *repository, invocation.arguments[1], std::move(finish));
}

void settleRedeploysThen(const Invocation& invocation, std::function<void()> then) {
    RedeployRunner::settle(invocation.database, qApp,
                           [then = std::move(then)](const RedeploySettlement& settlement) {
                               printSettlement(settlement);
                               then();
                           });
}

} // namespace berth::ctl
