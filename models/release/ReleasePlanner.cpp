#include "release/ReleasePlanner.h"

#include "core/WhenFinished.h"
#include "git/RevisionDiff.h"
#include "history/HistoryStore.h"
#include "registry/BuildCollector.h"
#include "registry/ImageReference.h"
#include "registry/RegistryClient.h"

#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

// How many commits a plan lists per side; the totals are always exact.
constexpr int kPlanCommitCap = 20;

PlanSide sideOf(const QList<Build>& builds, const QString& digest) {
    PlanSide side;
    side.digest = digest;
    for (const Build& build : builds) {
        if (build.digest != digest)
            continue;
        for (const ClassifiedTag& tag : build.tags)
            side.tags.append(tag.name);
        side.created = build.created;
        side.revision = build.revision;
        break;
    }
    return side;
}

QString resolveSource(const PlanInput& input) {
    const QString& source = input.request.source;
    if (isValidDigest(source))
        return source;
    if (!input.tagDigests.isEmpty())
        return input.tagDigests.value(source);
    for (const Build& build : input.builds) {
        for (const ClassifiedTag& tag : build.tags) {
            if (tag.name == source)
                return build.digest;
        }
    }
    return {};
}

// A build marked bad for the environment can still be the right one (the verdict may be
// stale), but never by accident: the person acknowledges it.
void warnAboutBadTarget(ReleasePlan& plan, const RollbackFacts& facts) {
    if (plan.to.digest.isEmpty())
        return;
    const QHash<QString, Verdict> verdicts = latestVerdictsFor(facts.verdicts, plan.tag);
    const auto verdict = verdicts.constFind(plan.to.digest);
    if (verdict == verdicts.constEnd() || verdict->verdict != VerdictKind::Bad)
        return;
    plan.warnings.append({kBadBuildNote,
                          u"%1 is %2. Moving %3 onto it needs an explicit acknowledgement."_s.arg(
                              shortPlanDigest(plan.to.digest), describeVerdict(*verdict), plan.tag),
                          true});
}

} // namespace

ReleasePlanner::ReleasePlanner(TagClassifier classifier)
    : m_classifier(std::move(classifier)) {
    addCheck(&warnAboutBadTarget);
}

Result<RollbackFacts> ReleasePlanner::readFacts(HistoryStore& store, const QString& registry,
                                                const QString& repository, const QString& tag) {
    const auto history = store.tagHistory(registry, repository, tag);
    if (!history)
        return history.error();
    const auto verdicts = store.verdicts(registry, repository);
    if (!verdicts)
        return verdicts.error();
    ActionFilter filter;
    filter.registry = registry;
    filter.repository = repository;
    const auto actions = store.actions(filter);
    if (!actions)
        return actions.error();
    const auto positions = store.positionsOfRepository(registry, repository);
    if (!positions)
        return positions.error();
    return RollbackFacts{history.value(), verdicts.value(), actions.value(), positions.value()};
}

ReleasePlan ReleasePlanner::plan(const PlanInput& input, const RollbackFacts& facts) const {
    const ReleaseRequest& request = input.request;
    ReleasePlan plan;
    plan.kind = request.kind;
    plan.registry = request.registry;
    plan.repository = request.repository;
    plan.tag = request.tag;
    plan.source = request.source;
    plan.from = sideOf(input.builds, input.current);

    // An immutable tag is refused before anything else: whatever else the plan would
    // say (no rollback target, say) is not the reason it cannot move.
    const TagKind kind = m_classifier.classify(request.tag);
    if (!isMutableKind(kind)) {
        plan.refusals.append(
            {kImmutableTagNote,
             u"%1 is an immutable tag (kind %2): it names one build forever and is never "
             u"moved. %3"_s.arg(request.tag, tagKindName(kind),
                                request.kind == ActionKind::Rollback
                                    ? u"Roll back an environment tag instead."_s
                                    : u"Promote to an environment tag instead."_s),
             false});
        return plan;
    }

    QString target;
    if (request.kind == ActionKind::Rollback && request.source.isEmpty()) {
        const Result<RollbackTarget> chosen =
            chooseRollbackTarget(request.tag, input.current, facts);
        // What was passed over is part of the answer even when nothing is left.
        plan.skipped = findRollbackTarget(request.tag, input.current, facts).skipped;
        if (chosen)
            target = chosen->digest;
        else
            plan.refusals.append({kNoRollbackTargetNote, chosen.errorMessage(), false});
    } else {
        target = resolveSource(input);
        if (target.isEmpty())
            plan.refusals.append(
                {kUnknownSourceNote,
                 u"%1 has no tag or digest \"%2\"."_s.arg(request.repository, request.source),
                 false});
    }
    plan.to = sideOf(input.builds, target);
    for (const PlanCheck& check : m_checks)
        check(plan, facts);
    return plan;
}

QFuture<ReleasePlan> ReleasePlanner::withCommits(ReleasePlan plan, const QString& clonePath) {
    PlanCommits& commits = plan.commits;
    if (clonePath.isEmpty()) {
        commits.state = PlanCommits::State::Unknown;
        commits.note = u"no git clone linked"_s;
    } else if (plan.from.digest.isEmpty()) {
        commits.state = PlanCommits::State::Unknown;
        commits.note =
            u"%1 does not exist yet: everything in the build is new to it"_s.arg(plan.tag);
    } else if (plan.from.revision.isEmpty() || plan.to.revision.isEmpty()) {
        commits.state = PlanCommits::State::Unknown;
        commits.note = u"%1 names no git commit (no revision label)"_s.arg(
            plan.from.revision.isEmpty() ? u"the current build"_s : u"the new build"_s);
    }
    if (commits.state == PlanCommits::State::Unknown || plan.to.digest.isEmpty())
        return QtFuture::makeReadyFuture(std::move(plan));
    return QtConcurrent::run([plan = std::move(plan), clonePath]() mutable {
        const Result<RevisionDiff> diff =
            RevisionDiff::compute(clonePath, plan.from.revision, plan.to.revision, kPlanCommitCap);
        if (!diff) {
            plan.commits.state = PlanCommits::State::Unknown;
            plan.commits.note = diff.errorMessage();
            return plan;
        }
        plan.commits.state = PlanCommits::State::Known;
        plan.commits.range = diff->range;
        plan.from.commitSummary = diff->from.summary;
        plan.to.commitSummary = diff->to.summary;
        // A move to a build that does not contain the current one takes work away.
        if (!diff->range.toDescendsFromFrom && plan.kind == ActionKind::Promote)
            plan.warnings.append({kNotDescendantNote,
                                  u"The new build does not contain the current one: %1 "
                                  u"commit(s) are lost."_s.arg(diff->range.lost.totalCount),
                                  false});
        return plan;
    });
}

void ReleasePlanner::planFromRegistry(RegistryClient* client, ManifestCache* cache,
                                      HistoryStore& store, const ReleaseRequest& request,
                                      const QString& clonePath, QObject* context,
                                      Callback<ReleasePlan> done) const {
    GuardedCallback<ReleasePlan> callback(context, std::move(done));
    auto* collector = new BuildCollector(client, cache, m_classifier, client);
    collector->collect(
        request.repository, context,
        [planner = *this, store = &store, request, clonePath, context, collector,
         callback](Result<BuildCollection> collection) mutable {
            collector->deleteLater();
            if (!collection)
                return callback(collection.error());
            const Result<RollbackFacts> facts =
                readFacts(*store, request.registry, request.repository, request.tag);
            if (!facts)
                return callback(Error::make(u"Could not read the history of %1: %2"_s.arg(
                    request.tag, facts.errorMessage())));
            PlanInput input{request, collection->tagDigests.value(request.tag), collection->builds,
                            collection->tagDigests};
            ReleasePlan plan = planner.plan(input, facts.value());
            if (clonePath.isEmpty() || plan.refused())
                return callback(std::move(plan));
            whenFinished(
                context, withCommits(std::move(plan), clonePath),
                [callback](const ReleasePlan& withCommits) mutable { callback(withCommits); });
        });
}

void ReleasePlanner::planFromHistory(RegistryClient* client, ManifestCache& cache,
                                     HistoryStore& store, const ReleaseRequest& request,
                                     QObject* context, Callback<ReleasePlan> done) const {
    GuardedCallback<ReleasePlan> callback(context, std::move(done));
    // Where every tag was last seen; the two that matter are read fresh below.
    QMap<QString, QString> tagDigests;
    if (const Result<QList<TagPosition>> positions =
            store.positionsOfRepository(request.registry, request.repository);
        positions) {
        for (const TagPosition& position : positions.value()) {
            if (!tagDigests.contains(position.tag)) // newest first within a tag
                tagDigests.insert(position.tag, position.digest);
        }
    }
    const bool sourceIsTag = !request.source.isEmpty() && !isValidDigest(request.source);
    QStringList fresh{request.tag};
    if (sourceIsTag && request.source != request.tag)
        fresh.append(request.source);
    auto answers = std::make_shared<QMap<QString, Result<QString>>>();
    for (const QString& tag : fresh) {
        client->headManifest(
            request.repository, tag, context,
            [=, planner = *this, &cache, &store](Result<ManifestHead> head) mutable {
                if (head)
                    answers->insert(tag, head->digest);
                else if (head.error().httpStatus == 404)
                    answers->insert(tag, QString()); // absent
                else
                    answers->insert(tag, head.error());
                if (answers->size() < fresh.size())
                    return;
                for (auto it = answers->cbegin(); it != answers->cend(); ++it) {
                    if (!it.value())
                        return callback(it.value().error());
                    if (it.value().value().isEmpty())
                        tagDigests.remove(it.key());
                    else
                        tagDigests.insert(it.key(), it.value().value());
                }
                const Result<RollbackFacts> facts =
                    readFacts(store, request.registry, request.repository, request.tag);
                if (!facts)
                    return callback(Error::make(u"Could not read the history of %1: %2"_s.arg(
                        request.tag, facts.errorMessage())));
                const BuildCollection known = BuildCollector::fromCache(
                    request.repository, tagDigests, cache, planner.m_classifier);
                const PlanInput input{request, tagDigests.value(request.tag), known.builds,
                                      tagDigests};
                callback(planner.plan(input, facts.value()));
            });
    }
}

Status checkEnvironmentName(const QString& name, const QStringList& repositoryTags,
                            const TagClassifier& classifier) {
    if (repositoryTags.contains(name) || classifier.classify(name) == TagKind::Environment)
        return success();
    QStringList all = repositoryTags;
    for (const QString& other : classifier.environmentNames()) {
        if (!all.contains(other))
            all.append(other);
    }
    const TagKind kind = classifier.classify(name);
    const QString what = kind == TagKind::Other
                             ? u"is not an environment Berth knows"_s
                             : u"is a %1 tag, not an environment"_s.arg(tagKindName(kind));
    return Status::failure(
        u"\"%1\" %2. Known environments: %3."_s.arg(name, what, all.join(u", "_s)));
}

QStringList environmentChoices(const QStringList& repositoryTags, const QStringList& extra,
                               const TagClassifier& classifier) {
    QStringList choices;
    for (const QString& tag : repositoryTags) {
        if (classifier.classify(tag) == TagKind::Environment && !choices.contains(tag))
            choices.append(tag);
    }
    for (const QString& name : extra) {
        if (!choices.contains(name))
            choices.append(name);
    }
    return choices;
}

} // namespace berth
