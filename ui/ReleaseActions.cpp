#include "ReleaseActions.h"

#include "AuditLogDialog.h"
#include "PromoteDialog.h"

#include "engine/EngineClient.h"
#include "history/HistoryStore.h"
#include "registry/ImageReference.h"
#include "registry/RegistryClient.h"
#include "release/EngineTransport.h"
#include "release/RollbackPlanner.h"
#include "timeline/RepositoryLoader.h"
#include "timeline/TimelineModel.h"

#include <QMenu>
#include <QWidget>

using namespace Qt::StringLiterals;

namespace berth::ui {

namespace {

PromoteDialog::Side sideOf(const TimelineModel* timeline, const QString& digest) {
    PromoteDialog::Side side;
    side.digest = digest;
    if (const Build* build = timeline->buildAt(timeline->rowOfDigest(digest))) {
        for (const ClassifiedTag& tag : build->tags)
            side.tags.append(tag.name);
        side.created = build->created;
        side.revision = build->revision;
    }
    return side;
}

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

QStringList ReleaseActions::environmentChoices() const {
    QStringList choices;
    for (const EnvironmentLane& lane : m_timeline->lanes())
        choices.append(lane.tag);
    for (const QString& name : TagClassifier().environmentNames()) {
        if (!choices.contains(name))
            choices.append(name);
    }
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
    const Result<ImageReference> reference = ImageReference::parse(m_timeline->repository());
    if (m_timeline->repository().isEmpty() || !reference) {
        emit problem(u"Open a repository first."_s);
        return std::nullopt;
    }
    return Target{reference->domain(), reference->path()};
}

PromoteDialog* ReleaseActions::openDialog(ActionKind kind, const QString& digest,
                                          const QString& environment) {
    const std::optional<Target> target = currentTarget();
    if (!target)
        return nullptr;
    HistoryStore* store = m_loader->history();
    if (!store) {
        emit problem(
            u"Moving %1 needs the history database, where every promote and rollback "
            u"is audited; it is not available, so nothing was changed."_s.arg(environment));
        return nullptr;
    }
    ReleaseRequest request;
    request.kind = kind;
    request.registry = target->domain;
    request.repository = target->path;
    request.source = digest;
    request.tag = environment;
    // The compare-before-swap checks the tag against what this window showed.
    const QString shown = displayedDigestOf(environment);
    request.expectedCurrent = shown;

    auto* dialog =
        new PromoteDialog(request, sideOf(m_timeline, shown), sideOf(m_timeline, digest), m_window);
    // The client and the promoter live as long as the dialog, which cannot close mid-run.
    const RegistryOptions options = m_options ? m_options(target->domain) : RegistryOptions{};
    auto* client = new RegistryClient(target->domain, options, dialog);
    auto* promoter = new Promoter(client, store, TagClassifier(), dialog);
    if (const QString engineHost = engineHostFor(target->domain); !engineHost.isEmpty()) {
        promoter->setEngineRetag(engineRetag(engineHost, options));
        dialog->setEngineAvailable(true);
    }
    dialog->setPromoter(promoter);
    dialog->setGitClone(m_gitClone ? m_gitClone() : QString());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &PromoteDialog::releaseFinished, this,
            [this, environment, dialog](bool succeeded) {
                const auto& result = dialog->result();
                emit tagMoved(environment, succeeded && result && result->ok()
                                               ? result->value().resultDigest
                                               : QString());
            });
    dialog->open();
    return dialog;
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
    return openDialog(ActionKind::Promote, digest, environment);
}

PromoteDialog* ReleaseActions::rollback(const QString& environment) {
    const std::optional<Target> target = currentTarget();
    if (!target)
        return nullptr;
    HistoryStore* store = m_loader->history();
    if (!store) {
        emit problem(u"Rolling back needs Berth's history of %1, and the history database is "
                     u"not available. Pick a build on the timeline and promote it to %1."_s.arg(
                         environment));
        emit pickBuildRequested(environment);
        return nullptr;
    }
    const Result<QList<TagPosition>> history =
        store->tagHistory(target->domain, target->path, environment);
    const Result<QList<Verdict>> verdicts = store->verdicts(target->domain, target->path);
    if (!history || !verdicts) {
        emit problem(u"Could not read the history of %1: %2"_s.arg(
            environment, !history ? history.errorMessage() : verdicts.errorMessage()));
        return nullptr;
    }
    const Result<RollbackTarget> chosen =
        chooseRollbackTarget(history.value(), displayedDigestOf(environment),
                             badDigestsFor(verdicts.value(), environment));
    if (!chosen) {
        emit problem(u"%1 Pick a build on the timeline, then use Promote to → %2."_s.arg(
            chosen.errorMessage(), environment));
        emit pickBuildRequested(environment);
        return nullptr;
    }
    return openDialog(ActionKind::Rollback, chosen->digest, environment);
}

Status ReleaseActions::mark(const QString& digest, const QString& environment, VerdictKind verdict,
                            const QString& reason) {
    const std::optional<Target> target = currentTarget();
    if (!target)
        return Status::failure(u"No repository is open."_s);
    HistoryStore* store = m_loader->history();
    if (!store) {
        const QString message = u"Verdicts live in the history database, which is not "
                                u"available; nothing was marked."_s;
        emit problem(message);
        return Status::failure(message);
    }
    Action action;
    action.registry = target->domain;
    action.repository = target->path;
    action.tag = environment;
    action.toDigest = digest;
    action.kind = verdict == VerdictKind::Good ? ActionKind::MarkGood : ActionKind::MarkBad;
    action.reason = reason;
    const Result<qint64> id = store->beginAction(action);
    Status done = id ? success() : Status(id.error());
    if (done) {
        done = store->setVerdict(
            {target->domain, target->path, digest, environment, verdict, {}, {}, reason});
        const Status finished = store->finishAction(
            id.value(), done ? ActionState::Succeeded : ActionState::Failed, done.errorMessage());
        if (done && !finished)
            done = finished;
    }
    const QString word = verdict == VerdictKind::Good ? u"good"_s : u"bad"_s;
    if (!done) {
        emit problem(u"Could not mark %1 %2 for %3: %4"_s.arg(buildName(m_timeline, digest), word,
                                                              environment, done.errorMessage()));
        return done;
    }
    emit information(
        u"Marked %1 %2 for %3."_s.arg(buildName(m_timeline, digest), word, environment));
    emit verdictRecorded();
    return done;
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
        [loader]() -> Result<QList<Action>> {
            HistoryStore* store = loader ? loader->history() : nullptr;
            if (!store)
                return Result<QList<Action>>::failure(u"the history database is not available"_s);
            return store->actions();
        },
        m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_auditLog = dialog;
    dialog->show();
    return dialog;
}

void ReleaseActions::fillPromoteMenu(QMenu* menu, const QString& digest) {
    menu->clear();
    if (digest.isEmpty() || m_timeline->repository().isEmpty()) {
        menu->addAction(u"Select a build first"_s)->setEnabled(false);
        return;
    }
    for (const QString& environment : environmentChoices()) {
        QAction* action = menu->addAction(environment);
        action->setObjectName(u"promote-"_s + environment);
        if (displayedDigestOf(environment) == digest) {
            action->setText(environment + u" (runs it now)"_s);
            action->setEnabled(false);
        }
        connect(action, &QAction::triggered, this,
                [this, digest, environment] { promote(digest, environment); });
    }
}

void ReleaseActions::fillBuildMenu(QMenu* menu, const QString& digest) {
    fillPromoteMenu(menu->addMenu(u"Promote to"_s), digest);
    if (digest.isEmpty())
        return;
    const auto addMarks = [this, menu, &digest](const QString& title, const QString& prefix,
                                                VerdictKind verdict) {
        QMenu* marks = menu->addMenu(title);
        for (const QString& environment : environmentChoices()) {
            QAction* action = marks->addAction(environment);
            action->setObjectName(prefix + environment);
            connect(action, &QAction::triggered, this,
                    [this, digest, environment, verdict] { mark(digest, environment, verdict); });
        }
    };
    menu->addSeparator();
    addMarks(u"Mark good for"_s, u"markGood-"_s, VerdictKind::Good);
    addMarks(u"Mark bad for"_s, u"markBad-"_s, VerdictKind::Bad);
}

} // namespace berth::ui
