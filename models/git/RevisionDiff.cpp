#include "git/RevisionDiff.h"

#include "git/CommitResolver.h"
#include "git/GitRepository.h"

#include <QtConcurrent/QtConcurrentRun>

namespace berth {

Result<RevisionDiff> RevisionDiff::compute(const QString& clonePath, const QString& fromRevision,
                                           const QString& toRevision, int cap) {
    const Result<GitRepository> repository = GitRepository::open(clonePath);
    if (!repository)
        return repository.error();
    const CommitResolver resolver(repository.value());
    Result<CommitInfo> from = resolver.resolve(fromRevision);
    if (!from)
        return from.error();
    Result<CommitInfo> to = resolver.resolve(toRevision);
    if (!to)
        return to.error();
    Result<CommitRange> range = CommitRange::compute(repository.value(), *GitOid::fromHex(from->id),
                                                     *GitOid::fromHex(to->id), cap);
    if (!range)
        return range.error();
    return RevisionDiff{std::move(from).value(), std::move(to).value(), std::move(range).value()};
}

QFuture<Result<RevisionDiff>> RevisionDiff::computeAsync(const QString& clonePath,
                                                         const QString& fromRevision,
                                                         const QString& toRevision, int cap) {
    return QtConcurrent::run([clonePath, fromRevision, toRevision, cap] {
        return compute(clonePath, fromRevision, toRevision, cap);
    });
}

} // namespace berth
