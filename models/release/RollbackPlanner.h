#pragma once

// Picks where a rollback goes: the last good build before the current one. It walks the
// tag's positions backwards and passes over the build being left, builds marked bad for
// the environment, and positions that were themselves left by a rollback (so a second
// rollback does not re-deploy the build the first one fled). Every build passed over is
// listed with the reason, for the plan to show.

#include "core/Result.h"
#include "history/HistoryTypes.h"

#include <QHash>
#include <QSet>

namespace berth {

enum class SkipReason {
    Current,        // the build being rolled back from, at an earlier position
    MarkedBad,      // marked bad for the environment
    LeftByRollback, // a rollback moved the tag away from it there
};

struct SkippedBuild {
    QString digest;
    QDateTime since; // when the tag first pointed there
    SkipReason reason = SkipReason::Current;
    QString why; // one line a person reads, e.g. "marked bad by alice at …: 500s"
};

struct RollbackTarget {
    QString digest;
    QDateTime since;             // when the tag first pointed there
    QDateTime until;             // when it was last seen there
    QList<SkippedBuild> skipped; // newest first
    int skippedBad = 0;          // how many of `skipped` were marked bad
};

// What a rollback is chosen from, read from the history store.
struct RollbackFacts {
    QList<TagPosition> history; // the tag's positions, newest first
    QList<Verdict> verdicts;    // of the repository, any environment
    QList<Action> actions;      // of the repository, newest first (rollbacks are used)
    // Every recorded position of the repository's tags (by tag, newest first within a
    // tag), for checks that compare environments (was the build ever in staging?).
    QList<TagPosition> repositoryPositions;
};

// environment: the tag rolled back; currentDigest: where it points now. The target's
// digest is empty when nothing is left; `skipped` says what was passed over either way.
RollbackTarget findRollbackTarget(const QString& environment, const QString& currentDigest,
                                  const RollbackFacts& facts);
// environment: the tag rolled back; currentDigest: where it points now. Fails with
// Outcome::Refused when no earlier position is left, saying what was passed over.
Result<RollbackTarget> chooseRollbackTarget(const QString& environment,
                                            const QString& currentDigest,
                                            const RollbackFacts& facts);

// The latest verdict per digest for one environment.
QHash<QString, Verdict> latestVerdictsFor(const QList<Verdict>& verdicts,
                                          const QString& environment);
// The digests marked bad for one environment (the latest verdict per digest counts).
QSet<QString> badDigestsFor(const QList<Verdict>& verdicts, const QString& environment);
// "marked bad by alice at 2026-01-02 03:04 UTC: 500s on checkout"
QString describeVerdict(const Verdict& verdict);

} // namespace berth
