#include "core/LegacySettings.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace berth {

bool adoptLegacySettings(const QString& currentFile) {
    const QFileInfo current(currentFile);
    if (current.exists())
        return false;
    // The current file is <config>/berth/berth.conf; the old one <config>/Unknown
    // Organization/berth.conf.
    const QString legacy = QDir::cleanPath(current.absolutePath() + u"/../Unknown Organization/"_s +
                                           current.fileName());
    if (!QFileInfo::exists(legacy))
        return false;
    return QDir().mkpath(current.absolutePath()) && QFile::copy(legacy, currentFile);
}

} // namespace berth
