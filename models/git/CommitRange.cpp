#include "git/CommitRange.h"

#include "git/GitCommit.h"
#include "git/GitError.h"
#include "git/GitRepository.h"
#include "git/GitRevwalk.h"

#include <git2.h>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

Result<CommitList> walk(const GitRepository& repository, const GitOid& hide, const GitOid& push,
                        int cap) {
    Result<GitRevwalk> walker = GitRevwalk::create(repository);
    if (!walker)
        return walker.error();
    if (const Status pushed = walker.value().push(push); !pushed)
        return pushed.error();
    if (const Status hidden = walker.value().hide(hide); !hidden)
        return hidden.error();
    CommitList list;
    for (;;) {
        const Result<std::optional<GitOid>> next = walker.value().next();
        if (!next) {
            return Error::make(
                u"The history between %1 and %2 is incomplete in the clone at %3 (a shallow "
                u"clone, or objects not fetched): fetch the clone's remotes. %4"_s.arg(
                    hide.shortHex(), push.shortHex(), repository.path(), next.errorMessage()),
                0, QString(GitErrorCode::NotInClone));
        }
        if (!next.value())
            break;
        ++list.totalCount;
        if (list.commits.size() < cap) {
            const Result<GitCommit> commit = GitCommit::lookup(repository, *next.value());
            if (!commit)
                return commit.error();
            list.commits.append(commit->info());
        }
    }
    return list;
}

} // namespace

Result<CommitRange> CommitRange::compute(const GitRepository& repository, const GitOid& from,
                                         const GitOid& to, int cap) {
    CommitRange range;
    range.from = from;
    range.to = to;
    Result<CommitList> gained = walk(repository, from, to, cap);
    if (!gained)
        return gained.error();
    range.gained = std::move(gained).value();
    Result<CommitList> lost = walk(repository, to, from, cap);
    if (!lost)
        return lost.error();
    range.lost = std::move(lost).value();

    if (from == to) {
        range.toDescendsFromFrom = true;
    } else {
        git_oid fromOid;
        git_oid toOid;
        from.copyTo(&fromOid);
        to.copyTo(&toOid);
        const int rc = git_graph_descendant_of(repository.handle(), &toOid, &fromOid);
        if (rc < 0)
            return gitError(
                rc, u"Checking whether %1 descends from %2"_s.arg(to.shortHex(), from.shortHex()));
        range.toDescendsFromFrom = rc == 1;
    }
    return range;
}

Result<QList<GitOid>> revList(const GitRepository& repository, const GitOid& hide,
                              const GitOid& push) {
    Result<GitRevwalk> walker = GitRevwalk::create(repository);
    if (!walker)
        return walker.error();
    if (const Status pushed = walker.value().push(push); !pushed)
        return pushed.error();
    if (const Status hidden = walker.value().hide(hide); !hidden)
        return hidden.error();
    QList<GitOid> ids;
    for (;;) {
        const Result<std::optional<GitOid>> next = walker.value().next();
        if (!next)
            return next.error();
        if (!next.value())
            return ids;
        ids.append(*next.value());
    }
}

} // namespace berth
