#include "release/Promoter.h"

#include "history/HistoryAccess.h"
#include "history/HistoryStore.h"
#include "registry/ImageReference.h"
#include "registry/ManifestParser.h"
#include "registry/RegistryClient.h"
#include "registry/RegistryTransport.h"
#include "release/PendingReconciler.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace berth {

struct Promoter::Job {
    ReleaseRequest request;
    GuardedCallback<ReleaseOutcome> done;
    ReleaseOutcome outcome;
    ManifestBlob manifest;
    QDateTime fromSeenAt;          // when the compare-before-swap saw the tag at outcome.fromDigest
    bool settledAbandoned = false; // a pending row of another move was settled once already
    QString settledNote;           // what settling it found, told to the user before the outcome
};

namespace {

QString shortDigest(const QString& digest) {
    return digest.isEmpty() ? u"(nothing)"_s : digest.left(19);
}

// The functions below run where the history store lives (see HistoryAccess).

// Finishes an audit row; a row already settled the same way counts as done: a refresh or
// `berthctl record` elsewhere may have settled it from the registry's own answer.
Status finishAuditRow(HistoryStore& store, const ReleaseRequest& request, qint64 id,
                      ActionState state, const QString& text) {
    const Status finished = store.finishAction(id, state, text);
    if (finished)
        return finished;
    const Result<QList<Action>> actions =
        store.actions(ActionFilter::ofRepository(request.registry, request.repository));
    if (actions) {
        for (const Action& action : actions.value()) {
            if (action.id == id && action.state == state)
                return success();
        }
    }
    return finished;
}

// Both ends of a move are observations: where the compare-before-swap saw the tag, then
// where it points now. So the tag's history holds the position a rollback goes back to,
// even in a database that never read the repository before.
Result<RecordSummary> recordMove(HistoryStore& store, const ReleaseRequest& request,
                                 const QString& from, const QDateTime& fromSeenAt,
                                 const QString& now) {
    const QString observer = currentObserver(u"berth"_s);
    if (!from.isEmpty()) {
        const Result<RecordSummary> before = store.recordObservations(
            request.registry, request.repository, {{request.tag, from}}, fromSeenAt, observer);
        if (!before)
            return before;
    }
    return store.recordObservations(request.registry, request.repository, {{request.tag, now}},
                                    QDateTime::currentDateTimeUtc(), observer);
}

// Who put `tag` on `digest`, as the audit or the history tells it.
QString whoMoved(HistoryStore& store, const ReleaseRequest& request, const QString& digest) {
    const Result<QList<Action>> actions =
        store.actions(ActionFilter::ofRepository(request.registry, request.repository));
    if (actions) {
        for (const Action& action : actions.value()) {
            const bool moved =
                action.kind == ActionKind::Promote || action.kind == ActionKind::Rollback;
            if (moved && action.tag == request.tag && action.toDigest == digest &&
                action.state == ActionState::Succeeded)
                return u"%1 on %2 moved it there at %3 (%4)."_s.arg(
                    action.user, action.host, action.time.toString(Qt::ISODate),
                    action.reason.isEmpty() ? actionKindName(action.kind) : action.reason);
        }
    }
    const Result<QList<TagPosition>> history =
        store.tagHistory(request.registry, request.repository, request.tag);
    if (history && !history->isEmpty() && history->first().digest == digest)
        return u"Berth first saw it there at %1 (seen by %2)."_s.arg(
            history->first().firstSeen.toString(Qt::ISODate), history->first().observedBy);
    return u"Someone outside Berth moved it."_s;
}

} // namespace

Promoter::Promoter(RegistryClient* client, HistoryAccess* history, TagClassifier classifier,
                   QObject* parent)
    : QObject(parent)
    , m_client(client)
    , m_history(history)
    , m_classifier(std::move(classifier)) {
}

Promoter::Promoter(RegistryClient* client, HistoryStore* store, TagClassifier classifier,
                   QObject* parent)
    : Promoter(client, static_cast<HistoryAccess*>(nullptr), std::move(classifier), parent) {
    if (store) {
        m_ownHistory = std::make_unique<InlineHistory>(store);
        m_history = m_ownHistory.get();
    }
}

Promoter::~Promoter() = default;

void Promoter::run(const ReleaseRequest& request, QObject* context, Callback<ReleaseOutcome> done) {
    auto job = std::make_shared<Job>();
    job->request = request;
    job->done = GuardedCallback<ReleaseOutcome>(context, std::move(done));

    emit stepStarted(u"Checking that %1 may move"_s.arg(request.tag));
    const QString tagProblem = tagValidationError(request.tag);
    if (!tagProblem.isEmpty())
        return fail(job, tagProblem, Outcome::Refused);
    const TagKind kind = m_classifier.classify(request.tag);
    if (kind == TagKind::Other)
        return fail(job,
                    u"%1 fits no tag scheme (not a version, commit, environment or latest), so "
                    u"nothing says it may move and Berth never moves it. Promote to an "
                    u"environment tag instead."_s.arg(request.tag),
                    Outcome::Refused);
    if (!isMutableKind(kind))
        return fail(
            job,
            u"%1 is an immutable tag (kind %2): it names one build forever and is never "
            u"moved. Promote to an environment tag instead."_s.arg(request.tag, tagKindName(kind)),
            Outcome::Refused);
    if (!m_history)
        return fail(job, u"No history database is open, so the action could not be audited; "
                         u"nothing was changed."_s);
    if (request.transport == RetagTransport::Engine && !m_engineRetag)
        return fail(job, u"The engine transport is not available in this build."_s);
    resolveSource(job);
}

void Promoter::prepare(const ReleaseRequest& request, QObject* context, Callback<QString> current) {
    GuardedCallback<QString> callback(context, std::move(current));
    const QString repository = request.repository;
    currentDigest(repository, request.tag, this,
                  [this, repository, callback](Result<QString> digest) mutable {
                      // The engine pushes with credentials of its own; a token fetched here
                      // for the registry transport costs nothing if unused.
                      if (digest)
                          m_client->authorizePush(repository, this, [](Result<Unit>) {});
                      callback(std::move(digest));
                  });
}

void Promoter::resolveSource(const JobPtr& job) {
    const ReleaseRequest& request = job->request;
    if (isValidDigest(request.source)) {
        job->outcome.toDigest = request.source;
        return loadManifest(job);
    }
    if (!isValidTag(request.source))
        return fail(job,
                    u"\"%1\" is neither a tag nor a digest of %2."_s.arg(request.source,
                                                                         request.repository),
                    Outcome::Refused);
    emit stepStarted(u"Resolving %1"_s.arg(request.source));
    m_client->headManifest(request.repository, request.source, this,
                           [this, job](Result<ManifestHead> head) {
                               if (!head)
                                   return fail(job, head.error().message);
                               job->outcome.toDigest = head->digest;
                               loadManifest(job);
                           });
}

void Promoter::loadManifest(const JobPtr& job) {
    // The retag PUTs the exact stored bytes; a GET by digest verifies them if not cached.
    const QString digest = job->outcome.toDigest;
    m_history->run<std::optional<ManifestBlob>>(
        this, [digest](HistoryStore& store) { return store.manifest(digest); },
        [this, job](Result<std::optional<ManifestBlob>> cached) {
            if (cached && cached.value())
                return useCachedManifest(job, *cached.value());
            fetchManifest(job);
        });
}

void Promoter::useCachedManifest(const JobPtr& job, const ManifestBlob& cached) {
    // The cache may be a database the whole team writes to: bytes that do not hash to the
    // digest would put something else under the tag than the build asked for.
    const QString mismatch = verifyDigest(cached.bytes, job->outcome.toDigest);
    if (mismatch.isEmpty()) {
        job->manifest = cached;
        return compareBeforeSwap(job);
    }
    const QString digest = job->outcome.toDigest;
    m_history->run<Unit>(
        this, [digest](HistoryStore& store) { return store.forgetManifest(digest); },
        [this, job, mismatch](Status forgotten) {
            fail(job,
                 u"The history database's copy of manifest %1 is damaged or was tampered with "
                 u"(%2), so nothing was changed. %3"_s.arg(
                     shortDigest(job->outcome.toDigest), mismatch,
                     forgotten
                         ? u"The copy was removed; retry to read the manifest from the "
                           u"registry."_s
                         : u"Removing the copy failed too: %1"_s.arg(forgotten.errorMessage())),
                 Outcome::Refused);
        });
}

void Promoter::fetchManifest(const JobPtr& job) {
    emit stepStarted(u"Reading the manifest of %1"_s.arg(shortDigest(job->outcome.toDigest)));
    m_client->getManifest(job->request.repository, job->outcome.toDigest, this,
                          [this, job](Result<ManifestBlob> blob) {
                              if (!blob)
                                  return fail(job, blob.error().message);
                              job->manifest = blob.value();
                              compareBeforeSwap(job);
                          });
}

void Promoter::currentDigest(const QString& repository, const QString& tag, QObject* context,
                             Callback<QString> done) {
    GuardedCallback<QString> callback(context, std::move(done));
    m_client->headManifest(repository, tag, this, [callback](Result<ManifestHead> head) mutable {
        if (head)
            return callback(head->digest);
        if (head.error().httpStatus == 404)
            return callback(QString()); // the tag does not exist yet
        callback(head.error());
    });
}

void Promoter::compareBeforeSwap(const JobPtr& job) {
    const ReleaseRequest& request = job->request;
    if (MediaTypes::isIndex(job->manifest.mediaType) && request.transport == RetagTransport::Engine)
        return fail(
            job,
            u"%1 is a multi-arch image; an engine keeps only one platform of it on push. "
            u"Use the registry transport (--via registry) to move %2 with every platform."_s.arg(
                shortDigest(job->outcome.toDigest), request.tag),
            Outcome::Refused);
    if (request.expectedCurrent && *request.expectedCurrent != job->outcome.toDigest) {
        // Where the person saw the tag is already what the swap expects: the look taken once
        // the pending row is written compares against it, so no look is needed before it.
        // A tag moved meanwhile is then refused with an audit row that says so.
        job->outcome.fromDigest = *request.expectedCurrent;
        return retag(job);
    }
    emit stepStarted(u"Reading where %1 points now"_s.arg(request.tag));
    currentDigest(request.repository, request.tag, this, [this, job](Result<QString> current) {
        if (!current)
            return fail(job, current.error().message);
        const ReleaseRequest& request = job->request;
        job->outcome.fromDigest = current.value();
        job->fromSeenAt = QDateTime::currentDateTimeUtc();
        if (request.expectedCurrent && *request.expectedCurrent != current.value())
            return refuseMovedSinceSeen(job, current.value());
        if (current.value() == job->outcome.toDigest) {
            job->outcome.alreadyThere = true;
            job->outcome.resultDigest = current.value();
            job->outcome.note = u"%1 already points at %2; nothing to do."_s.arg(
                request.tag, shortDigest(current.value()));
            return job->done(job->outcome);
        }
        retag(job);
    });
}

void Promoter::refuseMovedSinceSeen(const JobPtr& job, const QString& current) {
    const ReleaseRequest& request = job->request;
    const QString message = u"%1 moved since you looked: it points at %2, not %3."_s.arg(
        request.tag, shortDigest(current),
        shortDigest(request.expectedCurrent.value_or(QString())));
    m_history->run<QString>(
        this,
        [request, current](HistoryStore& store) -> Result<QString> {
            return whoMoved(store, request, current);
        },
        [this, job, message](Result<QString> who) {
            const QString told = who && !who->isEmpty() ? message + u' ' + *who : message;
            fail(job, told + u" Nothing was changed; look again and retry."_s, Outcome::Refused);
        });
}

void Promoter::retag(const JobPtr& job) {
    const ReleaseRequest& request = job->request;
    // The audit row exists before the registry is touched, so a crash mid-retag leaves
    // a pending record that the next start reconciles.
    Action action;
    action.registry = request.registry;
    action.repository = request.repository;
    action.tag = request.tag;
    action.fromDigest = job->outcome.fromDigest;
    action.toDigest = job->outcome.toDigest;
    action.kind = request.kind;
    action.transport = transportName(request.transport);
    action.reason = request.reason;
    action.trainId = request.trainId;
    m_history->run<qint64>(
        this, [action](HistoryStore& store) { return store.beginAction(action); },
        [this, job](Result<qint64> id) {
            if (!id && id.error().code == HistoryStore::kActionInProgress)
                return settleAbandonedOrRefuse(job, id.error().message);
            if (!id)
                return fail(job,
                            u"Could not write the audit record, so nothing was changed: %1"_s.arg(
                                id.error().message));
            job->outcome.actionId = id.value();
            retagAudited(job);
        });
}

void Promoter::retagAudited(const JobPtr& job) {
    const ReleaseRequest& request = job->request;

    // Compare now that the pending row is written: between the first look (or the person's,
    // when the request says where they saw the tag) and this row, another Berth may have
    // moved the tag.
    currentDigest(request.repository, request.tag, this, [this, job](Result<QString> current) {
        if (!current)
            return fail(job, current.error().message);
        const ReleaseRequest& request = job->request;
        if (current.value() != job->outcome.fromDigest && request.expectedCurrent)
            return refuseMovedSinceSeen(job, current.value());
        if (current.value() != job->outcome.fromDigest)
            return fail(job,
                        u"%1 moved while this %2 was starting: it now points at %3. Nothing was "
                        u"changed; look again and retry."_s.arg(request.tag,
                                                                actionKindName(request.kind),
                                                                shortDigest(current.value())),
                        Outcome::Refused);
        job->fromSeenAt = QDateTime::currentDateTimeUtc();
        emit stepStarted(
            u"Pointing %1 at %2"_s.arg(request.tag, shortDigest(job->outcome.toDigest)));
        auto next = [this, job](Result<QString> pushed) {
            if (!pushed && pushed.error().outcome == Outcome::NoAnswer)
                return leavePending(job, pushed.error().message);
            if (!pushed)
                return fail(job, pushed.error().message);
            verify(job, pushed.value());
        };
        if (request.transport == RetagTransport::Engine)
            m_engineRetag(request, job->outcome.toDigest, job->manifest.mediaType, this, next);
        else
            // The engine's retag answers no stored digest, so both ways verify by reading
            // the tag back.
            m_client->putManifest(request.repository, request.tag, job->manifest, this,
                                  [next](Result<ManifestPut> put) {
                                      next(put ? Result<QString>(put->digest)
                                               : Result<QString>(put.error()));
                                  });
    });
}

void Promoter::verify(const JobPtr& job, const QString& pushedDigest) {
    emit stepStarted(u"Verifying %1"_s.arg(job->request.tag));
    currentDigest(
        job->request.repository, job->request.tag, this,
        [this, job, pushedDigest](Result<QString> now) {
            if (!now && now.error().httpStatus == 0)
                return leavePending(job, now.error().message);
            if (!now)
                return fail(job, u"The retag was sent but could not be verified: %1"_s.arg(
                                     now.error().message));
            const ReleaseRequest& request = job->request;
            job->outcome.resultDigest = now.value();
            if (now.value() != pushedDigest)
                return fail(job,
                            u"After the retag %1 points at %2, not at %3."_s.arg(
                                request.tag, shortDigest(now.value()), shortDigest(pushedDigest)));
            if (pushedDigest != job->outcome.toDigest)
                job->outcome.note =
                    u"The engine re-encoded the manifest: %1 now has digest %2 (same config "
                    u"and layers as %3)."_s.arg(request.tag, pushedDigest, job->outcome.toDigest);
            recordSuccess(job, now.value());
        });
}

void Promoter::recordSuccess(const JobPtr& job, const QString& now) {
    m_history->run<Unit>(
        this,
        [request = job->request, id = job->outcome.actionId, note = job->outcome.note,
         from = job->outcome.fromDigest, fromSeenAt = job->fromSeenAt,
         now](HistoryStore& store) -> Status {
            // One durable commit for the row and both positions: each write is undone alone
            // if it fails, so a position that cannot be recorded never keeps the row pending.
            Status finished = success();
            Result<RecordSummary> recorded = RecordSummary{};
            const Status committed = store.durably(u"record the move"_s, [&]() -> Status {
                finished = finishAuditRow(store, request, id, ActionState::Succeeded, note);
                recorded = recordMove(store, request, from, fromSeenAt, now);
                return success();
            });
            if (!committed)
                return committed;
            if (!finished)
                return finished;
            if (!recorded)
                return recorded.error();
            return success();
        },
        [job](Status recorded) {
            if (!recorded)
                job->outcome.note += u" The retag succeeded but the history database could not "
                                     u"record it: %1"_s.arg(recorded.errorMessage());
            job->outcome.note = QString(job->settledNote + job->outcome.note).trimmed();
            job->done(job->outcome);
        });
}

qint64 Promoter::abandonedAfterMs(const QString& transport) const {
    if (transport == transportName(RetagTransport::Engine))
        return kPendingGraceMs; // a push through an engine may take minutes
    // The longest a registry retag can still be at work: every attempt of its PUT running
    // into the transfer timeout, with the longest Retry-After waited between them.
    const RegistryOptions& options = m_client->transport()->options();
    const qint64 attempts = qMax(0, options.maxRetries) + 1;
    return attempts * qMax(0, options.transferTimeoutMs) +
           (attempts - 1) * qMax(0, options.maxRetryAfterSeconds) * 1000;
}

void Promoter::settleAbandonedOrRefuse(const JobPtr& job, const QString& inProgress) {
    m_history->run<QList<Action>>(
        this, [](HistoryStore& store) { return store.pendingActions(); },
        [this, job, inProgress](Result<QList<Action>> all) {
            std::optional<Action> pending;
            if (all) {
                const ReleaseRequest& request = job->request;
                for (const Action& action : all.value()) {
                    if (action.registry == request.registry &&
                        action.repository == request.repository && action.tag == request.tag)
                        pending = action;
                }
            }
            settlePending(job, inProgress, pending);
        });
}

void Promoter::settlePending(const JobPtr& job, const QString& inProgress,
                             const std::optional<Action>& pending) {
    const ReleaseRequest& request = job->request;
    if (!pending)
        return fail(job, inProgress + u" Nothing was changed."_s, Outcome::Refused);
    const qint64 abandonedAfter = abandonedAfterMs(pending->transport);
    const QDateTime abandonedAt = pending->time.addMSecs(abandonedAfter);
    if (job->settledAbandoned || QDateTime::currentDateTimeUtc() < abandonedAt)
        return fail(job,
                    u"%1 is being moved by %2 on %3 (audit row #%4, started %5). Nothing was "
                    u"changed. If that process is gone (interrupted or crashed), its row is "
                    u"checked against the registry and settled from %6 on: retry then."_s.arg(
                        request.tag, pending->user, pending->host, QString::number(pending->id),
                        pending->time.toLocalTime().toString(u"HH:mm:ss"_s),
                        abandonedAt.toLocalTime().toString(u"HH:mm:ss"_s)),
                    Outcome::Refused);

    // Older than any move can take: the process that wrote it stopped (Ctrl+C, a crash,
    // a lost answer). Only the registry can say whether its retag landed, so ask it.
    job->settledAbandoned = true;
    emit stepStarted(u"Audit row #%1 (%2 by %3, started %4) was left pending: checking the "
                     u"registry to settle it"_s.arg(QString::number(pending->id),
                                                    actionKindName(pending->kind), pending->user,
                                                    pending->time.toString(Qt::ISODate)));
    currentDigest(request.repository, request.tag, this,
                  [this, job, abandonedAfter](Result<QString> current) {
                      if (!current)
                          return fail(job, u"A move of %1 left pending could not be checked, so "
                                           u"nothing was changed: %2"_s.arg(
                                               job->request.tag, current.error().message));
                      BuildCollection found;
                      found.repository = job->request.repository;
                      found.tagDigests.insert(job->request.tag, current.value());
                      m_history->run<ReconcileResult>(
                          this,
                          [registry = job->request.registry, found,
                           abandonedAfter](HistoryStore& store) -> Result<ReconcileResult> {
                              return reconcilePendingActions(store, registry, found,
                                                             QDateTime::currentDateTimeUtc(),
                                                             abandonedAfter);
                          },
                          [this, job](Result<ReconcileResult> settled) {
                              const QString problem = !settled ? settled.errorMessage()
                                                      : !settled->problems.isEmpty()
                                                          ? settled->problems.first()
                                                          : QString();
                              if (!problem.isEmpty())
                                  return fail(job, u"A move of %1 left pending could not be "
                                                   u"settled, so nothing was changed: %2"_s.arg(
                                                       job->request.tag, problem));
                              for (const SettledAction& action : settled->settled)
                                  job->settledNote += describe(action) + u' ';
                              retag(job);
                          });
                  });
}

void Promoter::fail(const JobPtr& job, const QString& message, Outcome outcome) {
    if (job->outcome.actionId == 0)
        return job->done(Result<ReleaseOutcome>::failure(outcome, job->settledNote + message));
    // A refusal after the row was written (the tag moved since it was seen) says so in it.
    const QString recorded = outcome == Outcome::Refused ? refusedActionError(message) : message;
    m_history->run<Unit>(
        this,
        [request = job->request, id = job->outcome.actionId, recorded](HistoryStore& store) {
            return finishAuditRow(store, request, id, ActionState::Failed, recorded);
        },
        [job, message, outcome](Status recorded) {
            if (!recorded)
                return job->done(Result<ReleaseOutcome>::failure(
                    outcome, message + u" (The audit row %1 stays pending: %2)"_s.arg(
                                           QString::number(job->outcome.actionId),
                                           recorded.errorMessage())));
            job->done(Result<ReleaseOutcome>::failure(outcome, job->settledNote + message));
        });
}

void Promoter::leavePending(const JobPtr& job, const QString& cause) {
    // The registry may have carried the retag out without the answer reaching us: only
    // a later look can tell, so the audit row stays pending for reconciliation.
    job->done(Result<ReleaseOutcome>::failure(
        Outcome::Unsettled,
        u"%1 The outcome is unknown: audit row #%2 stays pending and is settled by the next "
        u"refresh or berthctl record."_s.arg(cause, QString::number(job->outcome.actionId))));
}

} // namespace berth
