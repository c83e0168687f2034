#pragma once

// The JSON shape of builds, shared by berthctl --json and the clipboard/export paths.

#include "registry/Build.h"

#include <QJsonArray>
#include <QJsonObject>

namespace berth {

QJsonObject buildToJson(const Build& build);
QJsonArray buildsToJson(const QList<Build>& builds);

} // namespace berth
