#include "ReleaseCommands.h"

#include "HistoryCommands.h"
#include "RedeployCommands.h"
#include "VerifyCommands.h"

#include "engine/EngineClient.h"
#include "policy/TagPolicy.h"
#include "registry/ImageReference.h"
#include "registry/RegistryClient.h"
#include "release/EngineTransport.h"
#include "release/Promoter.h"
#include "release/ReleasePlanner.h"
#include "release/SignatureGate.h"
#include "release/StageOrderCheck.h"
#include "release/VerdictRecorder.h"
#include "signing/SignatureReader.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

#include <algorithm>
#include <memory>
#include <optional>

using namespace Qt::StringLiterals;

namespace berth::ctl {

namespace {

// Everything one release command holds on to until it finishes.
struct ReleaseSession {
    ImageReference repository;
    std::shared_ptr<HistorySession> history;
    RegistryClient* client = nullptr;
    std::unique_ptr<EngineClient> engine;
    Promoter* promoter = nullptr;
    ReleasePlanner planner;
    SignatureGate signatureGate; // the environments only a verified build may enter
    SignatureReader* signatureReader = nullptr;
};

int exitCodeFor(const Error& error) {
    return error.outcome == Outcome::Refused ? ExitRefused : ExitFailure;
}

// `policy` names the environments (its classifier) and orders the stages promotions check;
// `kind` is the move the session makes.
std::shared_ptr<ReleaseSession> openSession(const Invocation& invocation, const QString& text,
                                            int* exitCode, const TagPolicy& policy,
                                            ActionKind kind) {
    const Result<ImageReference> reference = ImageReference::parse(text);
    if (!reference || !reference->tag().isEmpty() || !reference->digest().isEmpty()) {
        printError(reference ? u"%1 takes a repository, not an image: drop the tag or digest "
                               u"from \"%2\"."_s.arg(invocation.command, text)
                             : reference.error().message);
        *exitCode = ExitUsage;
        return nullptr;
    }
    auto session = std::make_shared<ReleaseSession>();
    session->repository = reference.value();
    session->history = openHistory(invocation, exitCode);
    if (!session->history)
        return nullptr;
    session->client = new RegistryClient(session->repository.domain(), invocation.registry, qApp);
    session->promoter = new Promoter(session->client, &session->history->store,
                                     releaseClassifier(policy, kind), qApp);
    session->planner = plannerFor(policy, kind);
    if (invocation.via == u"engine"_s) {
        session->engine = std::make_unique<EngineClient>();
        session->promoter->setEngineRetag(makeEngineRetag(
            session->engine.get(), invocation.registry, [](const ProgressEvent& event) {
                if (!event.status.isEmpty() && event.id.isEmpty())
                    QTextStream(stderr) << "  " << event.step << ": " << event.status << Qt::endl;
            }));
    }
    QObject::connect(session->promoter, &Promoter::stepStarted, qApp,
                     [json = invocation.json](const QString& step) {
                         if (!json)
                             QTextStream(stderr) << step << "…" << Qt::endl;
                     });
    return session;
}

bool validTransport(const Invocation& invocation) {
    if (invocation.via.isEmpty() || transportFromName(invocation.via))
        return true;
    printError(u"--via takes registry or engine, not \"%1\"."_s.arg(invocation.via));
    return false;
}

bool confirmOnTerminal(const QString& plan) {
    QTextStream err(stderr);
    err << plan << "Proceed? [y/N] " << Qt::flush;
    const QString answer = QTextStream(stdin).readLine().trimmed().toLower();
    return answer == u"y"_s || answer == u"yes"_s;
}

void report(const Invocation& invocation, const ReleaseRequest& request, const ReleasePlan& plan,
            qint64 verdictId, const ReleaseOutcome& outcome) {
    if (invocation.json) {
        printJson(QJsonObject{{u"actionId"_s, outcome.actionId},
                              {u"markedBadActionId"_s, verdictId},
                              {u"plan"_s, plan.toJson()},
                              {u"kind"_s, actionKindName(request.kind)},
                              {u"tag"_s, request.tag},
                              {u"from"_s, outcome.fromDigest},
                              {u"to"_s, outcome.toDigest},
                              {u"result"_s, outcome.resultDigest},
                              {u"alreadyThere"_s, outcome.alreadyThere},
                              {u"transport"_s, transportName(request.transport)},
                              {u"note"_s, outcome.note}});
        return;
    }
    if (outcome.alreadyThere) {
        printLine(outcome.note);
        return;
    }
    printLine(u"%1 now points at %2 (was %3); audit #%4."_s.arg(
        request.tag, outcome.resultDigest,
        outcome.fromDigest.isEmpty() ? u"absent"_s : outcome.fromDigest,
        QString::number(outcome.actionId)));
    if (!outcome.note.isEmpty())
        printWarning(outcome.note);
}

// Marks the build being left bad before a rollback moves away from it: the verdict
// stands whatever happens to the rollback. Answers false when it could not be stored.
bool markLeftBuildBad(const std::shared_ptr<ReleaseSession>& session, const Invocation& invocation,
                      const ReleasePlan& plan, qint64* actionId) {
    const Result<qint64> id =
        recordVerdict(session->history->store, badVerdictOnLeaving(plan, invocation.reason));
    if (!id) {
        printError(id.errorMessage() + u" Nothing was rolled back."_s);
        return false;
    }
    *actionId = id.value();
    if (!invocation.json)
        printLine(u"%1 marked bad for %2 (audit #%3)."_s.arg(plan.from.digest, plan.tag,
                                                             QString::number(id.value())));
    return true;
}

void execute(const std::shared_ptr<ReleaseSession>& session, const Invocation& invocation,
             ReleaseRequest request, const ReleasePlan& plan, qint64 verdictId, Finish finish) {
    session->promoter->run(
        request, qApp,
        [session, invocation, request, plan, verdictId, finish](Result<ReleaseOutcome> outcome) {
            if (!outcome) {
                QString message = outcome.error().message;
                if (verdictId != 0)
                    message +=
                        u" The build it was leaving stays marked bad (audit #%1)."_s.arg(verdictId);
                printError(message);
                return finish(exitCodeFor(outcome.error()));
            }
            report(invocation, request, plan, verdictId, outcome.value());
            if (invocation.redeploy)
                return redeployEnvironment(invocation, session->repository, request.tag, finish);
            finish(ExitOk);
        });
}

// Reads the repository and the history into one plan (the commits too with --git), then
// shows it: without --yes it waits for the person; with --yes it still prints it, so
// whoever rolls production back at night sees what it skips and loses. A refused plan,
// or a bad build moved onto without --reason, stops here with exit 3. The promotion
// then insists the tag is still where the plan showed it.
void planThenExecute(const std::shared_ptr<ReleaseSession>& session, const Invocation& invocation,
                     ReleaseRequest request, Finish finish) {
    auto decide = [session, invocation, request, finish](Result<ReleasePlan> planned) mutable {
        if (!planned) {
            printError(planned.error().message);
            return finish(ExitFailure);
        }
        const ReleasePlan& plan = planned.value();
        const QString text = plan.text(transportName(request.transport), request.reason);
        // A script asking for JSON gets the plan it was refused on.
        if (invocation.json &&
            (plan.refused() || (plan.needsAcknowledgement() && request.reason.isEmpty())))
            printJson(QJsonObject{{u"plan"_s, plan.toJson()}});
        if (plan.refused()) {
            if (!invocation.json)
                QTextStream(stderr) << text << Qt::flush;
            const bool noTarget =
                std::any_of(plan.refusals.cbegin(), plan.refusals.cend(), [](const PlanNote& note) {
                    return note.code == kNoRollbackTargetNote;
                });
            printError(
                plan.refusalText() +
                (noTarget ? u" Choose the build explicitly: --to <tag or digest>."_s : QString()) +
                u" Nothing was changed."_s);
            if (noTarget && !invocation.json)
                QTextStream(stderr) << "  candidates: berthctl builds "
                                    << request.registry + u'/' + request.repository << Qt::endl;
            return finish(ExitRefused);
        }
        if (plan.needsAcknowledgement() && request.reason.isEmpty()) {
            if (!invocation.json)
                QTextStream(stderr) << text << Qt::flush;
            printError(plan.acknowledgementsNeeded().join(u' ') +
                       u" Nothing was changed; to move it anyway, say why with "
                       u"--reason \"…\"."_s);
            return finish(ExitRefused);
        }
        const bool markBad = invocation.markBad && request.kind == ActionKind::Rollback;
        if (markBad && plan.from.digest.isEmpty()) {
            printError(u"%1 points at nothing, so there is no build to mark bad; nothing "
                       u"was changed."_s.arg(plan.tag));
            return finish(ExitRefused);
        }
        const QString intro =
            markBad
                ? u"marks %1 bad for %2 first\n"_s.arg(shortPlanDigest(plan.from.digest), plan.tag)
                : QString();
        if (invocation.assumeYes) {
            if (!invocation.json || !invocation.gitClone.isEmpty())
                QTextStream(stderr) << intro << text << Qt::flush;
        } else if (!confirmOnTerminal(intro + text)) {
            printError(u"not confirmed; nothing was changed."_s);
            return finish(ExitRefused);
        }
        if (!request.expectedCurrent)
            request.expectedCurrent = plan.from.digest;
        // The audit row says which stages the person chose to skip.
        request.reason = plan.auditReason(request.reason);
        request.source = plan.to.digest;
        qint64 verdictId = 0;
        if (markBad && !markLeftBuildBad(session, invocation, plan, &verdictId))
            return finish(ExitFailure);
        execute(session, invocation, request, plan, verdictId, finish);
    };
    // Into an environment the signature gate covers, the build's signatures are read and
    // judged before anything is decided.
    auto planned = [session, decide](Result<ReleasePlan> plan) mutable {
        if (!plan)
            return decide(std::move(plan));
        gatePlan(session->signatureGate, *session->signatureReader, std::move(plan).value(), qApp,
                 decide);
    };
    // Nobody reads a plan before --yes without --git moves the tag: two HEADs and the
    // history describe it, instead of a read of every tag of the repository.
    if (invocation.assumeYes && invocation.gitClone.isEmpty() && session->history->cache)
        return session->planner.planFromHistory(session->client, *session->history->cache,
                                                session->history->store, request, qApp,
                                                std::move(planned));
    session->planner.planFromRegistry(session->client, session->history->cache.get(),
                                      session->history->store, request, invocation.gitClone, qApp,
                                      std::move(planned));
}

// The policy of the --git clone (berth.toml at HEAD), else the defaults: no promotion
// order, so nothing changes without one. A promotion refuses to guess past a berth.toml
// it cannot read; a rollback goes ahead with the defaults, since going back must never
// wait on a policy file being fixed.
std::optional<TagPolicy> releasePolicy(const Invocation& invocation, ActionKind kind) {
    if (invocation.gitClone.isEmpty())
        return TagPolicy::defaults(u"built-in defaults (no --git clone)"_s);
    Result<TagPolicy> policy = readTagPolicy(invocation.gitClone);
    if (policy)
        return std::move(policy).value();
    if (kind == ActionKind::Rollback) {
        printWarning(policy.errorMessage() + u" Rolling back with the built-in defaults."_s);
        return TagPolicy::defaults(u"built-in defaults (the clone's policy is unreadable)"_s);
    }
    printError(policy.errorMessage() + u" Nothing was changed."_s);
    return std::nullopt;
}

struct ReleaseStart {
    std::shared_ptr<ReleaseSession> session;
    ReleaseRequest request;
};

// What promote and rollback share: the argument count, the transport, a session on the
// repository (the first argument) and the request the options describe. On a problem it
// says so, calls `finish` and answers nothing.
std::optional<ReleaseStart> startRelease(const Invocation& invocation, ActionKind kind,
                                         qsizetype argumentCount, const QString& usage,
                                         const Finish& finish) {
    if (invocation.arguments.size() != argumentCount) {
        printError(usage);
        finish(ExitUsage);
        return std::nullopt;
    }
    if (!validTransport(invocation)) {
        finish(ExitUsage);
        return std::nullopt;
    }
    const std::optional<TagPolicy> policy = releasePolicy(invocation, kind);
    if (!policy) {
        finish(ExitFailure);
        return std::nullopt;
    }
    int exitCode = ExitFailure;
    auto session = openSession(invocation, invocation.arguments[0], &exitCode, *policy, kind);
    if (!session) {
        finish(exitCode);
        return std::nullopt;
    }
    const std::optional<SignatureTrust> trust = signatureTrustOf(invocation);
    if (!trust) {
        finish(ExitUsage);
        return std::nullopt;
    }
    Result<SignatureGate> gate = signatureGate(*policy, *trust);
    if (!gate) {
        printError(gate.errorMessage() + u" Nothing was changed."_s);
        finish(ExitFailure);
        return std::nullopt;
    }
    session->signatureGate = std::move(gate).value();
    session->signatureReader = new SignatureReader(session->client, session->repository.domain(),
                                                   session->signatureGate.trust, qApp);
    ReleaseRequest request;
    request.kind = kind;
    request.registry = session->repository.domain();
    request.repository = session->repository.path();
    request.reason = invocation.reason;
    request.transport = transportFromName(invocation.via).value_or(RetagTransport::Registry);
    request.expectedCurrent = invocation.expect;
    return ReleaseStart{std::move(session), std::move(request)};
}

} // namespace

void runPromote(const Invocation& invocation, Finish finish) {
    auto start =
        startRelease(invocation, ActionKind::Promote, 3,
                     u"promote needs <repository> <source tag or digest> <tag to move>."_s, finish);
    if (!start)
        return;
    start->request.source = invocation.arguments[1];
    start->request.tag = invocation.arguments[2];
    planThenExecute(start->session, invocation, start->request, finish);
}

void runRollback(const Invocation& invocation, Finish finish) {
    auto start = startRelease(
        invocation, ActionKind::Rollback, 2,
        u"rollback needs <repository> <tag>, and optionally --to <tag or digest>."_s, finish);
    if (!start)
        return;
    start->request.tag = invocation.arguments[1];
    // Without --to the planner walks the tag's history back to the last good build.
    start->request.source = invocation.rollbackTo;
    planThenExecute(start->session, invocation, start->request, finish);
}

// The environments the history has seen in the repository, for checking --env.
QStringList knownEnvironmentTags(HistoryStore& store, const ImageReference& repository) {
    QStringList tags;
    const auto positions = store.positionsOfRepository(repository.domain(), repository.path());
    if (positions) {
        for (const TagPosition& position : positions.value()) {
            if (!tags.contains(position.tag))
                tags.append(position.tag);
        }
    }
    return environmentChoices(tags);
}

void runMark(const Invocation& invocation, Finish finish) {
    const QStringList& args = invocation.arguments;
    if (args.size() != 3 || (args[2] != u"good"_s && args[2] != u"bad"_s) ||
        invocation.environment.isEmpty()) {
        printError(u"mark needs <repository> <tag or digest> good|bad --env <environment>."_s);
        return finish(ExitUsage);
    }
    int exitCode = ExitFailure;
    const auto session =
        openSession(invocation, args[0], &exitCode, TagPolicy::defaults(u"built-in defaults"_s),
                    ActionKind::MarkBad);
    if (!session)
        return finish(exitCode);
    // A verdict on a misspelt environment would protect nothing: refuse it before
    // anything is asked or written.
    const Status environment = checkEnvironmentName(
        invocation.environment, knownEnvironmentTags(session->history->store, session->repository));
    if (!environment) {
        printError(u"mark --env: "_s + environment.errorMessage());
        return finish(ExitUsage);
    }
    const bool good = args[2] == u"good"_s;
    session->promoter->currentDigest(
        session->repository.path(), args[1], qApp,
        [session, invocation, good, finish](Result<QString> digest) {
            const QString reference = invocation.arguments[1];
            QString resolved = digest ? digest.value() : QString();
            if (isValidDigest(reference))
                resolved = reference;
            if (resolved.isEmpty()) {
                printError(
                    digest ? u"%1 has no tag \"%2\"."_s.arg(session->repository.path(), reference)
                           : digest.errorMessage());
                return finish(digest ? ExitRefused : ExitFailure);
            }
            Verdict verdict;
            verdict.registry = session->repository.domain();
            verdict.repository = session->repository.path();
            verdict.digest = resolved;
            verdict.environment = invocation.environment;
            verdict.verdict = good ? VerdictKind::Good : VerdictKind::Bad;
            verdict.reason = invocation.reason;
            const Result<qint64> id = recordVerdict(session->history->store, verdict);
            if (!id) {
                printError(id.errorMessage());
                return finish(ExitFailure);
            }
            if (invocation.json)
                printJson(QJsonObject{{u"digest"_s, resolved},
                                      {u"environment"_s, invocation.environment},
                                      {u"verdict"_s, good ? u"good"_s : u"bad"_s},
                                      {u"actionId"_s, id.value()}});
            else
                printLine(u"%1 marked %2 for %3 (audit #%4)."_s.arg(
                    resolved, good ? u"good"_s : u"bad"_s, invocation.environment,
                    QString::number(id.value())));
            finish(ExitOk);
        });
}

} // namespace berth::ctl
