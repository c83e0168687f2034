#pragma once

// A commit looked up in a repository. Copies share the libgit2 object.

#include "core/Result.h"
#include "git/CommitInfo.h"
#include "git/GitOid.h"

#include <memory>

struct git_commit;

namespace berth {

class GitRepository;

class GitCommit {
public:
    GitCommit() = default;

    // Fails with GitErrorCode::NotInClone when the clone does not have the object.
    static Result<GitCommit> lookup(const GitRepository& repository, const GitOid& id);
    // Takes ownership of a commit a libgit2 call returned.
    static GitCommit adopt(git_commit* commit);

    explicit operator bool() const { return static_cast<bool>(m_handle); }
    GitOid id() const;
    QString summary() const;
    QString message() const;
    QString authorName() const;
    QString authorEmail() const;
    QDateTime time() const;
    unsigned parentCount() const;
    GitOid parentId(unsigned index) const; // index < parentCount()
    CommitInfo info() const;

private:
    std::shared_ptr<git_commit> m_handle;
};

} // namespace berth
