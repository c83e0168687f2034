#pragma once

// What moving from build A to build B changes in code: the commits B has that A
// lacks (A..B, what a promotion ships), those A has that B lacks (B..A, what it takes
// away), and whether B descends from A (a rollback to a non-ancestor deserves a warning).

#include "core/Result.h"
#include "git/CommitInfo.h"
#include "git/GitOid.h"

#include <QList>

namespace berth {

class GitRepository;

struct CommitList {
    QList<CommitInfo> commits; // newest first, at most the cap asked for
    int totalCount = 0;        // every commit in the range, even past the cap
    bool truncated() const { return totalCount > commits.size(); }
};

struct CommitRange {
    static constexpr int kDefaultCap = 1000;

    GitOid from;
    GitOid to;
    CommitList gained; // from..to
    CommitList lost;   // to..from
    // True when `to` is `from` or has it as an ancestor: nothing of `from` is lost.
    bool toDescendsFromFrom = false;

    // Fails when a commit of either side's history is missing from the clone (a
    // shallow clone cut through the range): the lists would be silently wrong.
    static Result<CommitRange> compute(const GitRepository& repository, const GitOid& from,
                                       const GitOid& to, int cap = kDefaultCap);
};

// Ids only, newest first: `git rev-list hide..push`. For callers that need just ids.
Result<QList<GitOid>> revList(const GitRepository& repository, const GitOid& hide,
                              const GitOid& push);

} // namespace berth
