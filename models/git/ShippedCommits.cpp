#include "git/ShippedCommits.h"

#include "git/GitCommit.h"

namespace berth {

ShippedCommits::ShippedCommits(GitRepository repository)
    : m_repository(std::move(repository)) {
}

Result<QList<ShippedCommit>> ShippedCommits::shippedBy(const GitOid& build) {
    // Depth-first over parents not seen yet. The newly found commits join m_seen only
    // when the whole history was readable, which keeps m_seen closed under ancestry.
    std::unordered_set<GitOid, OidHash> found;
    QList<ShippedCommit> shipped;
    QList<GitOid> pending{build};
    while (!pending.isEmpty()) {
        const GitOid id = pending.takeLast();
        if (m_seen.contains(id) || found.contains(id))
            continue;
        const Result<GitCommit> commit = GitCommit::lookup(m_repository, id);
        if (!commit)
            return commit.error(); // GitErrorCode::NotInClone when the clone lacks it
        found.insert(id);
        shipped.append({id, commit->time().toUTC()});
        for (unsigned i = 0; i < commit->parentCount(); ++i)
            pending.append(commit->parentId(i));
    }
    m_seen.insert(found.begin(), found.end());
    return shipped;
}

} // namespace berth
