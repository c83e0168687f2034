#pragma once

// The four key delivery metrics, computed only from what the history proves: where the
// environment tag was seen (tag_observations), what Berth did to it (the audit) and the
// verdicts on its builds, with the commits behind each build from the linked clone.
//
// Definitions (the README's "Insights" section says the same to users):
// - A move is production seen on another build than before, dated when it was first
//   seen there. A deployment is a move onto a build production never ran before; a
//   rollback is a move Berth recorded as one, or a return to a build that ran before.
// - Deployment frequency: deployments in the period, per week.
// - Lead time for changes: for each commit that reached production in the period, the
//   time from its author date to the first deployment whose build contains it. A commit
//   shipped twice (rolled back, shipped again) counts once, at its first arrival.
// - Change failure rate: the share of the period's deployments followed, within the
//   failure window, by a rollback away from them or a "bad" verdict on them there.
// - Time to restore: from that rollback or bad verdict (whichever came first) to the
//   first time production was seen on a build not marked bad there.
// - Gaps: a stretch longer than the gap tolerance in which nobody looked at the tag.
//   Moves after a gap are dated when first seen, and weeks touched by one say so.

#include "core/Result.h"
#include "git/ShippedCommits.h"
#include "history/HistoryTypes.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace berth {

struct InsightsOptions {
    QString environment = QStringLiteral("production");
    QDateTime since; // UTC; invalid: from the first observation of the environment
    QDateTime until; // UTC; invalid: now
    qint64 failureWindowSeconds = 7 * 24 * 3600;
    qint64 gapToleranceSeconds = 24 * 3600;
};

// What the history holds of one repository, as the computation needs it.
struct InsightsInput {
    QString repository;                // host/path, for the report
    QList<TagPosition> positions;      // of the environment's tag, in any order
    QList<Action> actions;             // the repository's audit, in any order
    QList<Verdict> verdicts;           // the repository's verdicts
    QHash<QString, QString> revisions; // digest -> the commit its build names
};

// The commits a revision ships for the first time (ShippedCommits over a resolver).
// Called once per deployment in the order production ran them, from the first move
// ever recorded. Empty: no clone is linked.
using ShippedCommitsOf = std::function<Result<QList<ShippedCommit>>(const QString& revision)>;

struct ProductionMove {
    QString repository;
    QDateTime time;        // first seen there (UTC)
    QDateTime unseenSince; // the previous build was last seen then; invalid for the first
    QString fromDigest;    // empty for the first move recorded
    QString digest;
    QString revision; // empty when the build names none
    bool deployment = false;
    bool rollback = false;
    qint64 actionId = 0; // the audit row of Berth's move; 0: moved outside Berth

    // Deployments only.
    int commitsShipped = 0;
    QString leadProblem;  // why its commits are not counted (no revision, not in the clone)
    QDateTime failedAt;   // the rollback or bad verdict that made it a failure; invalid: none
    QString failure;      // "rolled back", "marked bad", or both
    QDateTime restoredAt; // production first seen on a build not marked bad, after failedAt
    bool failed() const { return failedAt.isValid(); }
    std::optional<qint64> restoreSeconds() const;
};

struct LeadTime {
    QString repository;
    QString commit; // full id
    QString digest; // the deployment that first shipped it
    QDateTime authored;
    QDateTime deployed;
    qint64 seconds = 0;
};

struct ObservationGap {
    QDateTime from;
    QDateTime to;
};

struct InsightsWeek {
    QDate monday; // weeks run Monday 00:00 to Monday 00:00 UTC
    int deployments = 0;
    int failures = 0; // deployments of the week that failed
    int restores = 0; // failures restored during the week
    std::optional<qint64> medianLeadSeconds;
    bool hasGap = false; // part of the week was never observed
};

struct DurationSummary {
    int count = 0;
    std::optional<qint64> median; // seconds
    std::optional<qint64> p90;    // nearest rank
    std::optional<qint64> worst;
};

struct InsightsReport {
    QStringList repositories;
    QString environment;
    QDateTime since;
    QDateTime until;
    qint64 failureWindowSeconds = 0;
    QList<ProductionMove> moves; // in the period, oldest first
    QList<LeadTime> leadTimes;   // commits first shipped in the period
    QList<ObservationGap> gaps;  // in the period
    QList<InsightsWeek> weeks;
    QStringList notes; // what the figures could not count, in words

    int deployments() const;
    int failures() const;
    double deploymentsPerWeek() const;
    std::optional<double> changeFailureRate() const; // nullopt without deployments
    DurationSummary leadTime() const;
    DurationSummary timeToRestore() const; // restored failures only
    int unrestoredFailures() const;
    bool needsClone = false; // lead time was asked of a repository without a linked clone
};

// `shipped` may be empty (no clone): lead time is then left out and a note says so.
InsightsReport computeInsights(const InsightsInput& input, const InsightsOptions& options,
                               const ShippedCommitsOf& shipped);

// One report over several repositories' reports (a project): moves, lead times and gaps
// pooled, weeks recounted. Each report must cover the same period.
InsightsReport combineInsights(const QList<InsightsReport>& reports);

// Percentiles as the report states them: the median of an even count is the mean of the
// two middle values; p90 is the nearest-rank value (the ⌈0.9·n⌉-th smallest).
DurationSummary summarizeDurations(QList<qint64> seconds);

} // namespace berth
