#include "timeline/LoadRecorder.h"

#include "history/HistoryStore.h"
#include "release/PendingReconciler.h"

using namespace Qt::StringLiterals;

namespace berth {

RecordedLoad recordLoad(HistoryStore& store, const QString& registry,
                        const BuildCollection& collection) {
    RecordedLoad result;
    // A tag the refresh took from the history was not seen now: its last sighting stays.
    QMap<QString, QString> seen = collection.tagDigests;
    for (const QString& tag : collection.fromHistory)
        seen.remove(tag);
    const Result<RecordSummary> recorded =
        store.recordObservations(registry, collection.repository, seen,
                                 QDateTime::currentDateTimeUtc(), currentObserver(u"berth"_s));
    if (!recorded)
        result.warnings.append(recorded.error().message);
    // A release this or another process left pending is settled by what was just read.
    const ReconcileResult reconciled = reconcilePendingActions(store, registry, collection);
    result.warnings.append(reconciled.problems);
    for (const SettledAction& settled : reconciled.settled)
        result.settled.append(describe(settled));
    Result<QList<TagPosition>> positions =
        store.positionsOfRepository(registry, collection.repository);
    if (positions)
        result.positions = std::move(positions).value();
    else
        result.warnings.append(positions.error().message);
    Result<QList<Verdict>> verdicts = store.verdicts(registry, collection.repository);
    if (verdicts)
        result.verdicts = std::move(verdicts).value();
    else
        result.warnings.append(verdicts.error().message);
    Result<QList<Action>> actions =
        store.actions(ActionFilter::ofRepository(registry, collection.repository));
    if (actions)
        result.actions = std::move(actions).value();
    else
        result.warnings.append(actions.error().message);
    result.historyRead = positions && verdicts && actions;
    return result;
}

} // namespace berth
