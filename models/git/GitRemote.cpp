#include "git/GitRemote.h"

#include "git/GitError.h"
#include "git/GitRepository.h"

#include <git2.h>

using namespace Qt::StringLiterals;

namespace berth {

Result<GitRemote> GitRemote::lookup(const GitRepository& repository, const QString& name) {
    git_remote* raw = nullptr;
    const int rc = git_remote_lookup(&raw, repository.handle(), name.toUtf8().constData());
    if (rc != 0)
        return gitError(rc, u"Reading remote \"%1\" of %2"_s.arg(name, repository.path()));
    GitRemote remote;
    remote.m_handle.reset(raw, &git_remote_free);
    return remote;
}

Result<QStringList> GitRemote::names(const GitRepository& repository) {
    git_strarray list{};
    const int rc = git_remote_list(&list, repository.handle());
    if (rc != 0)
        return gitError(rc, u"Listing the remotes of %1"_s.arg(repository.path()));
    QStringList names;
    for (size_t i = 0; i < list.count; ++i)
        names.append(QString::fromUtf8(list.strings[i]));
    git_strarray_dispose(&list);
    return names;
}

QString GitRemote::name() const {
    const char* text = git_remote_name(m_handle.get());
    return text ? QString::fromUtf8(text) : QString();
}

QString GitRemote::url() const {
    const char* text = git_remote_url(m_handle.get());
    return text ? QString::fromUtf8(text) : QString();
}

QString GitRemote::pushUrl() const {
    const char* text = git_remote_pushurl(m_handle.get());
    return text ? QString::fromUtf8(text) : QString();
}

} // namespace berth
