#pragma once

// Resolves the revision a build names (a full or short commit id) to the commit in a
// local clone, telling apart "ambiguous", "not in this clone" and "not a commit".

#include "core/Result.h"
#include "git/CommitInfo.h"
#include "git/GitOid.h"
#include "git/GitRepository.h"

#include <QFuture>
#include <QList>

namespace berth {

struct Build;

// What one build resolved to; a value, so batches cross threads as they are.
struct BuildCommit {
    QString digest;
    QString revision;                    // as the build names it; empty when it names none
    Result<CommitInfo> commit = Error{}; // the commit, or why there is none
};

class CommitResolver {
public:
    explicit CommitResolver(GitRepository repository);

    // 4 to 40 hexadecimal characters. A short id that starts more than one object of
    // any type fails with GitErrorCode::Ambiguous; an id the clone lacks with
    // GitErrorCode::NotInClone and a hint to fetch.
    Result<GitOid> resolveId(const QString& revision) const;
    Result<CommitInfo> resolve(const QString& revision) const;

    // Every build's revision, in the order given. Opens the clone in a worker thread;
    // a clone that cannot be opened gives every build that error.
    static QList<BuildCommit> resolveBuilds(const QString& clonePath, const QList<Build>& builds);
    static QFuture<QList<BuildCommit>> resolveBuildsAsync(const QString& clonePath,
                                                          const QList<Build>& builds);

private:
    Error notInClone(const QString& revision) const;

    GitRepository m_repository;
};

} // namespace berth
