#pragma once

// Where a clone's commits can be seen in a browser: the web view of its "origin"
// remote, else of the first remote that has one. Reads the clone, so call it from a
// worker thread.

#include "git/RemoteLocation.h"

#include <optional>

namespace berth {

class CloneWebView {
public:
    // nullopt when the clone cannot be read or no remote is a hosted repository.
    static std::optional<RemoteLocation> of(const QString& clonePath);
};

} // namespace berth
