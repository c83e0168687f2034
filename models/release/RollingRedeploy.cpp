#include "release/RollingRedeploy.h"

#include "engine/RunningContainers.h"
#include "history/HistoryStore.h"

using namespace Qt::StringLiterals;

namespace berth {

namespace {

// The history's redeploy log, as the journal of one container's steps.
class HistoryJournal : public RedeployJournal {
public:
    HistoryJournal(HistoryStore& store, RedeployStep base)
        : m_store(store)
        , m_base(std::move(base)) {}

    Result<qint64> begin(const QString& container, const QString& step) override {
        RedeployStep row = m_base;
        row.container = container;
        row.step = step;
        return m_store.beginRedeployStep(row);
    }

    void finish(qint64 id, bool succeeded, const QString& result) override {
        const Status written = m_store.finishRedeployStep(
            id, succeeded ? ActionState::Succeeded : ActionState::Failed, result);
        if (!written)
            problems.append(written.errorMessage());
    }

    QStringList problems; // finishes that could not be written: those rows stay pending

private:
    HistoryStore& m_store;
    RedeployStep m_base;
};

const std::shared_ptr<const std::atomic_bool> kNeverCancelled =
    std::make_shared<const std::atomic_bool>(false);

} // namespace

bool RedeployReport::succeeded() const {
    return problems.isEmpty() && !stopped &&
           std::all_of(containers.cbegin(), containers.cend(),
                       [](const RedeployedContainer& each) { return each.outcome.succeeded(); });
}

QStringList RedeployReport::lines() const {
    QStringList lines;
    for (const RedeployedContainer& each : containers) {
        const char* verdict = "";
        switch (each.outcome.ending) {
        case ContainerRedeployOutcome::Ending::Replaced:
            verdict = "redeployed";
            break;
        case ContainerRedeployOutcome::Ending::Untouched:
            verdict = "not redeployed, left as it was";
            break;
        case ContainerRedeployOutcome::Ending::Restored:
            verdict = "failed, old container restored";
            break;
        case ContainerRedeployOutcome::Ending::Broken:
            verdict = "FAILED, needs a hand";
            break;
        }
        lines.append(u"%1: %2 (was %3): %4. %5"_s.arg(each.host, each.container, each.fromVersion,
                                                      QString::fromLatin1(verdict),
                                                      each.outcome.message));
    }
    lines += unchanged;
    lines += problems;
    return lines;
}

QString RedeployReport::summary(const RedeployRequest& request) const {
    if (!succeeded())
        return u"The redeploy of %1 to %2 did not complete; see above."_s.arg(request.environment,
                                                                              request.version);
    if (!foundAny)
        return u"No container of %1 runs on the engines of %2 (%3): nothing was redeployed."_s.arg(
            request.repository(), request.environment, request.hosts.join(u", "_s));
    return u"%1 runs %2 on every engine of %3."_s.arg(request.repository(), request.version,
                                                      request.environment);
}

namespace {

// The report of a redeploy that stops here, saying why; what follows is left as it was.
RedeployReport stoppedWith(RedeployReport report, const QString& why) {
    report.problems.append(why);
    report.stopped = true;
    return report;
}

} // namespace

RedeployReport runRollingRedeploy(const RedeployRequest& request,
                                  const std::function<void(const QString&)>& progress,
                                  const std::atomic_bool& cancelled) {
    RedeployReport report;
    HistoryStore store;
    if (const Status opened = store.open(request.historyLocation); !opened) {
        return stoppedWith(
            std::move(report),
            u"Nothing was redeployed: the history, where every step is "
            u"recorded first, could not be opened (%1)"_s.arg(opened.errorMessage()));
    }
    for (const QString& host : request.hosts) {
        if (cancelled.load())
            return stoppedWith(std::move(report),
                               u"Cancelled before %1; it was left as it was."_s.arg(host));
        if (progress)
            progress(u"%1: reading its containers"_s.arg(host));
        EngineConnection connection(makeEngineSession(host), kNeverCancelled);
        const Result<QList<RunningContainer>> containers = readContainers(connection);
        if (!containers)
            return stoppedWith(std::move(report),
                               u"%1: not redeployed, the engine could not be read: %2"_s.arg(
                                   host, containers.errorMessage()));
        const QList<ContainerOfBuild> mine =
            containersOfRepository(host, containers.value(), request.repository(), request.builds);
        bool anyRunning = false;
        for (const ContainerOfBuild& running : mine) {
            if (running.container.state != u"running"_s)
                continue;
            anyRunning = true;
            report.foundAny = true;
            if (running.digest == request.digest) {
                report.unchanged.append(u"%1: %2 already runs %3."_s.arg(
                    host, running.container.name, request.version));
                continue;
            }
            if (cancelled.load())
                return stoppedWith(std::move(report),
                                   u"Cancelled before %1 on %2; it was left as it was."_s.arg(
                                       running.container.name, host));
            RedeployStep base;
            base.registry = request.registry;
            base.repository = request.repositoryPath;
            base.environment = request.environment;
            base.engineHost = host;
            base.fromDigest = running.digest;
            base.toDigest = request.digest;
            base.reason = request.reason;
            HistoryJournal journal(store, base);
            ContainerRedeploy redeploy(connection, journal, request.settings,
                                       [&](const QString& line) {
                                           if (progress)
                                               progress(host + u": "_s + line);
                                       });
            RedeployedContainer done{host, running.container.name, running.version,
                                     redeploy.run(running.container.name, request.repository(),
                                                  request.digest, request.credentials)};
            report.containers.append(done);
            report.problems += journal.problems;
            if (!done.outcome.succeeded()) {
                report.stopped = true;
                return report;
            }
        }
        if (!anyRunning)
            report.unchanged.append(
                u"%1: no container of %2 runs there."_s.arg(host, request.repository()));
    }
    return report;
}

} // namespace berth
