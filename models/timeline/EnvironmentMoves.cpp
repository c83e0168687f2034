#include "timeline/EnvironmentMoves.h"

using namespace Qt::StringLiterals;

namespace berth {

namespace {

// The tag a person would call the build by: an exact version first, then a floating one,
// then a commit. Environments and latest say nothing about which build it is.
QString versionOf(const QList<ClassifiedTag>& tags) {
    for (const TagKind kind :
         {TagKind::ExactSemver, TagKind::FloatingSemver, TagKind::GitSha, TagKind::BranchSha}) {
        for (const ClassifiedTag& tag : tags) {
            if (tag.kind == kind)
                return tag.name;
        }
    }
    return {};
}

QMap<QString, QList<ClassifiedTag>> tagsByDigest(const BuildCollection& collection) {
    QMap<QString, QList<ClassifiedTag>> tags;
    for (const Build& build : collection.builds)
        tags.insert(build.digest, build.tags);
    return tags;
}

} // namespace

QString EnvironmentMove::describe() const {
    const auto place = [](const QString& version, const QString& digest) {
        // Algorithm prefix kept: the user compares it with what `docker` prints.
        const QString shortDigest = digest.left(digest.indexOf(u':') + 1 + 12) + u'…';
        return version.isEmpty() ? shortDigest : u"%1 (%2)"_s.arg(version, shortDigest);
    };
    return u"%1 moved from %2 to %3 since the last refresh"_s.arg(
        tag, place(fromVersion, fromDigest), place(toVersion, toDigest));
}

EnvironmentMoveDetector::EnvironmentMoveDetector(QObject* parent)
    : QObject(parent) {
}

void EnvironmentMoveDetector::expectOwnMove(const QString& repository, const QString& tag) {
    if (m_ownRepository != repository) {
        m_ownTags.clear();
        m_ownAny = false;
    }
    m_ownRepository = repository;
    if (tag.isEmpty())
        m_ownAny = true;
    else
        m_ownTags.insert(tag);
}

void EnvironmentMoveDetector::reset() {
    m_repository.clear();
    m_lanes.clear();
    m_tagsOfDigest.clear();
}

QList<EnvironmentMove> EnvironmentMoveDetector::observe(const QString& repository,
                                                        const BuildCollection& collection,
                                                        const QList<EnvironmentLane>& lanes) {
    QList<EnvironmentMove> moves;
    const QMap<QString, QList<ClassifiedTag>> tags = tagsByDigest(collection);
    if (repository == m_repository) {
        const bool own = repository == m_ownRepository;
        for (const EnvironmentLane& lane : lanes) {
            if (lane.currentDigest.isEmpty() || (own && (m_ownAny || m_ownTags.contains(lane.tag))))
                continue;
            for (const EnvironmentLane& old : std::as_const(m_lanes)) {
                if (old.tag != lane.tag || old.currentDigest.isEmpty() ||
                    old.currentDigest == lane.currentDigest)
                    continue;
                // The old build usually still exists under its version tags; if it was
                // deleted, the previous read still knows its name.
                const QString fromVersion = versionOf(
                    tags.value(old.currentDigest, m_tagsOfDigest.value(old.currentDigest)));
                moves.append({lane.tag, old.currentDigest, lane.currentDigest, fromVersion,
                              versionOf(tags.value(lane.currentDigest))});
            }
        }
    }
    if (repository == m_ownRepository) {
        // Only the load right after the window's own release is excused.
        m_ownRepository.clear();
        m_ownTags.clear();
        m_ownAny = false;
    }
    m_repository = repository;
    m_lanes = lanes;
    m_tagsOfDigest = tags;
    for (const EnvironmentMove& move : std::as_const(moves))
        emit environmentMoved(move.tag, move.fromDigest, move.toDigest);
    return moves;
}

} // namespace berth
