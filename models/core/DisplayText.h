#pragma once

// Text from outside (registries, engines, git remotes) on its way to a person: URLs lose
// the credentials they may carry, and a terminal gets no control sequence it would obey.

#include <QString>

namespace berth {

// "https://user:token@host/x" becomes "https://host/x" wherever a URL stands in `text`.
QString withoutCredentials(const QString& text);

// Control characters (C0 but newline and tab, DEL, C1) written as \xNN: an answer that
// holds ESC sequences cannot recolour, retitle or rewrite the terminal showing it.
QString escapedForTerminal(const QString& text);

} // namespace berth
