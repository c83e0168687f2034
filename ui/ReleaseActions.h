#pragma once

// The window's release verbs: "Promote to…" a build, "Roll back <env>", mark a build
// good or bad for an environment, and the audit log. It reads what the window shows
// (the timeline and its lanes) so a promotion expects the tag where the user saw it,
// opens the confirmation dialogs, and asks the window to refresh when a tag moved.

#include "core/Result.h"
#include "history/HistoryTypes.h"
#include "registry/RegistryOptions.h"
#include "release/Promoter.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <map>
#include <memory>

class QMenu;
class QWidget;

namespace berth {
class EngineClient;
class HistoryStore;
class RepositoryLoader;
class TimelineModel;
} // namespace berth

namespace berth::ui {

class AuditLogDialog;
class PromoteDialog;

class ReleaseActions : public QObject {
    Q_OBJECT
public:
    using OptionsSource = std::function<RegistryOptions(const QString& domain)>;

    // Dialogs open over `window`; the timeline and the loader's history are the window's.
    ReleaseActions(TimelineModel* timeline, RepositoryLoader* loader, QWidget* window);

    void setOptionsSource(OptionsSource source) { m_options = std::move(source); }
    // The git clone the commits gained and lost come from, asked when a dialog opens
    // (the link may change while the window is open); empty: none linked.
    void setGitCloneSource(std::function<QString()> source) { m_gitClone = std::move(source); }
    // Offers the engine transport in every registry's dialogs (berth --engine); a registry
    // whose options name no engine uses this one, as DOCKER_HOST spells it. Without it,
    // only registries with an engine of their own offer the engine transport.
    void setDefaultEngineHost(const QString& dockerHost) { m_defaultEngineHost = dockerHost; }
    // The engine that retags for the registry of `domain`; empty: no engine transport.
    QString engineHostFor(const QString& domain) const;

    // The repository's environment tags (its lanes) first, then the classifier's
    // default names it does not have yet.
    QStringList environmentChoices() const;
    // Where the window last saw `tag` ("" = the tag is not in the repository).
    QString displayedDigestOf(const QString& tag) const;

    // Each opens a confirmation (non-modal to the app, modal to the window) and returns
    // it, or returns nullptr after reporting why it cannot (through problem()).
    PromoteDialog* promote(const QString& digest, const QString& environment);
    PromoteDialog* rollback(const QString& environment);
    Status mark(const QString& digest, const QString& environment, VerdictKind verdict,
                const QString& reason = {});
    AuditLogDialog* showAuditLog();

    // Fills `menu` with "Promote to" and "Mark good/bad for" entries for one build.
    void fillBuildMenu(QMenu* menu, const QString& digest);
    void fillPromoteMenu(QMenu* menu, const QString& digest);

signals:
    // A release of `tag` ended (or was refused because the tag moved): the window reads again.
    // A release of `tag` ended; `digest` is where it was verified to point, empty when
    // it did not move (refused, failed, unknown).
    void tagMoved(const QString& tag, const QString& digest);
    void problem(const QString& message);     // something the user must read
    void information(const QString& message); // a quiet confirmation
    // No rollback target: the user should pick a build, then "Promote to <env>".
    void pickBuildRequested(const QString& environment);
    // A build was marked good or bad: views showing verdicts read them again.
    void verdictRecorded();

private:
    struct Target {
        QString domain;
        QString path;
    };
    std::optional<Target> currentTarget();
    PromoteDialog* openDialog(ActionKind kind, const QString& digest, const QString& environment);
    RetagFunction engineRetag(const QString& dockerHost, const RegistryOptions& options);

    TimelineModel* m_timeline;
    RepositoryLoader* m_loader;
    QWidget* m_window;
    OptionsSource m_options;
    std::function<QString()> m_gitClone;
    QString m_defaultEngineHost;
    // One client per engine address, shared with the retag functions handed out, so a
    // dialog still running at shutdown keeps its engine alive.
    std::map<QString, std::shared_ptr<EngineClient>> m_engines;
    QPointer<AuditLogDialog> m_auditLog;
};

} // namespace berth::ui
