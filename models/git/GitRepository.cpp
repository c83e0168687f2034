#include "git/GitRepository.h"

#include "git/GitError.h"
#include "git/GitLibrary.h"

#include <QDir>
#include <QFileInfo>

#include <git2.h>

using namespace Qt::StringLiterals;

namespace berth {

Result<GitRepository> GitRepository::open(const QString& path) {
    const QFileInfo info(path);
    if (!info.isDir()) {
        return Result<GitRepository>::failure(
            u"The git clone \"%1\" does not exist or is not a directory."_s.arg(path), 0,
            QString(GitErrorCode::NotARepository));
    }
    GitLibrary::start();
    git_repository* raw = nullptr;
    const QByteArray native = QFile::encodeName(info.absoluteFilePath());
    const int rc =
        git_repository_open_ext(&raw, native.constData(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
    if (rc != 0) {
        Error error = gitError(rc, u"Opening the git clone at %1"_s.arg(path));
        if (rc == GIT_ENOTFOUND)
            error.code = QString(GitErrorCode::NotARepository);
        return error;
    }
    GitRepository repository;
    repository.m_handle.reset(raw, &git_repository_free);
    repository.m_path = QDir::cleanPath(info.absoluteFilePath());
    return repository;
}

bool GitRepository::isShallow() const {
    return m_handle && git_repository_is_shallow(m_handle.get()) == 1;
}

} // namespace berth
