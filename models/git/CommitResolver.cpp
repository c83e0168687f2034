#include "git/CommitResolver.h"

#include "git/GitCommit.h"
#include "git/GitError.h"
#include "registry/Build.h"

#include <QtConcurrent/QtConcurrentRun>

#include <git2.h>

#include <memory>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

bool isHex(QStringView text) {
    return std::all_of(text.begin(), text.end(), [](QChar c) {
        return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F');
    });
}

const char* typeName(git_object_t type) {
    const char* name = git_object_type2string(type);
    return name ? name : "object";
}

} // namespace

CommitResolver::CommitResolver(GitRepository repository)
    : m_repository(std::move(repository)) {
}

Error CommitResolver::notInClone(const QString& revision) const {
    QString why = u"not fetched yet, or force-pushed away"_s;
    if (m_repository.isShallow())
        why = u"the clone is shallow and may end before it; or not fetched yet"_s;
    return Error::make(u"Commit %1 is not in the clone at %2 (%3): fetch the clone's remotes "
                       u"and try again."_s.arg(revision, m_repository.path(), why),
                       0, QString(GitErrorCode::NotInClone));
}

Result<GitOid> CommitResolver::resolveId(const QString& revision) const {
    const QString trimmed = revision.trimmed().toLower();
    if (trimmed.isEmpty()) {
        return Result<GitOid>::failure(
            u"The build names no commit (no revision label, SHA tag or branch-SHA tag)."_s, 0,
            QString(GitErrorCode::NoRevision));
    }
    if (trimmed.size() < GIT_OID_MINPREFIXLEN || trimmed.size() > GIT_OID_HEXSZ ||
        !isHex(trimmed)) {
        return Result<GitOid>::failure(
            u"\"%1\" is not a commit id (4 to 40 hexadecimal characters)."_s.arg(revision), 0,
            QString(GitErrorCode::InvalidRevision));
    }
    const QByteArray latin = trimmed.toLatin1();
    git_oid prefix;
    git_oid_fromstrn(&prefix, latin.constData(), latin.size());
    git_object* raw = nullptr;
    // Any type on purpose: a short id shared by a commit and a blob is ambiguous to git
    // users too, and saying so beats guessing.
    const int rc = git_object_lookup_prefix(&raw, m_repository.handle(), &prefix,
                                            static_cast<size_t>(latin.size()), GIT_OBJECT_ANY);
    if (rc == GIT_EAMBIGUOUS) {
        return Error::make(
            u"The short commit id %1 is ambiguous in the clone at %2: more than "
            u"one object starts with it. Use a longer id."_s.arg(trimmed, m_repository.path()),
            0, QString(GitErrorCode::Ambiguous));
    }
    if (rc == GIT_ENOTFOUND)
        return notInClone(trimmed);
    if (rc != 0)
        return gitError(rc, u"Looking up %1 in %2"_s.arg(trimmed, m_repository.path()));
    const std::unique_ptr<git_object, void (*)(git_object*)> object(raw, &git_object_free);

    // An annotated tag object names a commit through itself.
    git_object* peeled = nullptr;
    const int peel = git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT);
    if (peel != 0) {
        return Error::make(
            u"%1 names a %2 in the clone at %3, not a commit."_s.arg(
                trimmed, QString::fromLatin1(typeName(git_object_type(raw))), m_repository.path()),
            0, QString(GitErrorCode::NotACommit));
    }
    const GitOid id(git_object_id(peeled));
    git_object_free(peeled);
    return id;
}

Result<CommitInfo> CommitResolver::resolve(const QString& revision) const {
    const Result<GitOid> id = resolveId(revision);
    if (!id)
        return id.error();
    const Result<GitCommit> commit = GitCommit::lookup(m_repository, id.value());
    if (!commit) {
        if (commit.error().code == GitErrorCode::NotInClone)
            return notInClone(revision);
        return commit.error();
    }
    return commit->info();
}

QList<BuildCommit> CommitResolver::resolveBuilds(const QString& clonePath,
                                                 const QList<Build>& builds) {
    const Result<GitRepository> repository = GitRepository::open(clonePath);
    QList<BuildCommit> resolved;
    resolved.reserve(builds.size());
    std::optional<CommitResolver> resolver;
    if (repository)
        resolver.emplace(repository.value());
    for (const Build& build : builds) {
        BuildCommit entry{build.digest, build.revision};
        entry.commit =
            resolver ? resolver->resolve(build.revision) : Result<CommitInfo>(repository.error());
        resolved.append(std::move(entry));
    }
    return resolved;
}

QFuture<QList<BuildCommit>> CommitResolver::resolveBuildsAsync(const QString& clonePath,
                                                               const QList<Build>& builds) {
    return QtConcurrent::run([clonePath, builds] { return resolveBuilds(clonePath, builds); });
}

} // namespace berth
