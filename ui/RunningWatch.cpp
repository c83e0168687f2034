#include "RunningWatch.h"

#include "engine/EngineHost.h"
#include "engine/EngineReader.h"
#include "registry/ImageReference.h"
#include "release/RedeployRunner.h"
#include "timeline/RepositoryLoader.h"

using namespace Qt::StringLiterals;

namespace berth::ui {

RunningWatch::RunningWatch(OptionsSource options, const RepositoryLoader* loader, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_loader(loader) {
}

RunningWatch::~RunningWatch() = default;

void RunningWatch::read(const LoadedRepository& loaded) {
    m_loaded = loaded;
    if (m_settling)
        return; // the settlement under way reads the engines when it ends
    if (!m_settle)
        return readEngines();
    m_settling = true;
    RedeployRunner::settle(m_loader->historyLocation(), this,
                           [this](const RedeploySettlement& settlement) {
                               m_settling = false;
                               report(settlement);
                               readEngines();
                           });
}

void RunningWatch::readAgain() {
    if (m_loaded)
        read(*m_loaded);
}

void RunningWatch::clear() {
    m_loaded.reset();
}

void RunningWatch::report(const RedeploySettlement& settlement) {
    for (const QString& line : settlement.settled)
        emit information(line);
    for (const QString& line : settlement.inProgress)
        emit information(line);
    for (const QString& line : settlement.unsettled)
        emit warning(line);
    m_settle = !settlement.unsettled.isEmpty() || !settlement.inProgress.isEmpty();
}

void RunningWatch::readEngines() {
    if (!m_loaded)
        return;
    const LoadedRepository loaded = *m_loaded;
    const Result<ImageReference> reference = ImageReference::parse(loaded.repository);
    if (!reference)
        return;
    const QStringList configured =
        m_options ? m_options(reference->domain()).runningEngines : QStringList();
    const Result<EngineHosts> hosts = EngineHosts::parse(configured, EngineHost::fromEnvironment());
    if (!hosts) {
        emit warning(u"The engines set for %1 cannot be read: %2"_s.arg(reference->domain(),
                                                                        hosts.errorMessage()));
        return;
    }
    if (hosts->hasNoEngineHere())
        return;
    if (!m_engines)
        m_engines = std::make_unique<EngineReader>();
    QStringList environments;
    for (const EnvironmentLane& lane : loaded.lanes)
        environments.append(lane.tag);
    m_engines->read(hosts->allHosts(), this,
                    [this, loaded, environments, hosts = *hosts,
                     quiet = !hosts->namesEnvironments()](const QList<EngineRead>& reads) {
                        if (!m_loaded || m_loaded->repository != loaded.repository)
                            return;
                        QList<EnvironmentRunning> running = runningByEnvironment(
                            loaded.repository, loaded.collection, environments, hosts, reads);
                        // The default engine is nobody's promise: silent when it is down.
                        if (quiet)
                            for (EnvironmentRunning& environment : running)
                                environment.unreachable.clear();
                        emit runningRead(running);
                    });
}

} // namespace berth::ui
