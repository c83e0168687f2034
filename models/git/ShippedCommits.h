#pragma once

// Which commits each production build shipped for the first time: walking the builds in
// the order production ran them, a build ships the commits of its history that no
// earlier build's history held. A commit shipped, rolled back and shipped again counts
// once, at its first arrival.
//
// Each commit is read once for the whole walk (the walk stops where an earlier build's
// history begins), so 10,000 builds over 200,000 commits cost one pass over the history.

#include "core/Result.h"
#include "git/GitOid.h"
#include "git/GitRepository.h"

#include <QDateTime>
#include <QList>

#include <unordered_set>

namespace berth {

struct ShippedCommit {
    GitOid id;
    QDateTime authored; // UTC: when the change was made, the start of its lead time
};

class ShippedCommits {
public:
    explicit ShippedCommits(GitRepository repository);

    // The commits of `build`'s history not in any build passed here before. Fails with
    // GitErrorCode::NotInClone when the clone lacks the build or part of its history;
    // nothing of that build is then counted as shipped.
    Result<QList<ShippedCommit>> shippedBy(const GitOid& build);
    int commitsRead() const { return static_cast<int>(m_seen.size()); }

private:
    struct OidHash {
        size_t operator()(const GitOid& oid) const { return qHash(oid); }
    };

    GitRepository m_repository;
    // Closed under ancestry: a commit is here only with every one of its ancestors.
    std::unordered_set<GitOid, OidHash> m_seen;
};

} // namespace berth
