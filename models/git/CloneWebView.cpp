#include "git/CloneWebView.h"

#include "git/CloneRemotes.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace berth {

std::optional<RemoteLocation> CloneWebView::of(const QString& clonePath) {
    const Result<QList<RemoteEntry>> remotes = CloneRemotes::list(clonePath);
    if (!remotes)
        return std::nullopt;
    QList<RemoteEntry> ordered = remotes.value();
    // "origin" is where a clone usually came from; other remotes are often forks.
    std::stable_partition(ordered.begin(), ordered.end(),
                          [](const RemoteEntry& entry) { return entry.name == u"origin"_s; });
    for (const RemoteEntry& entry : std::as_const(ordered)) {
        const std::optional<RemoteLocation> location = RemoteLocation::parse(entry.url);
        if (location && !location->commitUrl(u"0"_s).isEmpty())
            return location;
    }
    return std::nullopt;
}

} // namespace berth
