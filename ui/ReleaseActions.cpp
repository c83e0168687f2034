#include "ReleaseActions.h"

#include "AuditLogDialog.h"
#include "PromoteDialog.h"
#include "RedeployOption.h"

#include "engine/EngineClient.h"
#include "engine/EngineHost.h"
#include "engine/RunningReport.h"
#include "history/HistoryAccess.h"
#include "history/HistoryStore.h"
#include "policy/PolicySource.h"
#include "registry/ImageReference.h"
#include "registry/RegistryClient.h"
#include "release/EngineTransport.h"
#include "release/ReleasePlanner.h"
#include "release/StageOrderCheck.h"
#include "release/VerdictRecorder.h"
#include "signing/SignatureReader.h"
#include "timeline/RepositoryLoader.h"
#include "timeline/TimelineModel.h"

#include <QMenu>
#include <QPointer>
#include <QWidget>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace berth::ui {

namespace {

// A version says more to a person than a digest.
QString buildName(const TimelineModel* timeline, const QString& digest) {
    if (const Build* build = timeline->buildAt(timeline->rowOfDigest(digest))) {
        for (const ClassifiedTag& tag : build->tags) {
            if (tag.kind == TagKind::ExactSemver)
                return tag.name;
        }
    }
    return shortDigestOf(digest);
}

} // namespace

ReleaseActions::ReleaseActions(TimelineModel* timeline, RepositoryLoader* loader, QWidget* window)
    : QObject(window)
    , m_timeline(timeline)
    , m_loader(loader)
    , m_window(window) {
}

void ReleaseActions::setPolicySource(PolicySource* source) {
    m_policy = source;
}

QStringList ReleaseActions::environmentChoices() const {
    QStringList tags;
    for (const EnvironmentLane& lane : m_timeline->lanes())
        tags.append(lane.tag);
    for (const Build& build : m_timeline->builds()) {
        for (const ClassifiedTag& tag : build.tags) {
            if (tag.kind == TagKind::Environment)
                tags.append(tag.name);
        }
    }
    QStringList declared = m_policyEnvironments;
    // A policy declares environments only by ordering them; the defaults' names are the
    // classifier's, offered below only to a repository with none.
    if (m_policy && m_policy->policy().promotionOrdered)
        declared += m_policy->policy().environments;
    QStringList choices = berth::environmentChoices(tags, declared);
    if (choices.isEmpty())
        choices = TagClassifier().environmentNames();
    return choices;
}

QString ReleaseActions::displayedDigestOf(const QString& tag) const {
    for (const Build& build : m_timeline->builds()) {
        for (const ClassifiedTag& candidate : build.tags) {
            if (candidate.name == tag)
                return build.digest;
        }
    }
    return {};
}

std::optional<ReleaseActions::Target> ReleaseActions::currentTarget() {
    const QString shown = m_timeline->repository();
    const QString asked = m_loader->repository();
    const Result<ImageReference> reference = ImageReference::parse(shown);
    if (shown.isEmpty() || !reference) {
        // Switching repositories empties the timeline at once: until the new one loads,
        // there is nothing to act on.
        emit problem(asked.isEmpty()
                         ? u"Open a repository first."_s
                         : u"%1 %2, so there is no build to act on; nothing was changed."_s.arg(
                               asked, m_loader->isLoading() ? u"is still loading"_s
                                                            : u"could not be read"_s));
        return std::nullopt;
    }
    // After a failed (or unfinished) load of another repository the timeline still
    // describes the previous one; acting on it would move the wrong repository's tags.
    if (!asked.isEmpty() && asked != shown) {
        emit problem(
            u"The window still shows %1 while %2 %3; nothing was changed. Open %2 "
            u"again (F5) or go back to %1 first."_s.arg(
                shown, asked, m_loader->isLoading() ? u"is loading"_s : u"could not be read"_s));
        return std::nullopt;
    }
    return Target{shown, reference->domain(), reference->path()};
}

bool ReleaseActions::shows(const Target& target) const {
    return m_timeline->repository() == target.repository &&
           (m_loader->repository().isEmpty() || m_loader->repository() == target.repository);
}

PromoteDialog* ReleaseActions::openDialog(const Target& target, ActionKind kind,
                                          const QString& source, const QString& environment,
                                          bool markBad) {
    const QString verb = kind == ActionKind::Rollback ? u"Rolling back"_s : u"Promoting to"_s;
    if (!shows(target)) {
        // The plan describes what the window shows; the window moved on since this
        // action was offered, so it is not planned against another repository's builds.
        emit problem(u"%1 %2 was asked for %3, which the window no longer shows; nothing was "
                     u"changed."_s.arg(verb, environment, target.repository));
        return nullptr;
    }
    // Planned from what the window's last read of the history found, so opening the
    // dialog never waits on the database; the promoter checks the registry again anyway.
    HistoryAccess* history = m_loader->history();
    const std::optional<RollbackFacts> facts = m_loader->historyFacts(environment);
    if (!history || !facts) {
        emit problem(
            kind == ActionKind::Rollback
                ? u"Rolling back needs Berth's history of %1, and the history database is "
                  u"not available. Pick a build on the timeline and promote it to %1."_s.arg(
                      environment)
                : u"Moving %1 needs the history database, where every promote and rollback "
                  u"is audited; it is not available, so nothing was changed."_s.arg(environment));
        if (kind == ActionKind::Rollback)
            emit pickBuildRequested(environment);
        return nullptr;
    }
    ReleaseRequest request;
    request.kind = kind;
    request.registry = target.domain;
    request.repository = target.path;
    request.source = source;
    request.tag = environment;
    // The compare-before-swap checks the tag against what this window showed.
    const QString shown = displayedDigestOf(environment);
    // A policy not read yet or that cannot be read may gate environments on signatures or
    // an order: a promotion waits until it reads, as berthctl's does; going back is never
    // blocked.
    if (kind == ActionKind::Promote && m_policy && !m_policy->answersForClone()) {
        emit problem(u"Promoting to %1 waits until the linked clone's tag policy is read; "
                     u"try again in a moment. Nothing was changed."_s.arg(environment));
        return nullptr;
    }
    if (kind == ActionKind::Promote && m_policy && !m_policy->problem().isEmpty()) {
        emit problem(u"Promoting to %1 waits until the linked clone's tag policy can be read, "
                     u"since it may gate %1: %2 Nothing was changed."_s.arg(environment,
                                                                            m_policy->problem()));
        return nullptr;
    }
    const TagPolicy policy =
        m_policy ? m_policy->policy() : TagPolicy::defaults(u"built-in defaults"_s);
    const ReleasePlan plan =
        plannerFor(policy, kind).plan({request, shown, m_timeline->builds(), {}}, *facts);
    if (plan.refused()) {
        const bool noTarget =
            std::any_of(plan.refusals.cbegin(), plan.refusals.cend(),
                        [](const PlanNote& note) { return note.code == kNoRollbackTargetNote; });
        if (noTarget) {
            emit problem(u"%1 Pick a build on the timeline, then use Promote to → %2."_s.arg(
                plan.refusalText(), environment));
            emit pickBuildRequested(environment);
        } else {
            emit problem(plan.refusalText() + u" Nothing was changed."_s);
        }
        return nullptr;
    }
    request.source = plan.to.digest;
    request.expectedCurrent = shown;
    // A gate whose committed key is unusable cannot verify anything: a promotion it covers
    // stops here; a rollback goes ahead, since going back is never blocked.
    const Result<SignatureGate> gate = signatureGate(policy, {});
    if (!gate && policy.signaturesRequired.contains(environment)) {
        if (kind == ActionKind::Promote) {
            emit problem(gate.errorMessage() + u" Nothing was changed."_s);
            return nullptr;
        }
        emit problem(gate.errorMessage() + u" The rollback goes ahead unchecked."_s);
    }

    auto* dialog = new PromoteDialog(request, plan, m_window);
    // The client and the promoter live as long as the dialog, which cannot close mid-run.
    const RegistryOptions options = m_options ? m_options(target.domain) : RegistryOptions{};
    auto* client = new RegistryClient(target.domain, options, dialog);
    auto* promoter = new Promoter(client, history, releaseClassifier(policy, kind), dialog);
    if (const QString engineHost = engineHostFor(target.domain); !engineHost.isEmpty()) {
        promoter->setEngineRetag(engineRetag(engineHost, options));
        dialog->setEngineAvailable(true);
    }
    dialog->setPromoter(promoter);
    dialog->setGitClone(m_gitClone ? m_gitClone() : QString());
    if (gate && gate->gates(environment))
        dialog->checkSignatures(gate.value(),
                                new SignatureReader(client, target.domain, gate->trust, dialog));
    QPointer<RepositoryLoader> loader(m_loader);
    dialog->offerMarkBad(
        [loader](const Verdict& verdict, QObject* context, Callback<qint64> done) {
            HistoryAccess* history = loader ? loader->history() : nullptr;
            if (!history)
                return done(Error::make(u"The history database is not available."_s));
            history->run<qint64>(
                context, [verdict](HistoryStore& store) { return recordVerdict(store, verdict); },
                std::move(done));
        },
        markBad);
    if (RedeployOption* redeploy = redeployOption(target, environment, options, dialog))
        dialog->offerRedeploy(redeploy);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &PromoteDialog::redeployFinished, this, [this, target] {
        if (shows(target))
            emit redeployFinished();
    });
    connect(dialog, &PromoteDialog::releaseFinished, this,
            [this, target, environment, dialog](bool succeeded) {
                // The window reads again only if it still shows the repository that moved.
                if (!shows(target))
                    return;
                const auto& result = dialog->result();
                emit tagMoved(environment, succeeded && result && result->ok()
                                               ? result->value().resultDigest
                                               : QString());
            });
    dialog->open();
    return dialog;
}

RedeployOption* ReleaseActions::redeployOption(const Target& target, const QString& environment,
                                               const RegistryOptions& options,
                                               QWidget* parent) const {
    const Result<EngineHosts> hosts =
        EngineHosts::parse(options.runningEngines, EngineHost::fromEnvironment());
    if (!hosts || hosts->hasNoEngineHere() || hosts->hostsOf(environment).isEmpty())
        return nullptr;
    RedeployRequest base;
    base.registry = target.domain;
    base.repositoryPath = target.path;
    base.environment = environment;
    base.builds = m_timeline->builds();
    base.hosts = hosts->hostsOf(environment);
    base.historyLocation = m_loader->historyLocation();
    return new RedeployOption(base, options.dockerConfigDir, parent);
}

QString ReleaseActions::engineHostFor(const QString& domain) const {
    const QString own = m_options ? m_options(domain).engineHost.trimmed() : QString();
    return own.isEmpty() ? m_defaultEngineHost : own;
}

RetagFunction ReleaseActions::engineRetag(const QString& dockerHost,
                                          const RegistryOptions& options) {
    std::shared_ptr<EngineClient>& client = m_engines[dockerHost];
    if (!client)
        client = std::make_shared<EngineClient>(dockerHost);
    return [client, retag = makeEngineRetag(client.get(), options)](
               const ReleaseRequest& request, const QString& digest, const QString& mediaType,
               QObject* context, Callback<QString> done) {
        retag(request, digest, mediaType, context, std::move(done));
    };
}

PromoteDialog* ReleaseActions::promote(const QString& digest, const QString& environment) {
    const std::optional<Target> target = currentTarget();
    return target ? openDialog(*target, ActionKind::Promote, digest, environment, false) : nullptr;
}

PromoteDialog* ReleaseActions::rollback(const QString& environment) {
    const std::optional<Target> target = currentTarget();
    return target ? rollbackIn(*target, environment, false) : nullptr;
}

PromoteDialog* ReleaseActions::rollbackAndMarkBad(const QString& environment) {
    const std::optional<Target> target = currentTarget();
    return target ? rollbackIn(*target, environment, true) : nullptr;
}

PromoteDialog* ReleaseActions::rollbackIn(const Target& target, const QString& environment,
                                          bool markBad) {
    // No source: the planner walks the history back to the last good build.
    return openDialog(target, ActionKind::Rollback, QString(), environment, markBad);
}

Status ReleaseActions::mark(const QString& digest, const QString& environment, VerdictKind verdict,
                            const QString& reason) {
    const std::optional<Target> target = currentTarget();
    if (!target)
        return Status::failure(u"No repository is open."_s);
    return markIn(*target, digest, environment, verdict, reason);
}

Status ReleaseActions::markIn(const Target& target, const QString& digest,
                              const QString& environment, VerdictKind verdict,
                              const QString& reason) {
    const QString word = verdict == VerdictKind::Good ? u"good"_s : u"bad"_s;
    const auto refuse = [this](const QString& message) {
        emit problem(message);
        return Status::failure(message);
    };
    const Status named = checkEnvironmentName(environment, environmentChoices());
    if (!named)
        return refuse(u"Nothing was marked: "_s + named.errorMessage());
    HistoryAccess* history = m_loader->history();
    if (!history)
        return refuse(u"Verdicts live in the history database, which is not available; "
                      u"nothing was marked."_s);
    Verdict judged;
    judged.registry = target.domain;
    judged.repository = target.path;
    judged.digest = digest;
    judged.environment = environment;
    judged.verdict = verdict;
    judged.reason = reason;
    const QString name = shows(target) ? buildName(m_timeline, digest) : shortDigestOf(digest);
    history->run<qint64>(
        this, [judged](HistoryStore& store) { return recordVerdict(store, judged); },
        [this, target, name, word, environment](Result<qint64> id) {
            if (!id)
                return emit problem(u"Could not mark %1 %2 for %3 in %4: %5"_s.arg(
                    name, word, environment, target.repository, id.errorMessage()));
            emit information(u"Marked %1 %2 for %3%4."_s.arg(
                name, word, environment,
                shows(target) ? QString() : u" in "_s + target.repository));
            emit verdictRecorded();
        });
    return success();
}

AuditLogDialog* ReleaseActions::showAuditLog() {
    if (m_auditLog) {
        m_auditLog->reload();
        m_auditLog->raise();
        m_auditLog->activateWindow();
        return m_auditLog;
    }
    QPointer<RepositoryLoader> loader(m_loader);
    auto* dialog = new AuditLogDialog(
        [loader](QObject* context, Callback<QList<Action>> done) {
            HistoryAccess* history = loader ? loader->history() : nullptr;
            if (!history)
                return done(
                    Result<QList<Action>>::failure(u"the history database is not available"_s));
            history->run<QList<Action>>(
                context, [](HistoryStore& store) { return store.actions(); }, std::move(done));
        },
        m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_auditLog = dialog;
    dialog->show();
    return dialog;
}

void ReleaseActions::fillPromoteMenu(QMenu* menu, const QString& digest) {
    menu->clear();
    const QString asked = m_loader->repository();
    if (digest.isEmpty() || m_timeline->repository().isEmpty() ||
        (!asked.isEmpty() && asked != m_timeline->repository())) {
        menu->addAction(u"Select a build first"_s)->setEnabled(false);
        return;
    }
    // Bound now: the entries act on this repository even if the window switches.
    const Target target = *currentTarget();
    for (const QString& environment : environmentChoices()) {
        QAction* action = menu->addAction(environment);
        action->setObjectName(u"promote-"_s + environment);
        if (displayedDigestOf(environment) == digest) {
            action->setText(environment + u" (runs it now)"_s);
            action->setEnabled(false);
        }
        connect(action, &QAction::triggered, this, [this, target, digest, environment] {
            openDialog(target, ActionKind::Promote, digest, environment, false);
        });
    }
}

void ReleaseActions::fillBuildMenu(QMenu* menu, const QString& digest) {
    fillPromoteMenu(menu->addMenu(u"Promote to"_s), digest);
    const QString asked = m_loader->repository();
    if (digest.isEmpty() || m_timeline->repository().isEmpty() ||
        (!asked.isEmpty() && asked != m_timeline->repository()))
        return;
    const Target target = *currentTarget();
    const auto addMarks = [this, menu, &digest, &target](
                              const QString& title, const QString& prefix, VerdictKind verdict) {
        QMenu* marks = menu->addMenu(title);
        for (const QString& environment : environmentChoices()) {
            QAction* action = marks->addAction(environment);
            action->setObjectName(prefix + environment);
            connect(action, &QAction::triggered, this,
                    [this, target, digest, environment, verdict] {
                        markIn(target, digest, environment, verdict, {});
                    });
        }
    };
    menu->addSeparator();
    addMarks(u"Mark good for"_s, u"markGood-"_s, VerdictKind::Good);
    addMarks(u"Mark bad for"_s, u"markBad-"_s, VerdictKind::Bad);
}

} // namespace berth::ui
