#pragma once

// The window's release verbs: "Promote to…" a build, "Roll back <env>" (and "roll back
// and mark this build bad"), mark a build good or bad for an environment, and the audit
// log. It reads what the window shows (the timeline and its lanes) into a release plan
// (models/release/ReleasePlanner) so a promotion expects the tag where the user saw it,
// opens the confirmation dialogs, and asks the window to refresh when a tag moved.
//
// Every action is bound to the repository it was planned for: a menu filled for one
// repository acts on it even if the window has switched since, and nothing acts while
// the window shows a repository other than the one it was asked to load (a load that
// failed or is still running).

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
class PolicySource;
class RepositoryLoader;
class TimelineModel;
} // namespace berth

namespace berth::ui {

class AuditLogDialog;
class PromoteDialog;
class RedeployOption;

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

    // The repository's environment tags (its lanes) first, then the names set by
    // setPolicyEnvironments and those the policy orders that it does not have yet. A repository
    // with neither is offered the classifier's names, so its first environment can be created.
    QStringList environmentChoices() const;
    // The tag policy promotions follow (its environment names and stage order); without
    // one, or until it is read, the built-in defaults.
    void setPolicySource(PolicySource* source);
    // Environments a policy declares, offered even before the repository has them.
    void setPolicyEnvironments(const QStringList& names) { m_policyEnvironments = names; }
    // Where the window last saw `tag` ("" = the tag is not in the repository).
    QString displayedDigestOf(const QString& tag) const;

    // Each opens a confirmation (non-modal to the app, modal to the window) and returns
    // it, or returns nullptr after reporting why it cannot (through problem()).
    PromoteDialog* promote(const QString& digest, const QString& environment);
    PromoteDialog* rollback(const QString& environment);
    // The same rollback with "mark the build being left bad" ticked: one action for
    // on-call (the verdict is stored first and stays if the rollback fails).
    PromoteDialog* rollbackAndMarkBad(const QString& environment);
    // Refuses at once what cannot be marked; otherwise stores the verdict where the history
    // lives and then says so through information() and verdictRecorded(), or problem().
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
    // A redeploy after a release ended: the running lines are read again.
    void redeployFinished();

private:
    // The repository an action was planned for.
    struct Target {
        QString repository; // host/path, as the timeline names it
        QString domain;
        QString path;
    };
    // What the window shows now, or nothing (after saying why) when it shows no
    // repository or not the one it was asked to load.
    std::optional<Target> currentTarget();
    // Whether the window still shows `target` (its builds and lanes describe it).
    bool shows(const Target& target) const;
    PromoteDialog* openDialog(const Target& target, ActionKind kind, const QString& source,
                              const QString& environment, bool markBad);
    PromoteDialog* rollbackIn(const Target& target, const QString& environment, bool markBad);
    Status markIn(const Target& target, const QString& digest, const QString& environment,
                  VerdictKind verdict, const QString& reason);
    // "Then redeploy" for `environment`, when engines run it here; nullptr otherwise.
    RedeployOption* redeployOption(const Target& target, const QString& environment,
                                   const RegistryOptions& options, QWidget* parent) const;
    RetagFunction engineRetag(const QString& dockerHost, const RegistryOptions& options);

    TimelineModel* m_timeline;
    RepositoryLoader* m_loader;
    QWidget* m_window;
    OptionsSource m_options;
    std::function<QString()> m_gitClone;
    QString m_defaultEngineHost;
    QStringList m_policyEnvironments;
    QPointer<PolicySource> m_policy;
    // One client per engine address, shared with the retag functions handed out, so a
    // dialog still running at shutdown keeps its engine alive.
    std::map<QString, std::shared_ptr<EngineClient>> m_engines;
    QPointer<AuditLogDialog> m_auditLog;
};

} // namespace berth::ui
