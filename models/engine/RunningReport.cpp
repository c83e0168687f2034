#include "engine/RunningReport.h"

#include "board/ReleaseBoard.h"
#include "engine/EngineHost.h"

#include <QFile>
#include <QLocale>

using namespace Qt::StringLiterals;

namespace berth {

Result<EngineHosts> EngineHosts::parse(const QStringList& specs, const QString& defaultHost) {
    EngineHosts hosts;
    hosts.m_defaultHost = defaultHost;
    for (const QString& spec : specs) {
        const qsizetype equals = spec.indexOf(u'=');
        const QString environment = spec.left(equals).trimmed();
        if (equals <= 0 || environment.isEmpty())
            return Error::make(
                u"\"%1\" names no environment: engines are given as "
                u"production=unix:///var/run/docker.sock,tcp://prod-2:2376"_s.arg(spec));
        for (const QString& host : spec.mid(equals + 1).split(u',')) {
            const QString trimmed = host.trimmed();
            if (const Result<EngineHost> parsed = EngineHost::parse(trimmed); !parsed)
                return Error::make(u"%1: %2"_s.arg(environment, parsed.errorMessage()));
            if (!hosts.m_byEnvironment[environment].contains(trimmed))
                hosts.m_byEnvironment[environment].append(trimmed);
        }
    }
    return hosts;
}

QStringList EngineHosts::hostsOf(const QString& environment) const {
    if (m_byEnvironment.isEmpty())
        return {m_defaultHost};
    return m_byEnvironment.value(environment);
}

QStringList EngineHosts::allHosts() const {
    if (m_byEnvironment.isEmpty())
        return {m_defaultHost};
    QStringList hosts;
    for (const QStringList& named : m_byEnvironment)
        for (const QString& host : named)
            if (!hosts.contains(host))
                hosts.append(host);
    return hosts;
}

bool EngineHosts::hasNoEngineHere() const {
    if (namesEnvironments())
        return false;
    const Result<EngineHost> local = EngineHost::parse(m_defaultHost);
    return !local || (!local->socketPath().isEmpty() && !QFile::exists(local->socketPath()));
}

namespace {

const Build* buildOf(const BuildCollection& collection, const QString& digest) {
    for (const Build& build : collection.builds)
        if (build.digest == digest)
            return &build;
    return nullptr;
}

QString driftSentence(const QString& environment, const QString& tagVersion,
                      const ContainerOfBuild& running) {
    QString sentence = u"%1 → %2, %3 on %4 still runs %5"_s.arg(
        environment, tagVersion, running.container.name, running.host, running.version);
    if (running.container.state != u"running"_s)
        sentence += u" (%1)"_s.arg(running.container.state);
    else if (running.container.startedAt.isValid())
        sentence +=
            u" (since %1)"_s.arg(QLocale::c().toString(running.container.startedAt, u"d MMM"_s));
    return sentence;
}

} // namespace

QList<EnvironmentRunning> runningByEnvironment(const QString& repository,
                                               const BuildCollection& collection,
                                               const QStringList& environments,
                                               const EngineHosts& hosts,
                                               const QList<EngineRead>& reads) {
    QList<EnvironmentRunning> report;
    for (const QString& environment : environments) {
        EnvironmentRunning running;
        running.environment = environment;
        running.tagDigest = collection.tagDigests.value(environment);
        running.tagVersion =
            buildVersionName(buildOf(collection, running.tagDigest), running.tagDigest);
        for (const QString& host : hosts.hostsOf(environment)) {
            const auto read = std::find_if(reads.cbegin(), reads.cend(),
                                           [&host](const EngineRead& r) { return r.host == host; });
            if (read == reads.cend())
                continue;
            if (!read->containers) {
                running.unreachable.append(u"%1: %2"_s.arg(host, read->containers.errorMessage()));
                continue;
            }
            const QList<ContainerOfBuild> found =
                containersOfRepository(host, *read->containers, repository, collection.builds);
            for (const ContainerOfBuild& container : found) {
                running.containers.append(container);
                if (!running.tagDigest.isEmpty() && container.digest != running.tagDigest)
                    running.drift.append(driftSentence(environment, running.tagVersion, container));
            }
        }
        report.append(running);
    }
    return report;
}

} // namespace berth
