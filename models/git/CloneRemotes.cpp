#include "git/CloneRemotes.h"

#include "git/GitRemote.h"
#include "git/GitRepository.h"
#include "git/RemoteLocation.h"

namespace berth {

Result<QList<RemoteEntry>> CloneRemotes::list(const QString& clonePath) {
    const Result<GitRepository> repository = GitRepository::open(clonePath);
    if (!repository)
        return repository.error();
    const Result<QStringList> names = GitRemote::names(repository.value());
    if (!names)
        return names.error();
    QList<RemoteEntry> entries;
    for (const QString& name : names.value()) {
        const Result<GitRemote> remote = GitRemote::lookup(repository.value(), name);
        if (!remote)
            return remote.error();
        entries.append({name, remote->url(), remote->pushUrl()});
    }
    return entries;
}

Result<QStringList> CloneRemotes::matching(const QString& clonePath, const QString& sourceUrl) {
    const Result<QList<RemoteEntry>> entries = list(clonePath);
    if (!entries)
        return entries.error();
    QStringList names;
    for (const RemoteEntry& entry : entries.value()) {
        if (sameRepository(entry.url, sourceUrl) ||
            (!entry.pushUrl.isEmpty() && sameRepository(entry.pushUrl, sourceUrl)))
            names.append(entry.name);
    }
    return names;
}

QStringList CloneRemotes::clonesFor(const QStringList& clonePaths, const QString& sourceUrl) {
    QStringList clones;
    for (const QString& path : clonePaths) {
        const Result<QStringList> names = matching(path, sourceUrl);
        if (names && !names->isEmpty())
            clones.append(path);
    }
    return clones;
}

} // namespace berth
