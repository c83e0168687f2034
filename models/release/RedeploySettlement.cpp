#include "release/RedeploySettlement.h"

#include "engine/ContainerRedeploy.h"
#include "history/HistoryStore.h"

#include <QCoreApplication>
#include <QSysInfo>

#include <cerrno>
#include <csignal>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

// Settlement asks the engine only; nothing it does is a step of a new redeploy.
class NoJournal : public RedeployJournal {
public:
    Result<qint64> begin(const QString&, const QString&) override { return qint64(0); }
    void finish(qint64, bool, const QString&) override {}
};

QString byHand(const RedeployStep& step) {
    const QString kept = ContainerRedeploy::keptName(step.container);
    return u"if %1 exists there: `docker rm -f %2 && docker rename %1 %2 && docker start %2`"_s.arg(
        kept, step.container);
}

} // namespace

bool redeployProcessIsGone(const RedeployStep& step) {
    if (step.host != QSysInfo::machineHostName() || step.processId <= 0)
        return false;
    if (step.processId == QCoreApplication::applicationPid())
        return false; // this very process is doing it
    return ::kill(static_cast<pid_t>(step.processId), 0) != 0 && errno == ESRCH;
}

namespace {

bool succeeded(const QList<RedeployStep>& steps, const QString& name) {
    return std::any_of(steps.cbegin(), steps.cend(), [&name](const RedeployStep& step) {
        return step.step == name && step.state == ActionState::Succeeded;
    });
}

// Removes the kept old container once the new one had proven itself.
Status removeKept(EngineConnection& connection, const QString& container) {
    const QString kept = ContainerRedeploy::keptName(container);
    QUrlQuery force;
    force.addQueryItem(u"force"_s, u"1"_s);
    const Status removed =
        connection.remove(u"/containers/%1"_s.arg(EngineConnection::pathSegment(kept)), force,
                          u"removing container %1"_s.arg(kept));
    if (!removed && removed.error().httpStatus == 404)
        return success(); // already gone
    return removed;
}

} // namespace

RedeploySettlement settleInterruptedRedeploys(HistoryStore& store, const QDateTime& now,
                                              qint64 graceMs) {
    RedeploySettlement settlement;
    const Result<QList<RedeployStep>> pending = store.pendingRedeploySteps();
    if (!pending) {
        settlement.unsettled.append(pending.errorMessage());
        return settlement;
    }
    const auto neverCancelled = std::make_shared<const std::atomic_bool>(false);
    for (const RedeployStep& redeploy : pending.value()) {
        if (redeploy.step != kWholeRedeployStep)
            continue; // a step in flight: settled with its redeploy
        const Result<QList<RedeployStep>> taken = store.stepsOfRedeploy(redeploy);
        if (!taken) {
            // Without its steps, nobody can tell whether to put back or finish.
            settlement.unsettled.append(
                u"The redeploy of %1 on %2 (log row %3) cannot be "
                u"settled: %4"_s.arg(redeploy.container, redeploy.engineHost,
                                     QString::number(redeploy.id), taken.errorMessage()));
            continue;
        }
        const QList<RedeployStep>& steps = taken.value();
        const QString lastStep = steps.isEmpty() ? u"before its first step"_s
                                                 : u"at step \"%1\""_s.arg(steps.last().step);
        const QString subject = u"The redeploy of %1 on %2 to %3 (log row %4), stopped %5,"_s.arg(
            redeploy.container, redeploy.engineHost, redeploy.toDigest.left(19),
            QString::number(redeploy.id), lastStep);
        const bool abandoned =
            redeployProcessIsGone(redeploy) || redeploy.time.msecsTo(now) > graceMs;
        if (!abandoned) {
            settlement.inProgress.append(u"%1 is still being done by %2 on %3."_s.arg(
                subject, redeploy.user, redeploy.host));
            continue;
        }
        EngineConnection connection(makeEngineSession(redeploy.engineHost), neverCancelled);
        NoJournal journal;
        ContainerRedeploy containers(connection, journal, RedeploySettings{}, {});
        // Once the new container had proven itself the redeploy had happened; only the
        // old one's removal may be left. Before that, the old container goes back.
        const bool proven = succeeded(steps, u"wait"_s);
        const Status put = proven ? removeKept(connection, redeploy.container)
                                  : containers.restore(redeploy.container);
        if (!put) {
            settlement.unsettled.append(
                proven ? u"%1 had replaced the container, but %2 could not be removed: %3"_s.arg(
                             subject, ContainerRedeploy::keptName(redeploy.container),
                             put.errorMessage())
                       : u"%1 could not be put back: %2. By hand, on %3: %4."_s.arg(
                             subject, put.errorMessage(), redeploy.engineHost, byHand(redeploy)));
            continue;
        }
        const QString result =
            proven ? u"interrupted %1 after the new container had proven itself; when Berth "
                     u"started again it removed the old one"_s.arg(lastStep)
                   : u"interrupted %1; when Berth started again it put the old container back, "
                     u"running"_s.arg(lastStep);
        for (const RedeployStep& step : steps)
            if (step.state == ActionState::Pending)
                store.finishRedeployStep(step.id, ActionState::Failed,
                                         u"interrupted: Berth stopped during this step"_s);
        const Status finished = store.finishRedeployStep(
            redeploy.id, proven ? ActionState::Succeeded : ActionState::Failed, result);
        if (!finished) {
            settlement.unsettled.append(subject + u" "_s + finished.errorMessage());
            continue;
        }
        settlement.settled.append(u"%1 was settled: %2."_s.arg(subject, result));
    }
    return settlement;
}

} // namespace berth
