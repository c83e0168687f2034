#include "ReleaseCommands.h"

#include "HistoryCommands.h"

#include "engine/EngineClient.h"
#include "git/RevisionDiff.h"
#include "registry/BuildCollector.h"
#include "registry/ImageReference.h"
#include "registry/RegistryClient.h"
#include "release/EngineTransport.h"
#include "release/Promoter.h"
#include "release/RollbackPlanner.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

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
};

int exitCodeFor(const Error& error) {
    return error.code == kRefusedCode ? ExitRefused : ExitFailure;
}

QString shortDigest(const QString& digest) {
    return digest.isEmpty() ? u"(none)"_s : digest.left(19) + u'…';
}

std::shared_ptr<ReleaseSession> openSession(const Invocation& invocation, const QString& text,
                                            int* exitCode) {
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
    session->promoter = new Promoter(session->client, &session->history->store, {}, qApp);
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

const Build* buildWithDigest(const BuildCollection& collection, const QString& digest) {
    for (const Build& build : collection.builds) {
        if (build.digest == digest)
            return &build;
    }
    return nullptr;
}

QString describe(const BuildCollection& collection, const QString& digest) {
    const Build* build = buildWithDigest(collection, digest);
    if (!build)
        return shortDigest(digest);
    QStringList names;
    for (const ClassifiedTag& tag : build->tags) {
        if (!isMutableKind(tag.kind))
            names.append(tag.name);
    }
    return u"%1  %2  created %3"_s.arg(shortDigest(digest), names.join(u' '),
                                       build->created.toString(u"yyyy-MM-dd HH:mm"_s));
}

// What the person is about to do, with the commits it ships when a clone is given.
QString planText(const Invocation& invocation, const ReleaseRequest& request,
                 const BuildCollection& collection, const QString& from, const QString& to) {
    QString text = u"%1 %2:%3\n  from  %4\n  to    %5\n  via   %6\n"_s.arg(
        actionKindName(request.kind), request.registry + u'/' + request.repository, request.tag,
        from.isEmpty() ? u"(the tag does not exist yet)"_s : describe(collection, from),
        describe(collection, to), transportName(request.transport));
    const Build* fromBuild = buildWithDigest(collection, from);
    const Build* toBuild = buildWithDigest(collection, to);
    if (!invocation.gitClone.isEmpty() && fromBuild && toBuild && !fromBuild->revision.isEmpty() &&
        !toBuild->revision.isEmpty()) {
        const Result<RevisionDiff> diff =
            RevisionDiff::compute(invocation.gitClone, fromBuild->revision, toBuild->revision, 20);
        if (!diff) {
            text += u"  commits: unknown (%1)\n"_s.arg(diff.error().message);
        } else {
            text += u"  ships %1 commit(s), loses %2\n"_s.arg(diff->range.gained.totalCount)
                        .arg(diff->range.lost.totalCount);
            for (const CommitInfo& commit : diff->range.gained.commits)
                text += u"    + %1 %2\n"_s.arg(commit.shortId, commit.summary);
            for (const CommitInfo& commit : diff->range.lost.commits)
                text += u"    - %1 %2\n"_s.arg(commit.shortId, commit.summary);
        }
    }
    if (!request.reason.isEmpty())
        text += u"  reason: %1\n"_s.arg(request.reason);
    return text;
}

bool confirmOnTerminal(const QString& plan) {
    QTextStream err(stderr);
    err << plan << "Proceed? [y/N] " << Qt::flush;
    const QString answer = QTextStream(stdin).readLine().trimmed().toLower();
    return answer == u"y"_s || answer == u"yes"_s;
}

void report(const Invocation& invocation, const ReleaseRequest& request,
            const ReleaseOutcome& outcome) {
    if (invocation.json) {
        printJson(QJsonObject{{u"actionId"_s, outcome.actionId},
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

void execute(const std::shared_ptr<ReleaseSession>& session, const Invocation& invocation,
             ReleaseRequest request, Finish finish) {
    session->promoter->run(request, qApp,
                           [session, invocation, request, finish](Result<ReleaseOutcome> outcome) {
                               if (!outcome) {
                                   printError(outcome.error().message);
                                   return finish(exitCodeFor(outcome.error()));
                               }
                               report(invocation, request, outcome.value());
                               finish(ExitOk);
                           });
}

// Without --yes: read the repository, show from -> to and wait for the person. With
// --yes and a clone (--git) the same plan is shown, commits included, without waiting:
// whoever rolls production back at night still sees which commits it loses. Either way
// the promotion then insists the tag is still where the plan showed it.
void confirmThenExecute(const std::shared_ptr<ReleaseSession>& session,
                        const Invocation& invocation, ReleaseRequest request, Finish finish) {
    if (invocation.assumeYes && invocation.gitClone.isEmpty())
        return execute(session, invocation, request, finish);
    auto* collector =
        new BuildCollector(session->client, session->history->cache.get(), {}, session->client);
    collector->collect(
        request.repository, qApp,
        [session, invocation, request, finish](Result<BuildCollection> collection) mutable {
            if (!collection) {
                printError(collection.error().message);
                return finish(ExitFailure);
            }
            const QString current = collection->tagDigests.value(request.tag);
            QString target = request.source;
            if (!isValidDigest(target))
                target = collection->tagDigests.value(request.source);
            if (target.isEmpty()) {
                printError(
                    u"%1 has no tag or digest \"%2\"."_s.arg(request.repository, request.source));
                return finish(ExitRefused);
            }
            const QString plan = planText(invocation, request, collection.value(), current, target);
            if (invocation.assumeYes) {
                QTextStream(stderr) << plan << Qt::flush;
            } else if (!confirmOnTerminal(plan)) {
                printError(u"not confirmed; nothing was changed."_s);
                return finish(ExitRefused);
            }
            if (!request.expectedCurrent)
                request.expectedCurrent = current;
            request.source = target;
            execute(session, invocation, request, finish);
        });
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
    int exitCode = ExitFailure;
    auto session = openSession(invocation, invocation.arguments[0], &exitCode);
    if (!session) {
        finish(exitCode);
        return std::nullopt;
    }
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
    confirmThenExecute(start->session, invocation, start->request, finish);
}

void runRollback(const Invocation& invocation, Finish finish) {
    auto start = startRelease(
        invocation, ActionKind::Rollback, 2,
        u"rollback needs <repository> <tag>, and optionally --to <tag or digest>."_s, finish);
    if (!start)
        return;
    const std::shared_ptr<ReleaseSession> session = start->session;
    ReleaseRequest request = start->request;
    request.tag = invocation.arguments[1];
    if (!invocation.rollbackTo.isEmpty()) {
        request.source = invocation.rollbackTo;
        return confirmThenExecute(session, invocation, request, finish);
    }
    session->promoter->currentDigest(
        request.repository, request.tag, qApp,
        [session, invocation, request, finish](Result<QString> current) mutable {
            if (!current) {
                printError(current.error().message);
                return finish(ExitFailure);
            }
            HistoryStore& store = session->history->store;
            const auto history =
                store.tagHistory(request.registry, request.repository, request.tag);
            const auto verdicts = store.verdicts(request.registry, request.repository);
            if (!history || !verdicts) {
                printError(!history ? history.errorMessage() : verdicts.errorMessage());
                return finish(ExitFailure);
            }
            const Result<RollbackTarget> target = chooseRollbackTarget(
                history.value(), current.value(), badDigestsFor(verdicts.value(), request.tag));
            if (!target) {
                printError(target.error().message);
                for (const TagPosition& position : history.value())
                    QTextStream(stderr) << "  known position: " << position.digest << "  "
                                        << position.firstSeen.toString(Qt::ISODate) << Qt::endl;
                QTextStream(stderr) << "  candidates: berthctl builds "
                                    << request.registry + u'/' + request.repository << Qt::endl;
                return finish(ExitRefused);
            }
            request.source = target->digest;
            if (!request.expectedCurrent)
                request.expectedCurrent = current.value();
            confirmThenExecute(session, invocation, request, finish);
        });
}

void runMark(const Invocation& invocation, Finish finish) {
    const QStringList& args = invocation.arguments;
    if (args.size() != 3 || (args[2] != u"good"_s && args[2] != u"bad"_s) ||
        invocation.environment.isEmpty()) {
        printError(u"mark needs <repository> <tag or digest> good|bad --env <environment>."_s);
        return finish(ExitUsage);
    }
    int exitCode = ExitFailure;
    const auto session = openSession(invocation, args[0], &exitCode);
    if (!session)
        return finish(exitCode);
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
            HistoryStore& store = session->history->store;
            Verdict verdict;
            verdict.registry = session->repository.domain();
            verdict.repository = session->repository.path();
            verdict.digest = resolved;
            verdict.environment = invocation.environment;
            verdict.verdict = good ? VerdictKind::Good : VerdictKind::Bad;
            verdict.reason = invocation.reason;
            // The verdict and its audit row: who judged what, and why.
            Action action;
            action.registry = verdict.registry;
            action.repository = verdict.repository;
            action.tag = verdict.environment;
            action.toDigest = resolved;
            action.kind = good ? ActionKind::MarkGood : ActionKind::MarkBad;
            action.transport = u"none"_s;
            action.reason = invocation.reason;
            const Status stored = store.setVerdict(verdict);
            if (!stored) {
                printError(stored.errorMessage());
                return finish(ExitFailure);
            }
            const Result<qint64> id = store.beginAction(action);
            const Status audited =
                id ? store.finishAction(id.value(), ActionState::Succeeded) : Status(id.error());
            if (!audited)
                printWarning(u"the verdict is stored, but its audit row is not: %1"_s.arg(
                    audited.errorMessage()));
            if (invocation.json)
                printJson(QJsonObject{{u"digest"_s, resolved},
                                      {u"environment"_s, invocation.environment},
                                      {u"verdict"_s, good ? u"good"_s : u"bad"_s},
                                      {u"actionId"_s, id ? id.value() : 0}});
            else
                printLine(u"%1 marked %2 for %3."_s.arg(resolved, good ? u"good"_s : u"bad"_s,
                                                        invocation.environment));
            finish(ExitOk);
        });
}

} // namespace berth::ctl
