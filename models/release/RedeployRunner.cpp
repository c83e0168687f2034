#include "release/RedeployRunner.h"

#include "core/WhenFinished.h"
#include "history/HistoryStore.h"
#include "registry/DockerCredentials.h"

#include <QPointer>
#include <QtConcurrent>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

RedeploySettlement settleIn(const QString& historyLocation) {
    HistoryStore store;
    if (const Status opened = store.open(historyLocation); !opened)
        return RedeploySettlement{{}, {opened.errorMessage()}, {}};
    return settleInterruptedRedeploys(store);
}

} // namespace

std::shared_ptr<std::atomic_bool>
RedeployRunner::start(RedeployRequest request, QString dockerConfigDir, QObject* context,
                      std::function<void(const QString&)> progress,
                      std::function<void(const RedeployRun&)> done) {
    auto cancelled = std::make_shared<std::atomic_bool>(false);
    const QPointer<QObject> receiver(context);
    const auto relay = [receiver, progress = std::move(progress)](const QString& line) {
        if (!progress || !receiver)
            return;
        QMetaObject::invokeMethod(
            receiver.data(),
            [receiver, progress, line] {
                if (receiver)
                    progress(line);
            },
            Qt::QueuedConnection);
    };
    whenFinished(context,
                 QtConcurrent::run([request = std::move(request),
                                    dockerConfigDir = std::move(dockerConfigDir), relay,
                                    cancelled]() mutable {
                     RedeployRun run;
                     run.settlement = settleIn(request.historyLocation);
                     const auto credentials =
                         DockerCredentials(dockerConfigDir).lookup(request.registry);
                     if (!credentials) {
                         run.report.problems.append(
                             u"Nothing was redeployed: the credentials for %1 could not be "
                             u"read (%2)"_s.arg(request.registry, credentials.errorMessage()));
                         run.report.stopped = true;
                         return run;
                     }
                     request.credentials = credentials.value();
                     run.report = runRollingRedeploy(request, relay, *cancelled);
                     return run;
                 }),
                 std::move(done));
    return cancelled;
}

void RedeployRunner::settle(QString historyLocation, QObject* context,
                            std::function<void(const RedeploySettlement&)> done) {
    whenFinished(context, QtConcurrent::run([historyLocation = std::move(historyLocation)] {
                     return settleIn(historyLocation);
                 }),
                 std::move(done));
}

} // namespace berth
