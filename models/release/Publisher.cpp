#include "release/Publisher.h"

#include "history/HistoryAccess.h"
#include "history/HistoryStore.h"
#include "registry/BuildCollector.h"
#include "registry/ImageReference.h"
#include "registry/ManifestCache.h"
#include "registry/RegistryClient.h"
#include "release/ReleaseTypes.h"

#include <QDateTime>
#include <QSet>

using namespace Qt::StringLiterals;

namespace berth {

struct Publisher::Job {
    PublishRequest request;
    GuardedCallback<PublishOutcome> done;
    PublishOutcome outcome;
    ManifestBlob manifest;
    QMap<QString, QString> labels;
    QStringList floatingTags;       // the set's floating tags, looked at when listed
    QStringList registryTags;       // every tag the repository holds
    QMap<QString, QString> current; // tag -> digest when looked at ("" = absent)
    QDateTime lookedAt;
    int waiting = 0;                // answers still to come in the current step
    QString problem;                // the first failure of the current step
    QMap<QString, qint64> rows;     // tag -> its pending audit row
    QMap<QString, QString> results; // tag -> where it points after the PUT ("" = unknown)
    QMap<QString, QString> errors;  // tag -> why its PUT or read-back failed

    // Counts an answer of a parallel step; true when it was the last.
    bool answered() { return --waiting == 0; }
    // Keeps the first failure of a parallel step: the one a person should read.
    void fail(const QString& message) {
        if (problem.isEmpty())
            problem = message;
    }
};

namespace {

QString shortDigest(const QString& digest) {
    return digest.isEmpty() ? u"(absent)"_s : digest.left(19);
}

} // namespace

Publisher::Publisher(RegistryClient* client, HistoryAccess* history, QObject* parent)
    : QObject(parent)
    , m_client(client)
    , m_history(history) {
}

Publisher::Publisher(RegistryClient* client, HistoryStore* store, QObject* parent)
    : Publisher(client, static_cast<HistoryAccess*>(nullptr), parent) {
    if (store) {
        m_ownHistory = std::make_unique<InlineHistory>(store);
        m_history = m_ownHistory.get();
    }
}

Publisher::~Publisher() = default;

void Publisher::run(const PublishRequest& request, QObject* context,
                    Callback<PublishOutcome> done) {
    auto job = std::make_shared<Job>();
    job->request = request;
    job->done = GuardedCallback<PublishOutcome>(context, std::move(done));
    if (!isValidDigest(request.builtRef) && !isValidTag(request.builtRef))
        return job->done(Result<PublishOutcome>::failure(
            Outcome::Refused, u"\"%1\" is neither a tag nor a digest of %2."_s.arg(
                                  request.builtRef, request.repository)));
    if (!m_history && !request.dryRun)
        return job->done(Result<PublishOutcome>::failure(
            u"No history database is open, so the tags could not be audited; nothing was "
            u"published."_s));
    // The tag set's names do not depend on what the registry holds (only whether a
    // floating tag moves does), so the build, the tag list and where each immutable tag of
    // the set points are read at once. A floating tag is looked at only when the list
    // holds it (one it lacks is absent, as a HEAD would answer), so a first publish asks
    // fewer questions. An immutable tag is always asked about: a registry's list may lag
    // behind a tag another pipeline wrote a moment ago, and overwriting a release is the
    // mistake publish exists to prevent.
    const PublishTagSet names = publishTagSet(request.policy, request.subject, {});
    QStringList immutableTags;
    for (const PublishCandidate& candidate : names.candidates) {
        if (candidate.tag == request.builtRef) // its GET answers where it points
            continue;
        (request.policy.isImmutable(candidate.kind) ? immutableTags : job->floatingTags)
            .append(candidate.tag);
    }
    job->waiting = 2 + int(immutableTags.size());
    job->lookedAt = QDateTime::currentDateTimeUtc();
    emit stepStarted(u"Reading the build %1 and where %2 tag(s) point"_s.arg(request.builtRef)
                         .arg(names.candidates.size()));
    // One GET answers both the digest and the bytes every PUT will carry.
    m_client->getManifest(request.repository, request.builtRef, this,
                          [this, job](Result<ManifestBlob> blob) {
                              if (!blob) {
                                  job->fail(blob.errorMessage());
                                  if (job->answered())
                                      settle(job);
                                  return;
                              }
                              job->manifest = blob.value();
                              job->request.subject.digest = blob->digest;
                              readBuild(job);
                          });
    readTagList(job);
    for (const QString& tag : immutableTags)
        lookAt(job, tag);
}

void Publisher::readBuild(const JobPtr& job) {
    auto cache = std::make_shared<MemoryManifestCache>();
    cache->storeManifest(job->manifest);
    auto* collector = new BuildCollector(m_client, cache.get(), {}, this);
    collector->readDigests(
        job->request.repository, {{job->manifest.digest, {}}}, this,
        [this, job, collector, cache](Result<BuildCollection> read) {
            collector->deleteLater();
            if (!read)
                job->fail(read.errorMessage());
            else if (read->builds.isEmpty() || !read->builds.first().problem.isEmpty())
                job->fail(u"The build's image configuration could not be read: %1"_s.arg(
                    read->builds.isEmpty() ? u"no build"_s : read->builds.first().problem));
            else
                job->labels = read->builds.first().labels;
            if (job->answered())
                settle(job);
        });
}

void Publisher::readTagList(const JobPtr& job) {
    m_client->listTags(job->request.repository, this, [this, job](Result<QStringList> tags) {
        if (!tags) {
            job->fail(tags.errorMessage());
        } else {
            job->registryTags = tags.value();
            const QSet<QString> listed(job->registryTags.cbegin(), job->registryTags.cend());
            for (const QString& tag : std::as_const(job->floatingTags)) {
                if (!listed.contains(tag))
                    continue;
                ++job->waiting;
                lookAt(job, tag);
            }
        }
        if (job->answered())
            settle(job);
    });
}

void Publisher::lookAt(const JobPtr& job, const QString& tag) {
    m_client->headManifest(job->request.repository, tag, this,
                           [this, job, tag](Result<ManifestHead> head) {
                               if (head)
                                   job->current.insert(tag, head->digest);
                               else if (head.error().httpStatus != 404)
                                   job->fail(head.errorMessage());
                               if (job->answered())
                                   settle(job);
                           });
}

void Publisher::settle(const JobPtr& job) {
    if (!job->problem.isEmpty())
        return job->done(Result<PublishOutcome>::failure(job->problem));
    const PublishRequest& request = job->request;
    if (isValidTag(request.builtRef))
        job->current.insert(request.builtRef, request.subject.digest);
    const PublishTagSet set = publishTagSet(request.policy, request.subject, job->registryTags);
    job->outcome.plan =
        settlePublishPlan(request.policy, request.repository, request.subject, set, job->current);
    plan(job);
}

void Publisher::plan(const JobPtr& job) {
    PublishPlan& plan = job->outcome.plan;
    const PublishRequest& request = job->request;
    const QString revision = revisionRefusal(job->labels, request.subject.commit);
    if (!revision.isEmpty())
        plan.refusals.prepend(revision);
    const QStringList missing = missingRequiredLabels(request.policy, job->labels);
    if (!missing.isEmpty())
        plan.refusals.append(
            u"The policy requires every build to carry %1; this one lacks %2."_s.arg(
                request.policy.requiredLabels.join(u", "_s), missing.join(u", "_s)));
    if (plan.refused() || request.dryRun || plan.changes().isEmpty())
        return job->done(job->outcome);
    beginAuditRows(job);
}

void Publisher::beginAuditRows(const JobPtr& job) {
    QList<Action> actions;
    for (const PublishStep& step : job->outcome.plan.changes()) {
        Action action;
        action.registry = job->request.registry;
        action.repository = job->request.repository;
        action.tag = step.tag;
        action.fromDigest = step.now;
        action.toDigest = step.after;
        action.kind = ActionKind::Publish;
        action.transport = transportName(RetagTransport::Registry);
        action.reason = job->request.reason;
        actions.append(action);
    }
    // Every row before any PUT, in one durable commit: a publish that cannot be audited in
    // full changes nothing and leaves no row behind.
    m_history->run<QMap<QString, qint64>>(
        this,
        [actions](HistoryStore& store) -> Result<QMap<QString, qint64>> {
            QMap<QString, qint64> rows;
            const Status written = store.durably(u"write the audit log"_s, [&]() -> Status {
                for (const Action& action : actions) {
                    const Result<qint64> id = store.beginAction(action);
                    if (!id)
                        return id.error();
                    rows.insert(action.tag, id.value());
                }
                return success();
            });
            if (!written)
                return written.error();
            return rows;
        },
        [this, job](Result<QMap<QString, qint64>> rows) {
            if (!rows && rows.error().code == HistoryStore::kActionInProgress)
                return job->done(Result<PublishOutcome>::failure(
                    Outcome::Refused, rows.errorMessage() + u" Nothing was published."_s));
            if (!rows)
                return job->done(Result<PublishOutcome>::failure(
                    u"Could not write the audit records, so nothing was published: %1"_s.arg(
                        rows.errorMessage())));
            job->rows = rows.value();
            for (const qint64 id : std::as_const(job->rows))
                job->outcome.actionIds.append(id);
            putTags(job);
        });
}

void Publisher::putTags(const JobPtr& job) {
    const QList<PublishStep> changes = job->outcome.plan.changes();
    emit stepStarted(
        u"Applying %1 tag(s) to %2"_s.arg(changes.size()).arg(shortDigest(job->manifest.digest)));
    job->waiting = int(changes.size());
    for (const PublishStep& step : changes) {
        const QString tag = step.tag;
        m_client->putManifest(job->request.repository, tag, job->manifest, this,
                              [this, job, tag](Result<ManifestPut> pushed) {
                                  if (!pushed)
                                      job->errors.insert(tag, pushed.errorMessage());
                                  else if (pushed->confirmedByRegistry)
                                      job->results.insert(tag, pushed->digest);
                                  if (job->answered())
                                      readBack(job);
                              });
    }
}

void Publisher::readBack(const JobPtr& job) {
    // A tag whose PUT answer named the stored digest is settled by that answer: a HEAD now
    // would learn the same, one request per tag later. The others are read back.
    QStringList unconfirmed;
    for (auto it = job->rows.cbegin(); it != job->rows.cend(); ++it) {
        if (!job->errors.contains(it.key()) && !job->results.contains(it.key()))
            unconfirmed.append(it.key());
    }
    if (unconfirmed.isEmpty())
        return finishAuditRows(job);
    emit stepStarted(u"Verifying %1 tag(s)"_s.arg(unconfirmed.size()));
    job->waiting = int(unconfirmed.size());
    for (const QString& tag : unconfirmed) {
        m_client->headManifest(
            job->request.repository, tag, this, [this, job, tag](Result<ManifestHead> head) {
                if (!head)
                    job->errors.insert(
                        tag, u"sent, but could not be read back: %1"_s.arg(head.errorMessage()));
                else if (head->digest != job->manifest.digest)
                    job->errors.insert(
                        tag, u"after the PUT it points at %1, not at the build: "
                             u"someone else wrote it meanwhile"_s.arg(shortDigest(head->digest)));
                else
                    job->results.insert(tag, head->digest);
                if (job->answered())
                    finishAuditRows(job);
            });
    }
}

void Publisher::finishAuditRows(const JobPtr& job) {
    const QString registry = job->request.registry;
    const QString repository = job->request.repository;
    QList<PublishStep> changes = job->outcome.plan.changes();
    m_history->run<Unit>(
        this,
        [job, registry, repository, changes](HistoryStore& store) -> Status {
            const QString observer = currentObserver(u"berth"_s);
            Status status = success();
            // Every row is finished even when one write fails; the first failure is told.
            auto keep = [&status](const auto& step) {
                if (!step && status)
                    status = step.error();
            };
            // One durable commit for every row and position; a write that fails is undone
            // alone.
            keep(store.durably(u"record the published tags"_s, [&]() -> Status {
                for (const PublishStep& step : changes) {
                    const qint64 id = job->rows.value(step.tag);
                    if (job->errors.contains(step.tag)) {
                        keep(store.finishAction(id, ActionState::Failed,
                                                job->errors.value(step.tag)));
                        continue;
                    }
                    keep(store.finishAction(id, ActionState::Succeeded));
                    if (!step.now.isEmpty())
                        keep(store.recordObservations(registry, repository, {{step.tag, step.now}},
                                                      job->lookedAt, observer));
                    keep(store.recordObservations(registry, repository, {{step.tag, step.after}},
                                                  QDateTime::currentDateTimeUtc(), observer));
                }
                return success();
            }));
            return status;
        },
        [job, changes](Status recorded) {
            for (const PublishStep& step : changes) {
                if (job->errors.contains(step.tag))
                    job->outcome.failed.append(
                        u"%1: %2"_s.arg(step.tag, job->errors.value(step.tag)));
                else
                    job->outcome.applied.append(step.tag);
            }
            if (!recorded)
                job->outcome.failed.append(
                    u"The tags were applied but the history database "
                    u"could not record it all: %1"_s.arg(recorded.errorMessage()));
            job->done(job->outcome);
        });
}

} // namespace berth
