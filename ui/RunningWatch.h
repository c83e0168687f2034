#pragma once

// What the shown repository's containers run, for the window. After each read of the
// repository from its registry it reads the engines that run its environments (the
// registry's options name them, else $DOCKER_HOST when that engine is here) and hands
// each lane its running line. Before the first read, and again while one is left, it
// settles the redeploys a Berth that died left in the middle (models/release/
// RedeploySettlement), so the lanes never show a half-done one; what it put right and
// what it could not (with the commands to do it by hand) go to the banner.

#include "engine/RunningReport.h"
#include "registry/RegistryOptions.h"
#include "timeline/LoadedRepository.h"

#include <QObject>

#include <functional>
#include <memory>
#include <optional>

namespace berth {
class EngineReader;
struct RedeploySettlement;
class RepositoryLoader;
} // namespace berth

namespace berth::ui {

class RunningWatch : public QObject {
    Q_OBJECT
public:
    using OptionsSource = std::function<RegistryOptions(const QString& domain)>;

    // The history (for the settlement) is the loader's.
    RunningWatch(OptionsSource options, const RepositoryLoader* loader, QObject* parent);
    ~RunningWatch() override;

    // Reads what runs for `loaded`; an answer for a repository read since is dropped.
    void read(const LoadedRepository& loaded);
    // Reads the last repository's engines again, e.g. once a redeploy ended.
    void readAgain();
    // Forgets the repository: a late answer draws nothing.
    void clear();

signals:
    void runningRead(const QList<EnvironmentRunning>& running);
    void warning(const QString& text);
    void information(const QString& text);

private:
    void readEngines();
    void report(const RedeploySettlement& settlement);

    OptionsSource m_options;
    const RepositoryLoader* m_loader;
    std::unique_ptr<EngineReader> m_engines;
    std::optional<LoadedRepository> m_loaded;
    // Whether a settlement must run before the next read: at first, and while an earlier
    // one left a redeploy pending.
    bool m_settle = true;
    bool m_settling = false;
};

} // namespace berth::ui
