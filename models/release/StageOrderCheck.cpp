#include "release/StageOrderCheck.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

// Whether the plan's build is at `stage` now (its tags) or was ever recorded there.
bool wasAt(const QString& stage, const ReleasePlan& plan, const RollbackFacts& facts) {
    if (plan.to.tags.contains(stage))
        return true;
    return std::any_of(facts.repositoryPositions.cbegin(), facts.repositoryPositions.cend(),
                       [&](const TagPosition& position) {
                           return position.tag == stage && position.digest == plan.to.digest;
                       });
}

} // namespace

QStringList skippedStages(const TagPolicy& policy, const ReleasePlan& plan,
                          const RollbackFacts& facts) {
    if (plan.kind != ActionKind::Promote || plan.to.digest.isEmpty() ||
        plan.to.digest == plan.from.digest)
        return {};
    const QStringList before = policy.stagesBefore(plan.tag);
    if (before.isEmpty())
        return {};
    // Going back to a build the environment ran before is a rollback in all but name.
    if (wasAt(plan.tag, plan, facts))
        return {};
    QStringList skipped;
    for (const QString& stage : before) { // nearest first
        if (wasAt(stage, plan, facts))
            break;
        skipped.prepend(stage);
    }
    return skipped;
}

PlanCheck stageOrderCheck(TagPolicy policy) {
    return [policy = std::move(policy)](ReleasePlan& plan, const RollbackFacts& facts) {
        plan.skippedStages = skippedStages(policy, plan, facts);
        if (plan.skippedStages.isEmpty())
            return;
        plan.warnings.append(
            {kStageSkippedNote,
             u"%1 from a build never seen in %2 (policy order %3). Skipping a stage needs an "
             u"explicit acknowledgement."_s.arg(plan.tag, plan.skippedStages.join(u" or "_s),
                                                policy.environments.join(u" → "_s)),
             true});
    };
}

TagClassifier releaseClassifier(const TagPolicy& policy, ActionKind kind) {
    TagClassifier classifier = policy.classifier();
    if (kind == ActionKind::Rollback)
        classifier.setEnvironmentNames(classifier.environmentNames() +
                                       TagClassifier().environmentNames());
    return classifier;
}

ReleasePlanner plannerFor(const TagPolicy& policy, ActionKind kind) {
    ReleasePlanner planner(releaseClassifier(policy, kind));
    planner.addCheck(stageOrderCheck(policy));
    return planner;
}

} // namespace berth
