#include "timeline/HistorySnapshot.h"

#include "history/HistoryStore.h"
#include "history/SqlManifestCache.h"
#include "registry/ImageReference.h"

using namespace Qt::StringLiterals;

namespace berth {

HistorySnapshot readHistorySnapshot(HistoryStore& store, const QString& repository) {
    HistorySnapshot snapshot;
    const Result<ImageReference> reference = ImageReference::parse(repository);
    if (!reference) {
        snapshot.problem = reference.error().message;
        return snapshot;
    }
    const Result<QList<TagPosition>> positions =
        store.positionsOfRepository(reference->domain(), reference->path());
    if (!positions) {
        snapshot.problem = positions.error().message;
        return snapshot;
    }
    // Positions come by tag, newest first within a tag: the first of each is where the
    // tag was last seen.
    QMap<QString, QString> tagDigests;
    QDateTime seenAt;
    for (const TagPosition& position : positions.value()) {
        if (tagDigests.contains(position.tag))
            continue;
        tagDigests.insert(position.tag, position.digest);
        seenAt = seenAt.isValid() ? qMax(seenAt, position.lastSeen) : position.lastSeen;
    }
    if (tagDigests.isEmpty())
        return snapshot;

    SqlManifestCache cache(store);
    LoadedRepository loaded;
    loaded.repository = reference->repository();
    loaded.collection = BuildCollector::fromCache(reference->path(), tagDigests, cache);
    loaded.lanes = environmentLanes(loaded.collection, positions.value());
    loaded.fromHistorySeenAt = seenAt;
    Result<QList<Verdict>> verdicts = store.verdicts(reference->domain(), reference->path());
    if (verdicts)
        loaded.verdicts = std::move(verdicts).value();
    else
        snapshot.problem = verdicts.error().message;
    loaded.positions = positions.value();
    Result<QList<Action>> actions =
        store.actions(ActionFilter::ofRepository(reference->domain(), reference->path()));
    if (actions)
        loaded.actions = std::move(actions).value();
    else
        snapshot.problem = actions.error().message;
    if (!cache.problems().isEmpty())
        snapshot.problem = cache.problems().constFirst();
    snapshot.repository = std::move(loaded);
    return snapshot;
}

VerdictsRead readVerdicts(HistoryStore& store, const QString& repository) {
    VerdictsRead read{repository, {}, {}};
    const Result<ImageReference> reference = ImageReference::parse(repository);
    if (!reference) {
        read.problem = reference.error().message;
        return read;
    }
    Result<QList<Verdict>> verdicts = store.verdicts(reference->domain(), reference->path());
    if (verdicts)
        read.verdicts = std::move(verdicts).value();
    else
        read.problem = verdicts.error().message;
    return read;
}

} // namespace berth
