#pragma once

// Where a git remote lives, read from any URL form git accepts (https://host/org/repo,
// git@host:org/repo.git, ssh://git@host:22/org/repo.git, with or without .git or a
// trailing slash), so an image's org.opencontainers.image.source can be matched to a
// clone's remotes and a commit can be linked to the host's web view.

#include <QString>
#include <QUrl>

#include <optional>

namespace berth {

struct RemoteLocation {
    QString scheme; // "https", "http", "ssh", "git"; "file" for local paths
    QString host;   // lower case; empty for local paths
    int port = -1;
    QString path; // "org/repo": no leading or trailing slash, no ".git"

    // nullopt for text that is no URL or scp-like address at all.
    static std::optional<RemoteLocation> parse(const QString& url);

    // Same host and path whatever the protocol, port or user. Paths compare without
    // case, as the hosting services (GitHub, GitLab, Gitea) treat them.
    bool sameRepository(const RemoteLocation& other) const;

    // The repository's web page, https://host/org/repo (http and the port kept for an
    // http(s) remote), never with a user or password; empty for local and file remotes.
    QUrl webUrl() const;
    // https://host/org/repo/commit/<id> (bitbucket.org: /commits/), keeping http and the
    // port for an http(s) remote; empty for local and file remotes, which have no web view.
    QUrl commitUrl(const QString& commitId) const;
};

// Convenience over parse(): false when either side does not parse.
bool sameRepository(const QString& urlA, const QString& urlB);

} // namespace berth
