#pragma once

// One release plan: what a promote or rollback will do, shown the same way by berthctl
// and the promote dialog. From where the tag points now to the build asked for, the
// commits that move (when a clone is given), for a rollback the builds passed over and
// why, and the checks' findings: warnings to read (some of which need an explicit
// acknowledgement) and refusals that stop the move.

#include "git/CommitRange.h"
#include "history/HistoryTypes.h"
#include "release/RollbackPlanner.h"

#include <QDateTime>
#include <QJsonObject>
#include <QStringList>

namespace berth {

// One end of the move.
struct PlanSide {
    QString digest;   // empty: the tag does not exist (yet)
    QStringList tags; // the build's tags
    QDateTime created;
    QString revision;      // the commit the build names, empty when unknown
    QString commitSummary; // that commit's first line, once a clone answered
};

// A finding of one check. Codes let a front-end or a test tell findings apart; the text
// is what a person reads.
struct PlanNote {
    QString code; // e.g. kBadBuildNote
    QString text;
    // A warning the person must acknowledge (berthctl: --reason; the dialog: a checkbox).
    bool needsAcknowledgement = false;
};

inline const QString kBadBuildNote = QStringLiteral("BAD_BUILD");
inline const QString kImmutableTagNote = QStringLiteral("IMMUTABLE_TAG");
inline const QString kUnknownSourceNote = QStringLiteral("UNKNOWN_SOURCE");
inline const QString kNoRollbackTargetNote = QStringLiteral("NO_ROLLBACK_TARGET");
inline const QString kNotDescendantNote = QStringLiteral("NOT_DESCENDANT");
// A promotion past a stage the policy orders before the environment (release/StageOrderCheck.h).
inline const QString kStageSkippedNote = QStringLiteral("STAGE_SKIPPED");
// A move into an environment only verified builds may enter (release/SignatureGate.h).
inline const QString kSignatureNote = QStringLiteral("SIGNATURE_REQUIRED");

struct PlanCommits {
    enum class State { NotAsked, Reading, Unknown, Known };
    State state = State::NotAsked;
    QString note; // why they are not known, or what is being read
    CommitRange range;
};

struct ReleasePlan {
    ActionKind kind = ActionKind::Promote;
    QString registry;
    QString repository;
    QString tag;    // the tag to move
    QString source; // what the person named (tag or digest); empty for an automatic rollback
    PlanSide from;
    PlanSide to;
    PlanCommits commits;
    QList<SkippedBuild> skipped; // rollback: passed over, newest first
    QStringList skippedStages;   // promote: the policy's stages it passes over, in order
    QList<PlanNote> warnings;
    QList<PlanNote> refusals;

    bool refused() const { return !refusals.isEmpty(); }
    bool needsAcknowledgement() const;
    // The warnings that need acknowledging, one line each.
    QStringList acknowledgementsNeeded() const;
    // The refusals, one sentence after another.
    QString refusalText() const;
    // The reason the audit row keeps: the person's, after the stages a promotion skips
    // ("skipped staging: hotfix for the outage"), so the log says the order was broken.
    QString auditReason(const QString& reason) const;

    // The plan as berthctl prints it: several lines, each ending in a newline.
    QString text(const QString& transport = {}, const QString& reason = {}) const;
    QJsonObject toJson() const;
};

// "sha256:0123456789ab…" style abbreviation used in plan texts.
QString shortPlanDigest(const QString& digest);

} // namespace berth
