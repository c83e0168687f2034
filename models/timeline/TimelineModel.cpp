#include "timeline/TimelineModel.h"

#include "git/GitError.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace berth {

QString shortDigestOf(const QString& digest) {
    return digest.section(u':', 1).left(12);
}

TimelineModel::TimelineModel(QObject* parent)
    : QAbstractListModel(parent) {
}

void TimelineModel::setBuilds(const QString& repository, QList<Build> builds) {
    beginResetModel();
    if (repository != m_repository) {
        m_commitsByDigest.clear();
        m_signaturesByDigest.clear();
    }
    m_repository = repository;
    m_builds = std::move(builds);
    m_rowByDigest.clear();
    for (int row = 0; row < m_builds.size(); ++row)
        m_rowByDigest.insert(m_builds.at(row).digest, row);
    indexConfigs();
    indexMarkers();
    endResetModel();
}

void TimelineModel::setLanes(QList<EnvironmentLane> lanes) {
    m_lanes = std::move(lanes);
    indexMarkers();
    if (!m_builds.isEmpty())
        emit dataChanged(index(0), index(rowCount() - 1), {LaneMarkersRole, Qt::ToolTipRole});
}

void TimelineModel::setVerdicts(QList<Verdict> verdicts) {
    m_verdicts = std::move(verdicts);
    m_verdictsByDigest.clear();
    for (const Verdict& verdict : std::as_const(m_verdicts))
        m_verdictsByDigest[verdict.digest].append(verdict);
    for (QList<Verdict>& list : m_verdictsByDigest) {
        std::stable_sort(list.begin(), list.end(), [](const Verdict& a, const Verdict& b) {
            if (a.verdict != b.verdict)
                return a.verdict == VerdictKind::Bad;
            return a.environment < b.environment;
        });
    }
    indexMarkers();
    if (!m_builds.isEmpty())
        emit dataChanged(index(0), index(rowCount() - 1), {VerdictsRole, LaneMarkersRole});
}

const Verdict* TimelineModel::verdictOf(const QString& digest, const QString& environment) const {
    const auto found = m_verdictsByDigest.constFind(digest);
    if (found == m_verdictsByDigest.cend())
        return nullptr;
    for (const Verdict& verdict : *found) {
        if (verdict.environment == environment)
            return &verdict;
    }
    return nullptr;
}

void TimelineModel::setCommits(const QList<BuildCommit>& commits) {
    m_commitsByDigest.clear();
    for (const BuildCommit& commit : commits)
        m_commitsByDigest.insert(commit.digest, commit);
    if (!m_builds.isEmpty())
        emit dataChanged(index(0), index(rowCount() - 1),
                         {CommitSummaryRole, CommitIdRole, CommitProblemRole});
}

void TimelineModel::setSignatureVerdict(const QString& digest, const SignatureVerdict& verdict) {
    m_signaturesByDigest.insert(digest, verdict);
    if (const int row = rowOfDigest(digest); row >= 0)
        emit dataChanged(index(row), index(row), {SignatureVerdictRole, SignatureSummaryRole});
}

void TimelineModel::clear() {
    beginResetModel();
    m_repository.clear();
    m_builds.clear();
    m_lanes.clear();
    m_rowByDigest.clear();
    m_digestsByConfig.clear();
    m_markersByDigest.clear();
    m_commitsByDigest.clear();
    m_verdicts.clear();
    m_verdictsByDigest.clear();
    m_signaturesByDigest.clear();
    endResetModel();
}

int TimelineModel::rowOfDigest(const QString& digest) const {
    return m_rowByDigest.value(digest, -1);
}

const Build* TimelineModel::buildAt(int row) const {
    return row >= 0 && row < m_builds.size() ? &m_builds.at(row) : nullptr;
}

void TimelineModel::indexConfigs() {
    m_digestsByConfig.clear();
    for (const Build& build : std::as_const(m_builds)) {
        if (!build.configDigest.isEmpty())
            m_digestsByConfig[build.configDigest].append(build.digest);
    }
}

void TimelineModel::indexMarkers() {
    m_markersByDigest.clear();
    for (const EnvironmentLane& lane : std::as_const(m_lanes)) {
        for (int age = 0; age < lane.positions.size(); ++age) {
            const LanePosition& position = lane.positions.at(age);
            QList<LaneMarker>& markers = m_markersByDigest[position.digest];
            // A lane that left a build and came back marks it once, at its newest stay.
            const bool seen =
                std::any_of(markers.cbegin(), markers.cend(),
                            [&lane](const LaneMarker& m) { return m.tag == lane.tag; });
            if (seen)
                continue;
            const bool current = !lane.currentDigest.isEmpty() && age == 0;
            const Verdict* verdict = verdictOf(position.digest, lane.tag);
            markers.append({lane.tag, current, age, position.firstSeen, position.lastSeen,
                            lane.movedAwayAt(age),
                            verdict ? std::optional(verdict->verdict) : std::nullopt});
        }
    }
}

int TimelineModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_builds.size());
}

QVariant TimelineModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Build& build = m_builds.at(index.row());
    switch (role) {
    case Qt::DisplayRole: {
        QStringList names;
        for (const ClassifiedTag& tag : build.tags)
            names.append(tag.name);
        return QString(shortDigestOf(build.digest) + u"  "_s + names.join(u", "_s));
    }
    case Qt::ToolTipRole:
        return QString(m_repository + u'@' + build.digest);
    case DigestRole:
        return build.digest;
    case ShortDigestRole:
        return shortDigestOf(build.digest);
    case CreatedRole:
        return build.created;
    case RevisionRole:
        return build.revision;
    case TagsRole:
        return QVariant::fromValue(build.tags);
    case TagNamesRole: {
        QStringList names;
        for (const ClassifiedTag& tag : build.tags)
            names.append(tag.name);
        return names;
    }
    case PlatformsRole: {
        QStringList platforms;
        for (const Platform& platform : build.platforms)
            platforms.append(platform.toString());
        return platforms;
    }
    case SizeRole:
        return build.size;
    case LabelsRole: {
        QVariantMap labels;
        for (auto it = build.labels.cbegin(); it != build.labels.cend(); ++it)
            labels.insert(it.key(), it.value());
        return labels;
    }
    case ConfigDigestRole:
        return build.configDigest;
    case SharesConfigWithRole: {
        QStringList others = m_digestsByConfig.value(build.configDigest);
        others.removeAll(build.digest);
        return others;
    }
    case LaneMarkersRole:
        return QVariant::fromValue(m_markersByDigest.value(build.digest));
    case MediaTypeRole:
        return build.mediaType;
    case IsIndexRole:
        return build.isIndex();
    case ProblemRole:
        return build.problem;
    case ReferenceRole:
        return QString(m_repository + u'@' + build.digest);
    case CommitSummaryRole:
    case CommitIdRole:
    case CommitProblemRole: {
        const auto found = m_commitsByDigest.constFind(build.digest);
        if (found == m_commitsByDigest.cend())
            return QString();
        if (role == CommitProblemRole) {
            // A build naming no commit has nothing to resolve: not a problem of the link.
            if (found->commit || found->commit.error().code == GitErrorCode::NoRevision)
                return QString();
            return found->commit.errorMessage();
        }
        if (!found->commit)
            return QString();
        return role == CommitSummaryRole ? found->commit->summary : found->commit->id;
    }
    case VerdictsRole:
        return QVariant::fromValue(m_verdictsByDigest.value(build.digest));
    case SignatureVerdictRole:
    case SignatureSummaryRole: {
        const auto found = m_signaturesByDigest.constFind(build.digest);
        if (found == m_signaturesByDigest.cend())
            return QString();
        return role == SignatureVerdictRole ? signatureVerdictName(found->kind) : found->summary;
    }
    case AccessoriesRole: {
        QStringList kinds;
        for (const AccessoryKind kind : accessoryKinds(build.accessories))
            kinds.append(accessoryKindName(kind));
        return kinds;
    }
    default:
        return {};
    }
}

QHash<int, QByteArray> TimelineModel::roleNames() const {
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert({{DigestRole, "digest"},
                  {ShortDigestRole, "shortDigest"},
                  {CreatedRole, "created"},
                  {RevisionRole, "revision"},
                  {TagsRole, "tags"},
                  {TagNamesRole, "tagNames"},
                  {PlatformsRole, "platforms"},
                  {SizeRole, "size"},
                  {LabelsRole, "labels"},
                  {ConfigDigestRole, "configDigest"},
                  {SharesConfigWithRole, "sharesConfigWith"},
                  {LaneMarkersRole, "laneMarkers"},
                  {MediaTypeRole, "mediaType"},
                  {IsIndexRole, "isIndex"},
                  {ProblemRole, "problem"},
                  {ReferenceRole, "reference"},
                  {CommitSummaryRole, "commitSummary"},
                  {CommitIdRole, "commitId"},
                  {CommitProblemRole, "commitProblem"},
                  {VerdictsRole, "verdicts"},
                  {AccessoriesRole, "accessories"},
                  {SignatureVerdictRole, "signatureVerdict"},
                  {SignatureSummaryRole, "signatureSummary"}});
    return names;
}

} // namespace berth
