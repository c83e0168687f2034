#pragma once

// A walk over commit history: push the tips to start from, hide the ones whose
// ancestry to leave out, then read ids newest first.

#include "core/Result.h"
#include "git/GitOid.h"

#include <memory>
#include <optional>

struct git_revwalk;

namespace berth {

class GitRepository;

class GitRevwalk {
public:
    // Newest first by commit time, parents never before their children.
    static Result<GitRevwalk> create(const GitRepository& repository);

    explicit operator bool() const { return static_cast<bool>(m_handle); }
    Status push(const GitOid& id);
    Status hide(const GitOid& id);
    // The next id, nullopt at the end, or an Error (a parent missing from the clone).
    Result<std::optional<GitOid>> next();

private:
    struct Free {
        void operator()(git_revwalk* walk) const;
    };
    std::unique_ptr<git_revwalk, Free> m_handle;
};

} // namespace berth
