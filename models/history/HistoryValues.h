#pragma once

// How the history store's queries write and read values: times as milliseconds since the
// epoch (UTC), NULL for none, and who did something. Shared by the query files only.

#include "core/Result.h"
#include "history/HistoryStore.h"

#include <QDateTime>
#include <QSysInfo>
#include <QVariant>

namespace berth {

inline QVariant nullInteger() {
    return QVariant(QMetaType::fromType<qint64>());
}

inline QVariant toMs(const QDateTime& time) {
    return time.isValid() ? QVariant(time.toMSecsSinceEpoch()) : nullInteger();
}

inline qint64 toMsOrNow(const QDateTime& time) {
    return time.isValid() ? time.toMSecsSinceEpoch() : QDateTime::currentMSecsSinceEpoch();
}

inline QDateTime fromMs(const QVariant& value) {
    return value.isNull() ? QDateTime()
                          : QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

// Who did it, where: the current login and machine unless the caller named them.
inline void stampWho(QString& user, QString& host) {
    if (user.isEmpty())
        user = currentActor();
    if (host.isEmpty())
        host = QSysInfo::machineHostName();
}

// After the unique index on pending rows refused an insert: the error naming the row in
// flight that `isTwin` recognises (asked once the refused transaction is over, since
// PostgreSQL answers nothing inside it), else the insert's own error.
template <typename Row, typename IsTwin, typename Describe>
Error inFlightOr(const Error& insertError, const Result<QList<Row>>& pending, IsTwin isTwin,
                 Describe describe) {
    if (pending) {
        for (const Row& other : pending.value()) {
            if (isTwin(other))
                return Error::make(describe(other) +
                                       QStringLiteral("; wait for it to finish, then look again."),
                                   0, HistoryStore::kActionInProgress);
        }
    }
    return insertError;
}

} // namespace berth
