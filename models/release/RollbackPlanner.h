#pragma once

// Picks where a rollback goes: the position the tag held before its current one,
// skipping builds marked bad for that environment.

#include "core/Result.h"
#include "history/HistoryTypes.h"

#include <QSet>

namespace berth {

struct RollbackTarget {
    QString digest;
    QDateTime since; // when the tag first pointed there
    QDateTime until; // when it was last seen there
    int skippedBad = 0;
};

// history: the tag's positions newest first; currentDigest: where it points now.
// Fails with kRefusedCode when history holds no earlier, not-bad position.
Result<RollbackTarget> chooseRollbackTarget(const QList<TagPosition>& history,
                                            const QString& currentDigest,
                                            const QSet<QString>& badDigests);

// The digests marked bad for one environment (the latest verdict per digest counts).
QSet<QString> badDigestsFor(const QList<Verdict>& verdicts, const QString& environment);

} // namespace berth
