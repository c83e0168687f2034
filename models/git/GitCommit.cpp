#include "git/GitCommit.h"

#include "git/GitError.h"
#include "git/GitRepository.h"

#include <QTimeZone>

#include <git2.h>

using namespace Qt::StringLiterals;

namespace berth {

Result<GitCommit> GitCommit::lookup(const GitRepository& repository, const GitOid& id) {
    git_oid oid;
    id.copyTo(&oid);
    git_commit* raw = nullptr;
    const int rc = git_commit_lookup(&raw, repository.handle(), &oid);
    if (rc != 0) {
        Error error = gitError(rc, u"Reading commit %1"_s.arg(id.toHex()));
        if (rc == GIT_ENOTFOUND)
            error.code = QString(GitErrorCode::NotInClone);
        return error;
    }
    return adopt(raw);
}

GitCommit GitCommit::adopt(git_commit* commit) {
    GitCommit result;
    result.m_handle.reset(commit, &git_commit_free);
    return result;
}

GitOid GitCommit::id() const {
    return GitOid(git_commit_id(m_handle.get()));
}

QString GitCommit::summary() const {
    // git_commit_summary caches inside the commit object; the text stays valid with it.
    const char* text = git_commit_summary(m_handle.get());
    return text ? QString::fromUtf8(text) : QString();
}

QString GitCommit::message() const {
    const char* text = git_commit_message(m_handle.get());
    return text ? QString::fromUtf8(text) : QString();
}

QString GitCommit::authorName() const {
    const git_signature* author = git_commit_author(m_handle.get());
    return author ? QString::fromUtf8(author->name) : QString();
}

QString GitCommit::authorEmail() const {
    const git_signature* author = git_commit_author(m_handle.get());
    return author ? QString::fromUtf8(author->email) : QString();
}

GitOid GitCommit::parentId(unsigned index) const {
    return GitOid(git_commit_parent_id(m_handle.get(), index));
}

QDateTime GitCommit::time() const {
    const git_signature* author = git_commit_author(m_handle.get());
    if (!author)
        return {};
    return QDateTime::fromSecsSinceEpoch(author->when.time, QTimeZone(author->when.offset * 60));
}

unsigned GitCommit::parentCount() const {
    return git_commit_parentcount(m_handle.get());
}

CommitInfo GitCommit::info() const {
    CommitInfo info;
    info.id = id().toHex();
    info.shortId = info.id.left(7);
    info.summary = summary();
    info.message = message();
    info.authorName = authorName();
    info.authorEmail = authorEmail();
    info.time = time();
    return info;
}

} // namespace berth
