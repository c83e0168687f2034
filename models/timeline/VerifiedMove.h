#pragma once

// A release the window itself just verified, shown at once: the tag's chip moves to its
// new build and the lane gains the new position, without waiting for the repository to
// be read again (seconds on a large one). The read that follows confirms or corrects it.

#include "timeline/LoadedRepository.h"

#include <optional>

namespace berth {

// `shown` with `tag` moved to the build `digest` at `at` (UTC). nullopt when `shown` holds
// no build with that digest, so the change cannot be drawn without a read.
std::optional<LoadedRepository> withVerifiedMove(LoadedRepository shown, const QString& tag,
                                                 const QString& digest, const QDateTime& at);

} // namespace berth
