#pragma once

// The plan check for a policy's promotion order (berth.toml [environments] order): a
// promotion into an environment whose nearest earlier stage never ran the build (production
// from a build never seen in staging) warns STAGE_SKIPPED and needs an acknowledgement,
// which berthctl takes as --reason and the promote dialog as a checkbox. A build that was in
// that stage earlier and has since been replaced there has been seen, so it is no skip.
// Rollbacks are never checked: on-call must always be able to go back, and a promotion back
// onto a build the environment itself ran before is going back too.

#include "policy/TagPolicy.h"
#include "release/ReleasePlanner.h"

namespace berth {

// The stages `plan` passes over under `policy`, in promotion order ("dev", "staging"):
// from the nearest earlier stage back, every stage the build was never at, by its tags
// now (plan.to.tags) and every recorded position (facts.repositoryPositions). Empty when
// nothing is skipped, the policy orders no stages, or the plan is no promotion.
QStringList skippedStages(const TagPolicy& policy, const ReleasePlan& plan,
                          const RollbackFacts& facts);

// The check for ReleasePlanner::addCheck: sets plan.skippedStages and adds the warning.
PlanCheck stageOrderCheck(TagPolicy policy);

// The classifier a move of `kind` uses under `policy`: the policy's environment names
// are environments; a rollback also takes the built-in names, so an environment tag the
// policy does not list can still be rolled back.
TagClassifier releaseClassifier(const TagPolicy& policy, ActionKind kind);

// A planner for moves of `kind` under `policy`: releaseClassifier and the stage-order check.
ReleasePlanner plannerFor(const TagPolicy& policy, ActionKind kind);

} // namespace berth
