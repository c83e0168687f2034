#include "timeline/TagHealthModel.h"

#include "core/WhenFinished.h"

#include <QtConcurrent>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

// The build to select first: where a moved tag is now, else the finding's first build.
QStringList digestsToSelect(const TagLintFinding& finding) {
    QStringList digests = finding.digests;
    if (finding.code == TagLintCode::ImmutableMoved && !finding.moves.isEmpty()) {
        const QString now = finding.moves.constLast().toDigest;
        digests.removeAll(now);
        std::reverse(digests.begin(), digests.end()); // the most recently left next
        digests.prepend(now);
    }
    return digests;
}

} // namespace

TagHealthModel::TagHealthModel(QObject* parent)
    : QAbstractTableModel(parent)
    , m_policy(TagPolicy::defaults(u"the defaults"_s)) {
}

void TagHealthModel::setPolicy(const TagPolicy& policy) {
    m_policy = policy;
    recompute();
}

void TagHealthModel::setRepository(const LoadedRepository& repository) {
    // Findings about another repository must not sit beside its builds while it lints.
    if (!m_repository.isEmpty() && m_repository != repository.repository)
        clear();
    m_pendingRepository = repository.repository;
    m_builds = repository.collection.builds;
    m_positions = repository.positions;
    m_actions = repository.actions;
    m_hasInput = true;
    recompute();
}

void TagHealthModel::clear() {
    ++m_generation; // a lint still running answers for what is no longer shown
    m_computing = false;
    m_hasInput = false;
    m_pendingRepository.clear();
    m_builds.clear();
    m_positions.clear();
    m_actions.clear();
    const bool hadFindings = !m_health.findings().isEmpty() || !m_repository.isEmpty();
    beginResetModel();
    m_health = TagHealth();
    m_repository.clear();
    endResetModel();
    if (hadFindings)
        emit findingsChanged();
}

void TagHealthModel::recompute() {
    if (!m_hasInput)
        return;
    const quint64 generation = ++m_generation;
    m_computing = true;
    const QString repository = m_pendingRepository;
    auto lint = [policy = m_policy, builds = m_builds, positions = m_positions,
                 actions = m_actions] {
        return TagHealth(lintTags(policy, builds, positions, actions));
    };
    whenFinished(this, QtConcurrent::run(std::move(lint)),
                 [this, generation, repository](TagHealth health) {
                     if (generation != m_generation)
                         return;
                     m_computing = false;
                     beginResetModel();
                     m_health = std::move(health);
                     m_repository = repository;
                     endResetModel();
                     emit findingsChanged();
                 });
}

int TagHealthModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_health.findings().size());
}

int TagHealthModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TagHealthModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TagLintFinding& finding = m_health.findings().at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case SeverityColumn:
            return tagLintSeverityName(finding.severity);
        case CodeColumn:
            return tagLintCodeName(finding.code);
        case TagsColumn:
            return finding.tags.join(u", "_s);
        case RuleColumn:
            return finding.rule;
        default:
            return {};
        }
    case Qt::ToolTipRole:
        // The rule is one long sentence; the column elides it.
        return finding.rule;
    case DigestsRole:
        return digestsToSelect(finding);
    case SeverityRole:
        return int(finding.severity);
    case CodeRole:
        return tagLintCodeName(finding.code);
    case SettingRole:
        return finding.setting;
    default:
        return {};
    }
}

QVariant TagHealthModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SeverityColumn:
        return u"Severity"_s;
    case CodeColumn:
        return u"Finding"_s;
    case TagsColumn:
        return u"Tags"_s;
    case RuleColumn:
        return u"Rule"_s;
    default:
        return {};
    }
}

} // namespace berth
