#include "release/VerdictRecorder.h"

#include "history/HistoryStore.h"

using namespace Qt::StringLiterals;

namespace berth {

Result<qint64> recordVerdict(HistoryStore& store, const Verdict& verdict) {
    Action action;
    action.registry = verdict.registry;
    action.repository = verdict.repository;
    action.tag = verdict.environment;
    action.toDigest = verdict.digest;
    action.kind = verdict.verdict == VerdictKind::Good ? ActionKind::MarkGood : ActionKind::MarkBad;
    action.transport = u"none"_s;
    action.reason = verdict.reason;
    if (!verdict.user.isEmpty())
        action.user = verdict.user;
    const Result<qint64> id = store.beginAction(action);
    if (!id)
        return Error::make(
            u"Could not write the audit row, so nothing was marked: %1"_s.arg(id.errorMessage()));
    const Status stored = store.setVerdict(verdict);
    const Status finished = store.finishAction(
        id.value(), stored ? ActionState::Succeeded : ActionState::Failed, stored.errorMessage());
    if (!stored)
        return Error::make(u"Could not store the verdict: %1"_s.arg(stored.errorMessage()));
    if (!finished)
        return Error::make(
            u"The verdict is stored, but its audit row #%1 stays pending: %2"_s.arg(id.value())
                .arg(finished.errorMessage()));
    return id.value();
}

Verdict badVerdictOnLeaving(const ReleasePlan& plan, const QString& reason) {
    Verdict verdict;
    verdict.registry = plan.registry;
    verdict.repository = plan.repository;
    verdict.digest = plan.from.digest;
    verdict.environment = plan.tag;
    verdict.verdict = VerdictKind::Bad;
    verdict.reason = reason;
    return verdict;
}

} // namespace berth
