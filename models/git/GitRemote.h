#pragma once

// One configured remote of a clone (name, URLs), looked up through libgit2.

#include "core/Result.h"

#include <QStringList>

#include <memory>

struct git_remote;

namespace berth {

class GitRepository;

class GitRemote {
public:
    GitRemote() = default;

    static Result<GitRemote> lookup(const GitRepository& repository, const QString& name);
    // Names of every remote the clone configures, in config order.
    static Result<QStringList> names(const GitRepository& repository);

    explicit operator bool() const { return static_cast<bool>(m_handle); }
    QString name() const;
    QString url() const;
    QString pushUrl() const; // empty when it is the fetch URL

    // For the models/git wrappers only; the pointer lives as long as this object.
    git_remote* handle() const { return m_handle.get(); }

private:
    std::shared_ptr<git_remote> m_handle;
};

} // namespace berth
