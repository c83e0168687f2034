#include "git/GitRevwalk.h"

#include "git/GitError.h"
#include "git/GitRepository.h"

#include <git2.h>

using namespace Qt::StringLiterals;

namespace berth {

void GitRevwalk::Free::operator()(git_revwalk* walk) const {
    git_revwalk_free(walk);
}

Result<GitRevwalk> GitRevwalk::create(const GitRepository& repository) {
    git_revwalk* raw = nullptr;
    const int rc = git_revwalk_new(&raw, repository.handle());
    if (rc != 0)
        return gitError(rc, u"Starting a history walk in %1"_s.arg(repository.path()));
    GitRevwalk walk;
    walk.m_handle.reset(raw);
    // Topological on top of time, like `git log --topo-order` would guarantee even when
    // commit dates are skewed.
    git_revwalk_sorting(raw, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
    return walk;
}

Status GitRevwalk::push(const GitOid& id) {
    git_oid oid;
    id.copyTo(&oid);
    const int rc = git_revwalk_push(m_handle.get(), &oid);
    if (rc != 0)
        return gitError(rc, u"Walking history from %1"_s.arg(id.toHex()));
    return success();
}

Status GitRevwalk::hide(const GitOid& id) {
    git_oid oid;
    id.copyTo(&oid);
    const int rc = git_revwalk_hide(m_handle.get(), &oid);
    if (rc != 0)
        return gitError(rc, u"Leaving out the history of %1"_s.arg(id.toHex()));
    return success();
}

Result<std::optional<GitOid>> GitRevwalk::next() {
    git_oid oid;
    const int rc = git_revwalk_next(&oid, m_handle.get());
    if (rc == GIT_ITEROVER)
        return std::optional<GitOid>();
    if (rc != 0)
        return gitError(rc, u"Walking history"_s);
    return std::optional<GitOid>(GitOid(&oid));
}

} // namespace berth
