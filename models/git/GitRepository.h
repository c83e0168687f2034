#pragma once

// An open git repository (a clone on disk). Copies share one libgit2 handle, freed
// with the last copy. A libgit2 repository must not be used by two threads at once:
// each worker opens its own.

#include "core/Result.h"

#include <QString>

#include <memory>

struct git_repository;

namespace berth {

class GitRepository {
public:
    GitRepository() = default;

    // `path` is the work tree or the .git directory itself; parents are not searched,
    // so a wrong path fails instead of silently opening an enclosing repository.
    static Result<GitRepository> open(const QString& path);

    explicit operator bool() const { return static_cast<bool>(m_handle); }
    QString path() const { return m_path; }
    bool isShallow() const;

    // For the models/git wrappers only; the pointer lives as long as this object.
    git_repository* handle() const { return m_handle.get(); }

private:
    std::shared_ptr<git_repository> m_handle;
    QString m_path;
};

} // namespace berth
