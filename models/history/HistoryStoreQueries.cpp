// The history store's reads and writes on its tables; opening and schema live in
// HistoryStore.cpp.

#include "history/HistoryStore.h"

#include "history/HistorySchema.h"
#include "history/HistoryValues.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

QString labelsToJson(const QMap<QString, QString>& labels) {
    QJsonObject object;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        object.insert(it.key(), it.value());
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QString platformsToJson(const QList<Platform>& platforms) {
    QJsonArray array;
    for (const Platform& platform : platforms)
        array.append(QJsonObject{{u"os"_s, platform.os},
                                 {u"architecture"_s, platform.architecture},
                                 {u"variant"_s, platform.variant},
                                 {u"digest"_s, platform.digest},
                                 {u"size"_s, platform.size}});
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

const QString kPositionColumns = u"tag, digest, first_seen, last_seen, observed_by"_s;

TagPosition positionFrom(const QSqlQuery& query) {
    return TagPosition{query.value(0).toString(), query.value(1).toString(), fromMs(query.value(2)),
                       fromMs(query.value(3)), query.value(4).toString()};
}

// A read-only database of an older schema is read as it is: its actions name no train.
QString actionColumns(int schemaVersion) {
    return u"id, started_at, user_name, host, registry, repository, tag, from_digest, to_digest, "
           u"kind, transport, reason, state, error, finished_at, %1"_s.arg(
               schemaVersion >= schema::kTrainsVersion ? u"train_id"_s : u"NULL"_s);
}

Action actionFrom(const QSqlQuery& query) {
    Action action;
    action.id = query.value(0).toLongLong();
    action.time = fromMs(query.value(1));
    action.user = query.value(2).toString();
    action.host = query.value(3).toString();
    action.registry = query.value(4).toString();
    action.repository = query.value(5).toString();
    action.tag = query.value(6).toString();
    action.fromDigest = query.value(7).toString();
    action.toDigest = query.value(8).toString();
    action.kind = actionKindFromName(query.value(9).toString()).value_or(ActionKind::Promote);
    action.transport = query.value(10).toString();
    action.reason = query.value(11).toString();
    action.state = actionStateFromName(query.value(12).toString()).value_or(ActionState::Failed);
    action.error = query.value(13).toString();
    action.finished = fromMs(query.value(14));
    action.trainId = query.value(15).toLongLong();
    return action;
}

QVariant trainIdValue(qint64 id) {
    return id > 0 ? QVariant(id) : nullInteger();
}

const QString kTrainColumns =
    u"id, started_at, user_name, host, kind, from_environment, to_environment, reason, "
    u"rolls_back"_s;

Train trainFrom(const QSqlQuery& query) {
    Train train;
    train.id = query.value(0).toLongLong();
    train.time = fromMs(query.value(1));
    train.user = query.value(2).toString();
    train.host = query.value(3).toString();
    train.kind = actionKindFromName(query.value(4).toString()).value_or(ActionKind::Promote);
    train.fromEnvironment = query.value(5).toString();
    train.toEnvironment = query.value(6).toString();
    train.reason = query.value(7).toString();
    train.rollsBack = query.value(8).toLongLong();
    return train;
}

} // namespace

QString actionKindName(ActionKind kind) {
    switch (kind) {
    case ActionKind::Promote:
        return u"promote"_s;
    case ActionKind::Rollback:
        return u"rollback"_s;
    case ActionKind::MarkGood:
        return u"mark-good"_s;
    case ActionKind::MarkBad:
        return u"mark-bad"_s;
    case ActionKind::Publish:
        return u"publish"_s;
    }
    return {};
}

QString verdictKindName(VerdictKind kind) {
    return kind == VerdictKind::Good ? u"good"_s : u"bad"_s;
}

QString actionStateName(ActionState state) {
    switch (state) {
    case ActionState::Pending:
        return u"pending"_s;
    case ActionState::Succeeded:
        return u"succeeded"_s;
    case ActionState::Failed:
        return u"failed"_s;
    }
    return {};
}

QString refusedActionError(const QString& message) {
    return u"refused: "_s + message;
}

bool isRefusedAction(const Action& action) {
    return action.state == ActionState::Failed && action.error.startsWith(u"refused: "_s);
}

std::optional<ActionKind> actionKindFromName(const QString& name) {
    for (ActionKind kind : {ActionKind::Promote, ActionKind::Rollback, ActionKind::MarkGood,
                            ActionKind::MarkBad, ActionKind::Publish}) {
        if (actionKindName(kind) == name)
            return kind;
    }
    return std::nullopt;
}

std::optional<ActionState> actionStateFromName(const QString& name) {
    for (ActionState state : {ActionState::Pending, ActionState::Succeeded, ActionState::Failed}) {
        if (actionStateName(state) == name)
            return state;
    }
    return std::nullopt;
}

Result<RecordSummary> HistoryStore::recordObservations(const QString& registry,
                                                       const QString& repository,
                                                       const QMap<QString, QString>& tagDigests,
                                                       const QDateTime& seenAt,
                                                       const QString& observedBy) {
    const QString purpose = u"record tag positions of %1/%2"_s.arg(registry, repository);
    if (const Status allowed = writable(); !allowed)
        return allowed.error();
    const qint64 seen = toMsOrNow(seenAt);
    RecordSummary summary;
    const Status done = inTransaction(purpose, [&]() -> Status {
        if (m_location.isPostgres()) {
            // Readers go on; a second recorder waits, so a move is never written twice.
            Result<QSqlQuery> lock =
                run(purpose, u"LOCK TABLE tag_observations IN SHARE ROW EXCLUSIVE MODE"_s);
            if (!lock)
                return lock.error();
        }
        Result<QSqlQuery> current =
            run(purpose,
                // One grouped pass over the (registry, repository, tag, id) index instead of
                // a correlated MAX per row, which grew with the repository's whole history.
                u"SELECT o.tag, o.digest, o.id FROM tag_observations o JOIN (SELECT MAX(id) AS "
                u"id FROM tag_observations WHERE registry = ? AND repository = ? GROUP BY tag) "
                u"newest ON o.id = newest.id"_s,
                {registry, repository});
        if (!current)
            return current.error();
        QHash<QString, std::pair<QString, qint64>> latest;
        while (current.value().next())
            latest.insert(
                current.value().value(0).toString(),
                {current.value().value(1).toString(), current.value().value(2).toLongLong()});

        QSqlQuery insert(database());
        if (!insert.prepare(u"INSERT INTO tag_observations (registry, repository, tag, digest, "
                            u"first_seen, last_seen, observed_by) VALUES (?, ?, ?, ?, ?, ?, ?)"_s))
            return failure(purpose, insert.lastError().text());
        QStringList unchangedIds;
        for (auto it = tagDigests.cbegin(); it != tagDigests.cend(); ++it) {
            const auto found = latest.constFind(it.key());
            if (found != latest.cend() && found->first == it.value()) {
                unchangedIds.append(QString::number(found->second));
                continue;
            }
            for (const QVariant& value :
                 QVariantList{registry, repository, it.key(), it.value(), seen, seen, observedBy})
                insert.addBindValue(bindable(value));
            if (!insert.exec())
                return failure(purpose, insert.lastError().text());
            ++summary.newPositions;
        }
        summary.unchanged = int(unchangedIds.size());
        // Most tags of a refresh are unchanged: bump them in a few statements, not one each
        // (a round trip per tag is what makes a shared PostgreSQL slow). The ids are integers
        // read from the database, so writing them into the SQL text is safe.
        constexpr qsizetype kIdsPerStatement = 500;
        for (qsizetype from = 0; from < unchangedIds.size(); from += kIdsPerStatement) {
            const Result<QSqlQuery> bumped = run(
                purpose,
                u"UPDATE tag_observations SET last_seen = ? WHERE last_seen < ? AND id IN (%1)"_s
                    .arg(unchangedIds.mid(from, kIdsPerStatement).join(u',')),
                {seen, seen});
            if (!bumped)
                return bumped.error();
        }
        return success();
    });
    if (!done)
        return done.error();
    return summary;
}

Result<QList<TagPosition>> HistoryStore::tagHistory(const QString& registry,
                                                    const QString& repository,
                                                    const QString& tag) const {
    Result<QSqlQuery> query =
        run(u"read the history of %1/%2:%3"_s.arg(registry, repository, tag),
            u"SELECT %1 FROM tag_observations WHERE registry = ? AND repository = ? AND tag = ? "
            u"ORDER BY id DESC"_s.arg(kPositionColumns),
            {registry, repository, tag});
    if (!query)
        return query.error();
    QList<TagPosition> positions;
    while (query.value().next())
        positions.append(positionFrom(query.value()));
    return positions;
}

Result<QList<TagPosition>> HistoryStore::positionsOfRepository(const QString& registry,
                                                               const QString& repository) const {
    Result<QSqlQuery> query =
        run(u"read the tag history of %1/%2"_s.arg(registry, repository),
            u"SELECT %1 FROM tag_observations WHERE registry = ? AND repository = ? "
            u"ORDER BY tag, id DESC"_s.arg(kPositionColumns),
            {registry, repository});
    if (!query)
        return query.error();
    QList<TagPosition> positions;
    while (query.value().next())
        positions.append(positionFrom(query.value()));
    return positions;
}

Result<QMap<QString, QStringList>> HistoryStore::tagsByDigest(const QString& registry,
                                                              const QString& repository) const {
    Result<QSqlQuery> query =
        run(u"read the tags of %1/%2"_s.arg(registry, repository),
            u"SELECT DISTINCT digest, tag FROM tag_observations WHERE registry = ? AND "
            u"repository = ? ORDER BY digest, tag"_s,
            {registry, repository});
    if (!query)
        return query.error();
    QMap<QString, QStringList> tags;
    while (query.value().next())
        tags[query.value().value(0).toString()].append(query.value().value(1).toString());
    return tags;
}

Result<QStringList> HistoryStore::repositoriesSeen(const QString& registry) const {
    Result<QSqlQuery> query = run(u"list the repositories seen on %1"_s.arg(registry),
                                  u"SELECT DISTINCT repository FROM tag_observations WHERE "
                                  u"registry = ? ORDER BY repository"_s,
                                  {registry});
    if (!query)
        return query.error();
    QStringList repositories;
    while (query.value().next())
        repositories.append(query.value().value(0).toString());
    return repositories;
}

Result<QHash<QString, QMap<QString, QString>>>
HistoryStore::labelsOfBuildsTagged(const QString& registry, const QString& repository,
                                   const QString& tag) const {
    Result<QSqlQuery> query =
        run(u"read the labels of the builds %1/%2:%3 named"_s.arg(registry, repository, tag),
            u"SELECT digest, labels FROM manifests WHERE labels IS NOT NULL AND digest IN "
            u"(SELECT DISTINCT digest FROM tag_observations WHERE registry = ? AND "
            u"repository = ? AND tag = ?)"_s,
            {registry, repository, tag});
    if (!query)
        return query.error();
    QHash<QString, QMap<QString, QString>> labels;
    while (query.value().next()) {
        const QJsonObject object =
            QJsonDocument::fromJson(query.value().value(1).toString().toUtf8()).object();
        QMap<QString, QString>& ofBuild = labels[query.value().value(0).toString()];
        for (auto it = object.constBegin(); it != object.constEnd(); ++it)
            ofBuild.insert(it.key(), it.value().toString());
    }
    return labels;
}

Result<qint64> HistoryStore::insertAction(Action action) {
    if (const Status allowed = writable(); !allowed)
        return allowed.error();
    stampWho(action.user, action.host);
    const qint64 started = toMsOrNow(action.time);
    // A row written finished (a train's unmoved service) ends when it starts.
    const QVariant finished = action.state == ActionState::Pending ? nullInteger()
                              : action.finished.isValid()
                                  ? QVariant(action.finished.toMSecsSinceEpoch())
                                  : QVariant(started);
    return insertReturningId(
        u"write the audit log"_s,
        u"INSERT INTO actions (started_at, user_name, host, registry, repository, tag, "
        u"from_digest, to_digest, kind, transport, reason, state, error, finished_at, "
        u"train_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"_s,
        {started, action.user, action.host, action.registry, action.repository, action.tag,
         action.fromDigest, action.toDigest, actionKindName(action.kind), action.transport,
         action.reason, actionStateName(action.state), action.error, finished,
         trainIdValue(action.trainId)});
}

Result<qint64> HistoryStore::insertReturningId(const QString& purpose, const QString& sql,
                                               const QVariantList& values) {
    qint64 id = 0;
    const Status written = durably(purpose, [&]() -> Status {
        Result<QSqlQuery> query = run(purpose, sql, values);
        if (!query)
            return query.error();
        if (!query.value().next())
            return failure(purpose, u"the new row got no id"_s);
        id = query.value().value(0).toLongLong();
        return success();
    });
    if (!written)
        return written.error();
    return id;
}

Result<qint64> HistoryStore::beginAction(Action action) {
    if (const Status allowed = writable(); !allowed)
        return allowed.error();
    action.state = ActionState::Pending;
    action.error.clear();
    const Result<qint64> written = insertAction(action);
    if (written)
        return written;
    // The unique index on pending actions refused the row: someone is moving this tag.
    return inFlightOr(
        written.error(), pendingActions(),
        [&action](const Action& other) {
            return other.registry == action.registry && other.repository == action.repository &&
                   other.tag == action.tag;
        },
        [&action](const Action& other) {
            return u"%1 is being moved right now by %2 on %3 (action %4, started %5)"_s.arg(
                action.tag, other.user, other.host, QString::number(other.id),
                other.time.toString(Qt::ISODate));
        });
}

Status HistoryStore::finishAction(qint64 id, ActionState state, const QString& error) {
    if (state == ActionState::Pending)
        return Error::make(u"An action can only be finished as succeeded or failed."_s);
    return finishPendingRow(u"actions"_s, u"error"_s, id, state, error,
                            u"finish action %1 in the audit log"_s.arg(id),
                            u"The audit log of %1 has no pending action %2."_s);
}

Status HistoryStore::finishPendingRow(const QString& table, const QString& textColumn, qint64 id,
                                      ActionState state, const QString& text,
                                      const QString& purpose, const QString& missing) {
    if (const Status allowed = writable(); !allowed)
        return allowed.error();
    return durably(purpose, [&]() -> Status {
        Result<QSqlQuery> query = run(
            purpose,
            u"UPDATE %1 SET state = ?, %2 = ?, finished_at = ? WHERE id = ? AND state = ?"_s.arg(
                table, textColumn),
            {actionStateName(state), text, QDateTime::currentMSecsSinceEpoch(), id,
             actionStateName(ActionState::Pending)});
        if (!query)
            return query.error();
        if (query.value().numRowsAffected() != 1)
            return Error::make(missing.arg(m_location.display()).arg(id));
        return success();
    });
}

Result<QList<Action>> HistoryStore::actions(const ActionFilter& filter) const {
    QString sql = u"SELECT %1 FROM actions WHERE 1 = 1"_s.arg(actionColumns(m_version));
    QVariantList values;
    if (!filter.registry.isEmpty()) {
        sql += u" AND registry = ?"_s;
        values.append(filter.registry);
    }
    if (!filter.repository.isEmpty()) {
        sql += u" AND repository = ?"_s;
        values.append(filter.repository);
    }
    sql += u" ORDER BY id DESC"_s;
    if (filter.limit > 0)
        sql += u" LIMIT %1"_s.arg(filter.limit);
    Result<QSqlQuery> query = run(u"read the audit log"_s, sql, values);
    if (!query)
        return query.error();
    QList<Action> list;
    while (query.value().next())
        list.append(actionFrom(query.value()));
    return list;
}

Result<QList<Action>> HistoryStore::pendingActions() const {
    Result<QSqlQuery> query =
        run(u"read the pending actions"_s,
            u"SELECT %1 FROM actions WHERE state = ? ORDER BY id"_s.arg(actionColumns(m_version)),
            {actionStateName(ActionState::Pending)});
    if (!query)
        return query.error();
    QList<Action> list;
    while (query.value().next())
        list.append(actionFrom(query.value()));
    return list;
}

Result<qint64> HistoryStore::recordFinishedAction(Action action) {
    if (action.state == ActionState::Pending)
        return Error::make(u"Only a finished action can be recorded finished."_s);
    return insertAction(std::move(action));
}

Result<qint64> HistoryStore::beginTrain(Train train) {
    if (const Status allowed = writable(); !allowed)
        return allowed.error();
    stampWho(train.user, train.host);
    return insertReturningId(
        u"write the release train"_s,
        u"INSERT INTO trains (started_at, user_name, host, kind, from_environment, "
        u"to_environment, reason, rolls_back) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"_s,
        {toMsOrNow(train.time), train.user, train.host, actionKindName(train.kind),
         train.fromEnvironment, train.toEnvironment, train.reason, trainIdValue(train.rollsBack)});
}

Result<QList<Train>> HistoryStore::trains(int limit) const {
    if (m_version < schema::kTrainsVersion)
        return QList<Train>{};
    QString sql = u"SELECT %1 FROM trains ORDER BY id DESC"_s.arg(kTrainColumns);
    if (limit > 0)
        sql += u" LIMIT %1"_s.arg(limit);
    Result<QSqlQuery> query = run(u"read the release trains"_s, sql);
    if (!query)
        return query.error();
    QList<Train> list;
    while (query.value().next())
        list.append(trainFrom(query.value()));
    return list;
}

Result<std::optional<Train>> HistoryStore::train(qint64 id) const {
    if (m_version < schema::kTrainsVersion)
        return std::optional<Train>{};
    Result<QSqlQuery> query = run(u"read release train %1"_s.arg(id),
                                  u"SELECT %1 FROM trains WHERE id = ?"_s.arg(kTrainColumns), {id});
    if (!query)
        return query.error();
    if (!query.value().next())
        return std::optional<Train>{};
    return std::optional<Train>{trainFrom(query.value())};
}

Result<QList<Action>> HistoryStore::actionsOfTrain(qint64 trainId) const {
    if (m_version < schema::kTrainsVersion)
        return QList<Action>{};
    Result<QSqlQuery> query = run(
        u"read release train %1"_s.arg(trainId),
        u"SELECT %1 FROM actions WHERE train_id = ? ORDER BY id"_s.arg(actionColumns(m_version)),
        {trainId});
    if (!query)
        return query.error();
    QList<Action> list;
    while (query.value().next())
        list.append(actionFrom(query.value()));
    return list;
}

Status HistoryStore::setVerdict(Verdict verdict) {
    if (const Status allowed = writable(); !allowed)
        return allowed.error();
    if (verdict.user.isEmpty())
        verdict.user = currentActor();
    Result<QSqlQuery> query = run(
        u"record a verdict"_s,
        u"INSERT INTO verdicts (registry, repository, digest, environment, verdict, decided_at, "
        u"user_name, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (registry, repository, "
        u"digest, environment) DO UPDATE SET verdict = excluded.verdict, decided_at = "
        u"excluded.decided_at, user_name = excluded.user_name, reason = excluded.reason"_s,
        {verdict.registry, verdict.repository, verdict.digest, verdict.environment,
         verdictKindName(verdict.verdict), toMsOrNow(verdict.time), verdict.user, verdict.reason});
    if (!query)
        return query.error();
    return success();
}

Result<QList<Verdict>> HistoryStore::verdicts(const QString& registry,
                                              const QString& repository) const {
    Result<QSqlQuery> query =
        run(u"read the verdicts"_s,
            u"SELECT digest, environment, verdict, decided_at, user_name, reason FROM verdicts "
            u"WHERE registry = ? AND repository = ? ORDER BY decided_at DESC, digest"_s,
            {registry, repository});
    if (!query)
        return query.error();
    QList<Verdict> list;
    while (query.value().next()) {
        const QSqlQuery& row = query.value();
        list.append(
            Verdict{registry, repository, row.value(0).toString(), row.value(1).toString(),
                    row.value(2).toString() == u"bad"_s ? VerdictKind::Bad : VerdictKind::Good,
                    fromMs(row.value(3)), row.value(4).toString(), row.value(5).toString()});
    }
    return list;
}

Result<std::optional<ManifestBlob>> HistoryStore::manifest(const QString& digest) const {
    Result<QSqlQuery*> prepared =
        reusable(u"read manifests"_s, u"SELECT media_type, raw FROM manifests WHERE digest = ?"_s);
    if (!prepared)
        return prepared.error();
    QSqlQuery& query = *prepared.value();
    query.bindValue(0, digest);
    if (!query.exec())
        return failure(u"read manifest %1"_s.arg(digest), query.lastError().text());
    std::optional<ManifestBlob> found;
    if (query.next())
        found = ManifestBlob{digest, query.value(0).toString(), query.value(1).toByteArray()};
    query.finish(); // a SELECT left open would keep SQLite's read snapshot
    return found;
}

Status HistoryStore::forgetManifest(const QString& digest) {
    const Result<QSqlQuery> deleted = run(u"forget manifest %1"_s.arg(digest),
                                          u"DELETE FROM manifests WHERE digest = ?"_s, {digest});
    return deleted ? success() : Status(deleted.error());
}

Status HistoryStore::storeManifest(const ManifestRecord& record) {
    const QString purpose = u"store manifest %1"_s.arg(record.blob.digest);
    if (const Status allowed = writable(); !allowed)
        return allowed.error();
    // The config may be stored already (another manifest shares it): take what it says.
    QVariant created = nullInteger();
    QVariant labels = QVariant(QMetaType::fromType<QString>());
    if (!record.configDigest.isEmpty()) {
        Result<QSqlQuery> config =
            run(purpose, u"SELECT created, labels FROM configs WHERE digest = ?"_s,
                {record.configDigest});
        if (!config)
            return config.error();
        if (config.value().next()) {
            created = config.value().value(0);
            labels = config.value().value(1);
        }
    }
    Result<QSqlQuery> query =
        run(purpose,
            u"INSERT INTO manifests (digest, media_type, size, config_digest, created, labels, "
            u"platforms, raw, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            u"ON CONFLICT (digest) DO NOTHING"_s,
            {record.blob.digest, record.blob.mediaType, record.size, record.configDigest, created,
             labels, platformsToJson(record.platforms), record.blob.bytes,
             QDateTime::currentMSecsSinceEpoch()});
    if (!query)
        return query.error();
    return success();
}

Result<std::optional<QByteArray>> HistoryStore::config(const QString& digest) const {
    Result<QSqlQuery*> prepared =
        reusable(u"read configs"_s, u"SELECT raw FROM configs WHERE digest = ?"_s);
    if (!prepared)
        return prepared.error();
    QSqlQuery& query = *prepared.value();
    query.bindValue(0, digest);
    if (!query.exec())
        return failure(u"read config %1"_s.arg(digest), query.lastError().text());
    std::optional<QByteArray> found;
    if (query.next())
        found = query.value(0).toByteArray();
    query.finish(); // a SELECT left open would keep SQLite's read snapshot
    return found;
}

Status HistoryStore::storeConfig(const QString& digest, const QByteArray& bytes,
                                 const QDateTime& created, const QMap<QString, QString>& labels) {
    const QString purpose = u"store config %1"_s.arg(digest);
    if (const Status allowed = writable(); !allowed)
        return allowed.error();
    const QString labelsJson = labelsToJson(labels);
    return inTransaction(purpose, [&]() -> Status {
        Result<QSqlQuery> insert =
            run(purpose,
                u"INSERT INTO configs (digest, created, labels, raw, stored_at) VALUES "
                u"(?, ?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING"_s,
                {digest, toMs(created), labelsJson, bytes, QDateTime::currentMSecsSinceEpoch()});
        if (!insert)
            return insert.error();
        Result<QSqlQuery> update =
            run(purpose,
                u"UPDATE manifests SET created = ?, labels = ? WHERE config_digest = ? AND "
                u"labels IS NULL"_s,
                {toMs(created), labelsJson, digest});
        if (!update)
            return update.error();
        return success();
    });
}

} // namespace berth
