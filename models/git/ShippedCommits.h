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
#include <QHash>
#include <QList>

struct git_odb;

namespace berth {

struct ShippedCommit {
    GitOid id;
    QDateTime authored; // UTC: when the change was made, the start of its lead time
};

// A commit's parents with no allocation for the usual single one (a merge keeps the rest
// apart): a long history holds hundreds of thousands of them.
struct CommitParents {
    GitOid first;
    int count = 0;
    QList<GitOid> more;

    void append(const GitOid& id) {
        if (count++ == 0)
            first = id;
        else
            more.append(id);
    }
    template <typename Visit> void forEach(Visit visit) const {
        if (count > 0)
            visit(first);
        for (const GitOid& id : more)
            visit(id);
    }
};

class ShippedCommits {
public:
    explicit ShippedCommits(GitRepository repository);

    // The commits of `build`'s history not in any build passed here before. Fails with
    // GitErrorCode::NotInClone when the clone lacks the build or part of its history;
    // nothing of that build is then counted as shipped.
    Result<QList<ShippedCommit>> shippedBy(const GitOid& build);

    // Reads ahead every commit the `tips` (in the order they shipped) reach, split over the
    // machine's cores: a long history is mostly decompressing commit objects, one at a
    // time. shippedBy then walks the table; what it lacks (a tip the clone does not have)
    // is read as shippedBy goes, and any failure is reported there.
    void prefetch(const QList<GitOid>& tips);
    bool knows(const GitOid& id) const { return m_commits.contains(id); }
    int commitsRead() const { return static_cast<int>(m_commits.size()); }

private:
    struct KnownCommit {
        CommitParents parents;
        qint64 authored = 0;  // seconds since the epoch
        bool shipped = false; // by a build passed to shippedBy
    };

    // From the table, else from the object database into the table.
    Result<const KnownCommit*> read(git_odb* odb, const GitOid& id);

    GitRepository m_repository;
    // Every commit read; those marked shipped are closed under ancestry.
    QHash<GitOid, KnownCommit> m_commits;
};

} // namespace berth
