#include "history/HistoryLocation.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace berth {

QString HistoryLocation::defaultSqlitePath() {
    // One file for the window and berthctl, whatever each names its organisation (Qt's
    // application data folder includes it, so the two once defaulted to different files).
    // A history only the window's older folder holds is used where it is: never moved,
    // never left behind.
    const QDir data(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation));
    const QString shared = data.filePath(u"berth/history.sqlite"_s);
    const QString windowsEarlier = data.filePath(u"berth/berth/history.sqlite"_s);
    if (!QFileInfo::exists(shared) && QFileInfo::exists(windowsEarlier))
        return windowsEarlier;
    return shared;
}

Result<HistoryLocation> HistoryLocation::parse(const QString& text) {
    HistoryLocation location;
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
        location.filePath = defaultSqlitePath();
        return location;
    }
    if (!trimmed.startsWith(u"postgresql://"_s) && !trimmed.startsWith(u"postgres://"_s)) {
        location.filePath = QFileInfo(trimmed).absoluteFilePath();
        return location;
    }
    const QUrl url(trimmed, QUrl::StrictMode);
    // Never echo the URL back: it may carry a password.
    if (!url.password().isEmpty())
        return Result<HistoryLocation>::failure(
            u"The database URL contains a password; remove it and put the password in "
            u"~/.pgpass (or the file PGPASSFILE names) or in the system keychain (berthctl "
            u"db-password <url>), so it is never stored or shown."_s);
    location.kind = Kind::Postgres;
    location.host = url.host();
    location.port = url.port(5432);
    location.user = url.userName();
    location.database = url.path().mid(1);
    if (!url.isValid() || location.host.isEmpty() || location.database.isEmpty() ||
        location.database.contains(u'/'))
        return Result<HistoryLocation>::failure(
            u"\"%1\" is not a PostgreSQL URL Berth understands; write it as "
            u"postgresql://user@host:port/dbname."_s.arg(trimmed));
    return location;
}

QString HistoryLocation::display() const {
    if (!isPostgres())
        return filePath;
    const QString user = this->user.isEmpty() ? QString() : this->user + u'@';
    return u"postgresql://%1%2:%3/%4"_s.arg(user, host).arg(port).arg(database);
}

} // namespace berth
