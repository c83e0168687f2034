// The history store's redeploy log (schema 4): each redeploy of a container and each of
// its steps, written pending before the engine is asked.

#include "history/HistoryStore.h"

#include "history/HistorySchema.h"
#include "history/HistoryValues.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

const QString kRedeployColumns =
    u"id, started_at, user_name, host, process_id, registry, repository, environment, "
    u"engine_host, container, from_digest, to_digest, step, reason, state, result, "
    u"finished_at"_s;

RedeployStep redeployStepFrom(const QSqlQuery& query) {
    RedeployStep step;
    step.id = query.value(0).toLongLong();
    step.time = fromMs(query.value(1));
    step.user = query.value(2).toString();
    step.host = query.value(3).toString();
    step.processId = query.value(4).toLongLong();
    step.registry = query.value(5).toString();
    step.repository = query.value(6).toString();
    step.environment = query.value(7).toString();
    step.engineHost = query.value(8).toString();
    step.container = query.value(9).toString();
    step.fromDigest = query.value(10).toString();
    step.toDigest = query.value(11).toString();
    step.step = query.value(12).toString();
    step.reason = query.value(13).toString();
    step.state = actionStateFromName(query.value(14).toString()).value_or(ActionState::Failed);
    step.result = query.value(15).toString();
    step.finished = fromMs(query.value(16));
    return step;
}

} // namespace

Result<qint64> HistoryStore::beginRedeployStep(RedeployStep step) {
    if (const Status allowed = writable(); !allowed)
        return allowed.error();
    stampWho(step.user, step.host);
    if (step.processId == 0)
        step.processId = QCoreApplication::applicationPid();
    const Result<qint64> written = insertReturningId(
        u"write the redeploy log"_s,
        u"INSERT INTO redeploy_steps (started_at, user_name, host, process_id, registry, "
        u"repository, environment, engine_host, container, from_digest, to_digest, step, "
        u"reason, state, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '') "
        u"RETURNING id"_s,
        {toMsOrNow(step.time), step.user, step.host, step.processId, step.registry, step.repository,
         step.environment, step.engineHost, step.container, step.fromDigest, step.toDigest,
         step.step, step.reason, actionStateName(ActionState::Pending)});
    if (written)
        return written;
    // The unique index refused it: another redeploy of this container is still in flight.
    return inFlightOr(
        written.error(), pendingRedeploySteps(),
        [&step](const RedeployStep& other) {
            return other.engineHost == step.engineHost && other.container == step.container &&
                   other.step == kWholeRedeployStep;
        },
        [&step](const RedeployStep& other) {
            return u"%1 on %2 is being redeployed right now by %3 on %4 (log row %5, started "
                   u"%6)"_s.arg(step.container, step.engineHost, other.user, other.host,
                                QString::number(other.id), other.time.toString(Qt::ISODate));
        });
}

Status HistoryStore::finishRedeployStep(qint64 id, ActionState state, const QString& result) {
    if (state == ActionState::Pending)
        return Error::make(u"A redeploy step can only be finished as succeeded or failed."_s);
    return finishPendingRow(u"redeploy_steps"_s, u"result"_s, id, state, result,
                            u"finish redeploy step %1"_s.arg(id),
                            u"The redeploy log of %1 has no pending step %2."_s);
}

Result<QList<RedeployStep>> HistoryStore::readRedeploySteps(const QString& purpose,
                                                            const QString& condition,
                                                            const QVariantList& values) const {
    if (m_version < schema::kRedeployVersion)
        return QList<RedeployStep>{}; // a database from before the log has none
    Result<QSqlQuery> query =
        run(purpose, u"SELECT %1 FROM redeploy_steps WHERE %2"_s.arg(kRedeployColumns, condition),
            values);
    if (!query)
        return query.error();
    QList<RedeployStep> list;
    while (query.value().next())
        list.append(redeployStepFrom(query.value()));
    return list;
}

Result<QList<RedeployStep>> HistoryStore::pendingRedeploySteps() const {
    return readRedeploySteps(u"read the pending redeploy steps"_s, u"state = ? ORDER BY id"_s,
                             {actionStateName(ActionState::Pending)});
}

Result<QList<RedeployStep>>
HistoryStore::redeploySteps(const QString& registry, const QString& repository, int limit) const {
    QString condition = u"registry = ? AND repository = ? ORDER BY id DESC"_s;
    if (limit > 0)
        condition += u" LIMIT %1"_s.arg(limit);
    return readRedeploySteps(u"read the redeploy log"_s, condition, {registry, repository});
}

Result<QList<RedeployStep>> HistoryStore::stepsOfRedeploy(const RedeployStep& redeploy) const {
    // Only one redeploy of a container is pending at a time (the unique index), so every
    // later row of the same container is one of its steps.
    return readRedeploySteps(
        u"read the steps of redeploy %1"_s.arg(redeploy.id),
        u"id > ? AND engine_host = ? AND container = ? AND step <> ? ORDER BY id"_s,
        {redeploy.id, redeploy.engineHost, redeploy.container, kWholeRedeployStep});
}

} // namespace berth
