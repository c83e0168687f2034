#pragma once

// Berth 0.1 set no organisation name, so Qt kept its settings under
// "$XDG_CONFIG_HOME/Unknown Organization/berth.conf". Later versions look in
// "$XDG_CONFIG_HOME/berth/berth.conf"; the saved registries must not be lost on the way.

#include <QString>

namespace berth {

// Copies the old settings file next to `currentFile` (QSettings().fileName()) when that
// file does not exist yet and the old one does. The old file stays, for an older Berth.
// Answers whether it copied.
bool adoptLegacySettings(const QString& currentFile);

} // namespace berth
