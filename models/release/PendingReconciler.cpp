#include "release/PendingReconciler.h"

#include "history/HistoryStore.h"
#include "registry/ManifestParser.h"
#include "release/ReleaseTypes.h"

using namespace Qt::StringLiterals;

namespace berth {

namespace {

// The config digest of a manifest: from the builds just read, else from the cached
// bytes (the target may have lost every tag since). Empty when neither knows it.
QString configOf(HistoryStore& store, const BuildCollection& collection, const QString& digest) {
    for (const Build& build : collection.builds) {
        if (build.digest == digest)
            return build.configDigest;
    }
    const Result<std::optional<ManifestBlob>> cached = store.manifest(digest);
    if (!cached || !cached.value())
        return {};
    const Result<ManifestInfo> info =
        ManifestParser::parse(cached.value()->bytes, cached.value()->mediaType);
    return info ? info->configDigest : QString();
}

// An engine may store a target re-encoded: a different manifest of the same image.
bool sameConfig(HistoryStore& store, const BuildCollection& collection, const QString& found,
                const QString& intended) {
    const QString config = configOf(store, collection, found);
    return !config.isEmpty() && config == configOf(store, collection, intended);
}

} // namespace

ReconcileResult reconcilePendingActions(HistoryStore& store, const QString& registry,
                                        const BuildCollection& collection, const QDateTime& now,
                                        qint64 graceMs) {
    ReconcileResult result;
    const Result<QList<Action>> pending = store.pendingActions();
    if (!pending) {
        result.problems.append(pending.error().message);
        return result;
    }
    for (const Action& action : pending.value()) {
        if (action.registry != registry || action.repository != collection.repository ||
            !collection.tagDigests.contains(action.tag))
            continue;
        const QString current = collection.tagDigests.value(action.tag);
        SettledAction settled{action.id, action.tag, false, {}};
        if (current == action.toDigest) {
            settled.succeeded = true;
        } else if (action.transport == transportName(RetagTransport::Engine) &&
                   sameConfig(store, collection, current, action.toDigest)) {
            settled.succeeded = true;
            settled.note = u"The engine re-encoded the manifest: %1 now has digest %2 (same "
                           u"config as %3)."_s.arg(action.tag, current, action.toDigest);
        } else if (action.time.msecsTo(now) > graceMs) {
            settled.note = u"The process performing it stopped before finishing; %1 was found "
                           u"on %2, not on %3."_s.arg(action.tag, current, action.toDigest);
        } else {
            continue;
        }
        const Status finished = store.finishAction(
            action.id, settled.succeeded ? ActionState::Succeeded : ActionState::Failed,
            settled.note);
        if (finished)
            result.settled.append(settled);
        else
            result.problems.append(finished.error().message);
    }
    return result;
}

QString describe(const SettledAction& settled) {
    QString text = u"Audit row #%1 (%2), left pending, was settled: %3."_s.arg(
        QString::number(settled.id), settled.tag, settled.succeeded ? u"succeeded"_s : u"failed"_s);
    if (!settled.note.isEmpty())
        text += u' ' + settled.note;
    return text;
}

} // namespace berth
