#pragma once

// Builds the release plan both front-ends show: resolves the build asked for (or, for a
// rollback without one, the last good build before the current one), describes both
// ends from the repository's builds, runs the checks and, given a clone, reads the
// commits that move on a worker thread.
//
// Checks add warnings or refusals to the plan. The built-in ones refuse an immutable
// tag, an unknown source and a rollback with nowhere to go, and warn (needing an
// acknowledgement) about a build marked bad for the environment. Policy, signature and
// release-train checks are added with addCheck and see the same facts.

#include "core/Callback.h"
#include "registry/Build.h"
#include "registry/TagClassifier.h"
#include "release/ReleasePlan.h"
#include "release/ReleaseTypes.h"

#include <QFuture>
#include <QMap>

#include <functional>

namespace berth {

class HistoryStore;
class ManifestCache;
class RegistryClient;

// What is known of the repository when planning.
struct PlanInput {
    ReleaseRequest request;            // source "" with kind Rollback: choose the rollback target
    QString current;                   // where the tag points now ("" = absent)
    QList<Build> builds;               // the repository's builds (sides are described from them)
    QMap<QString, QString> tagDigests; // tag -> digest; empty: taken from the builds' tags
};

// Adds its findings to the plan; facts are the tag's history, verdicts and audit rows.
using PlanCheck = std::function<void(ReleasePlan& plan, const RollbackFacts& facts)>;

class ReleasePlanner {
public:
    explicit ReleasePlanner(TagClassifier classifier = {});

    void addCheck(PlanCheck check) { m_checks.append(std::move(check)); }

    // The history the plan needs for `tag`: its positions, the repository's verdicts and
    // audit rows, and every tag's positions. Runs on the store's thread.
    static Result<RollbackFacts> readFacts(HistoryStore& store, const QString& registry,
                                           const QString& repository, const QString& tag);

    // The plan without commits (commits.state NotAsked). Never fails: what stops the move
    // is a refusal in the plan.
    ReleasePlan plan(const PlanInput& input, const RollbackFacts& facts) const;

    // The plan with the commits between its two builds read from `clonePath`, on a worker
    // thread. Without a clone, or a side without a revision, says why instead.
    static QFuture<ReleasePlan> withCommits(ReleasePlan plan, const QString& clonePath);

    // Everything from the registry: the builds (through `cache`, may be null), where the
    // tag points, the history in `store`, then the commits when `clonePath` is given.
    // Fails only when the registry or the history cannot be read.
    void planFromRegistry(RegistryClient* client, ManifestCache* cache, HistoryStore& store,
                          const ReleaseRequest& request, const QString& clonePath, QObject* context,
                          Callback<ReleasePlan> done) const;

    // The same plan from two requests at most: HEADs of the tag and of a source tag, with
    // every other tag's position from the history and the builds from `cache`. For a move
    // that nobody reads before it runs (berthctl --yes without --git): a rollback of a
    // repository of thousands of tags does not wait for thousands of HEADs first.
    void planFromHistory(RegistryClient* client, ManifestCache& cache, HistoryStore& store,
                         const ReleaseRequest& request, QObject* context,
                         Callback<ReleasePlan> done) const;

    const TagClassifier& classifier() const { return m_classifier; }

private:
    TagClassifier m_classifier;
    QList<PlanCheck> m_checks;
};

// Whether `name` is an environment of the repository: one of its environment tags
// (`repositoryTags`, e.g. its lanes), or a name the classifier knows as one. Fails with
// a message naming the known environments.
Status checkEnvironmentName(const QString& name, const QStringList& repositoryTags,
                            const TagClassifier& classifier = {});
// The environments to offer: the repository's environment tags first, then `extra` (e.g.
// the names a policy declares) it does not have yet.
QStringList environmentChoices(const QStringList& repositoryTags, const QStringList& extra = {},
                               const TagClassifier& classifier = {});

} // namespace berth
