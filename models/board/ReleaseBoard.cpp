#include "board/ReleaseBoard.h"

#include "policy/SemanticVersion.h"
#include "timeline/EnvironmentLane.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace berth {

QString upstreamStandingName(UpstreamStanding standing) {
    switch (standing) {
    case UpstreamStanding::None:
        return u"none"_s;
    case UpstreamStanding::Same:
        return u"same"_s;
    case UpstreamStanding::Differs:
        return u"differs"_s;
    case UpstreamStanding::NotFromUpstream:
        return u"not-from-upstream"_s;
    }
    return {};
}

namespace {

// What a person calls the build: its release, else the commit it was built from.
QString versionOf(const Build* build, const QString& digest) {
    if (build) {
        std::optional<SemanticVersion> highest;
        QString highestTag;
        for (const ClassifiedTag& tag : build->tags) {
            if (tag.kind != TagKind::ExactSemver)
                continue;
            const std::optional<SemanticVersion> version = SemanticVersion::parse(tag.name);
            if (version && (!highest || *highest < *version)) {
                highest = version;
                highestTag = tag.name;
            }
        }
        if (!highestTag.isEmpty())
            return highestTag;
        for (const TagKind kind : {TagKind::GitSha, TagKind::BranchSha}) {
            for (const ClassifiedTag& tag : build->tags) {
                if (tag.kind == kind)
                    return tag.name;
            }
        }
    }
    return digest.left(19); // "sha256:" and 12 hex digits, as the rest of Berth shortens
}

std::optional<VerdictKind> verdictOn(const QList<Verdict>& verdicts, const QString& digest,
                                     const QString& environment) {
    const Verdict* newest = nullptr;
    for (const Verdict& verdict : verdicts) {
        if (verdict.digest == digest && verdict.environment == environment &&
            (!newest || newest->time < verdict.time))
            newest = &verdict;
    }
    return newest ? std::optional(newest->verdict) : std::nullopt;
}

bool ranOn(const EnvironmentLane& lane, const QString& digest) {
    return std::any_of(
        lane.positions.cbegin(), lane.positions.cend(),
        [&digest](const LanePosition& position) { return position.digest == digest; });
}

} // namespace

QString buildVersionName(const Build* build, const QString& digest) {
    return versionOf(build, digest);
}

QString boardCellText(const BoardCell& cell) {
    if (cell.isEmpty())
        return u"-"_s;
    QStringList parts{cell.version};
    if (cell.since.isValid())
        parts.append(u"since "_s + cell.since.toString(u"yyyy-MM-dd"_s));
    switch (cell.standing) {
    case UpstreamStanding::None:
        break;
    case UpstreamStanding::Same:
        parts.append(u"= "_s + cell.upstream);
        break;
    case UpstreamStanding::Differs:
        parts.append(u"≠ "_s + cell.upstream);
        break;
    case UpstreamStanding::NotFromUpstream:
        parts.append(u"not seen in "_s + cell.upstream);
        break;
    }
    if (cell.commitsBehind > 0)
        parts.append(u"%1 commits behind %2"_s.arg(cell.commitsBehind).arg(cell.upstream));
    if (cell.verdict)
        parts.append(verdictKindName(*cell.verdict));
    if (cell.movedOutsideBerth)
        parts.append(u"moved outside Berth"_s);
    return parts.join(u", "_s);
}

void markMovesOutsideBerth(BoardRow& row, const BoardRow& previous, const QList<Action>& actions) {
    for (BoardCell& cell : row.cells) {
        const auto before = std::find_if(
            previous.cells.cbegin(), previous.cells.cend(),
            [&cell](const BoardCell& old) { return old.environment == cell.environment; });
        if (before == previous.cells.cend() || before->digest == cell.digest || cell.isEmpty())
            continue;
        const bool byBerth =
            std::any_of(actions.cbegin(), actions.cend(), [&cell](const Action& action) {
                return action.tag == cell.environment && action.toDigest == cell.digest &&
                       action.state == ActionState::Succeeded;
            });
        cell.movedOutsideBerth = !byBerth;
    }
}

bool environmentsDiffer(const BoardRow& row, const QString& first, const QString& second) {
    const auto digestIn = [&row](const QString& environment) {
        for (const BoardCell& cell : row.cells) {
            if (cell.environment == environment)
                return cell.digest;
        }
        return QString();
    };
    return digestIn(first) != digestIn(second);
}

QStringList mergePromotionOrders(const QList<QStringList>& orders) {
    QStringList merged;
    for (const QStringList& order : orders) {
        for (qsizetype i = 0; i < order.size(); ++i) {
            if (merged.contains(order.at(i)))
                continue;
            qsizetype at = merged.size();
            bool placed = false;
            for (qsizetype after = i + 1; after < order.size() && !placed; ++after) {
                if (const qsizetype found = merged.indexOf(order.at(after)); found >= 0) {
                    at = found;
                    placed = true;
                }
            }
            for (qsizetype before = i - 1; before >= 0 && !placed; --before) {
                if (const qsizetype found = merged.indexOf(order.at(before)); found >= 0) {
                    at = found + 1;
                    placed = true;
                }
            }
            merged.insert(at, order.at(i));
        }
    }
    return merged;
}

QStringList boardColumns(const QStringList& order, const QList<BuildCollection>& rows,
                         const TagClassifier& classifier) {
    QStringList columns = order;
    QStringList others;
    for (const BuildCollection& row : rows) {
        for (auto it = row.tagDigests.cbegin(); it != row.tagDigests.cend(); ++it) {
            if (classifier.classify(it.key()) == TagKind::Environment &&
                !columns.contains(it.key()) && !others.contains(it.key()))
                others.append(it.key());
        }
    }
    const QStringList known = classifier.environmentNames();
    std::sort(others.begin(), others.end(), [&known](const QString& a, const QString& b) {
        const qsizetype rankA = known.contains(a) ? known.indexOf(a) : known.size();
        const qsizetype rankB = known.contains(b) ? known.indexOf(b) : known.size();
        return rankA != rankB ? rankA < rankB : a < b;
    });
    return columns + others;
}

BoardRow boardRow(const QString& repository, const BuildCollection& collection,
                  const QList<TagPosition>& positions, const QList<Verdict>& verdicts,
                  const QStringList& columns, const TagClassifier& classifier) {
    QMap<QString, EnvironmentLane> lanes;
    for (EnvironmentLane& lane : environmentLanes(collection, positions, classifier))
        lanes.insert(lane.tag, std::move(lane));
    QHash<QString, const Build*> builds;
    for (const Build& build : collection.builds)
        builds.insert(build.digest, &build);

    BoardRow row;
    row.repository = repository;
    const EnvironmentLane* upstream = nullptr; // the nearest column before with a build
    for (const QString& environment : columns) {
        BoardCell cell;
        cell.environment = environment;
        const auto lane = lanes.constFind(environment);
        if (lane == lanes.constEnd() || lane->currentDigest.isEmpty()) {
            row.cells.append(cell);
            continue;
        }
        cell.digest = lane->currentDigest;
        cell.version = versionOf(builds.value(cell.digest), cell.digest);
        cell.since = lane->positions.first().firstSeen;
        cell.verdict = verdictOn(verdicts, cell.digest, environment);
        if (upstream) {
            cell.upstream = upstream->tag;
            cell.standing = upstream->currentDigest == cell.digest ? UpstreamStanding::Same
                            : ranOn(*upstream, cell.digest)        ? UpstreamStanding::Differs
                                                            : UpstreamStanding::NotFromUpstream;
        }
        row.cells.append(cell);
        upstream = &lane.value();
    }
    return row;
}

} // namespace berth
