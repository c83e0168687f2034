#include "timeline/VerifiedMove.h"

#include <algorithm>

namespace berth {

std::optional<LoadedRepository> withVerifiedMove(LoadedRepository shown, const QString& tag,
                                                 const QString& digest, const QDateTime& at) {
    QList<Build>& builds = shown.collection.builds;
    const auto target = std::find_if(builds.begin(), builds.end(),
                                     [&](const Build& build) { return build.digest == digest; });
    if (target == builds.end())
        return std::nullopt;
    const auto named = [&](const ClassifiedTag& each) { return each.name == tag; };
    if (std::any_of(target->tags.cbegin(), target->tags.cend(), named))
        return shown; // already drawn there

    ClassifiedTag moved{tag, TagClassifier().classify(tag)};
    for (Build& build : builds) {
        const auto found = std::find_if(build.tags.begin(), build.tags.end(), named);
        if (found == build.tags.end())
            continue;
        moved = *found; // keeps the kind the read gave it
        build.tags.erase(found);
    }
    target->tags.append(moved);
    sortTagsForDisplay(target->tags);
    shown.collection.tagDigests.insert(tag, digest);

    for (EnvironmentLane& lane : shown.lanes) {
        if (lane.tag != tag || lane.currentDigest == digest)
            continue;
        lane.currentDigest = digest;
        lane.positions.prepend(LanePosition{digest, at, at});
    }
    return shown;
}

} // namespace berth
