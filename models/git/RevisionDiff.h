#pragma once

// The commits between two builds' revisions in a clone, resolved and walked in one
// step, in a worker thread for the window and berthctl alike.

#include "core/Result.h"
#include "git/CommitInfo.h"
#include "git/CommitRange.h"

#include <QFuture>

namespace berth {

struct RevisionDiff {
    CommitInfo from;
    CommitInfo to;
    CommitRange range;

    // Opens the clone, resolves both revisions (full or short ids) and walks between.
    static Result<RevisionDiff> compute(const QString& clonePath, const QString& fromRevision,
                                        const QString& toRevision,
                                        int cap = CommitRange::kDefaultCap);
    static QFuture<Result<RevisionDiff>> computeAsync(const QString& clonePath,
                                                      const QString& fromRevision,
                                                      const QString& toRevision,
                                                      int cap = CommitRange::kDefaultCap);
};

} // namespace berth
