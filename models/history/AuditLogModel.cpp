#include "history/AuditLogModel.h"

#include <QSet>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

// Digests are long; the table shows what a person compares at a glance, the role the
// whole value.
QString shortDigest(const QString& digest) {
    if (digest.isEmpty())
        return u"—"_s;
    const qsizetype colon = digest.indexOf(u':');
    return digest.mid(colon + 1, 12);
}

} // namespace

AuditLogModel::AuditLogModel(QObject* parent)
    : QAbstractTableModel(parent) {
}

void AuditLogModel::setActions(QList<Action> actions) {
    beginResetModel();
    m_actions = std::move(actions);
    endResetModel();
}

QStringList AuditLogModel::tags() const {
    QSet<QString> seen;
    for (const Action& action : m_actions)
        seen.insert(action.tag);
    QStringList tags(seen.begin(), seen.end());
    tags.sort();
    return tags;
}

int AuditLogModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_actions.size());
}

int AuditLogModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditLogModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Action& action = m_actions.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return displayText(action, index.column());
    case Qt::ToolTipRole:
        if (index.column() == FromColumn)
            return action.fromDigest;
        if (index.column() == ToColumn)
            return action.toDigest;
        if (index.column() == StateColumn && !action.error.isEmpty())
            return action.error;
        return {};
    default:
        return roleData(action, role);
    }
}

QVariant AuditLogModel::displayText(const Action& action, int column) const {
    switch (column) {
    case TimeColumn:
        return action.time.toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss"_s);
    case UserColumn:
        return action.host.isEmpty() ? action.user : QString(action.user + u'@' + action.host);
    case KindColumn:
        return actionKindName(action.kind);
    case RepositoryColumn:
        return QString(action.registry + u'/' + action.repository);
    case TagColumn:
        return action.tag;
    case FromColumn:
        return shortDigest(action.fromDigest);
    case ToColumn:
        return shortDigest(action.toDigest);
    case TransportColumn:
        return action.transport;
    case StateColumn:
        return actionStateName(action.state);
    case ReasonColumn:
        return action.reason;
    default:
        return {};
    }
}

QVariant AuditLogModel::roleData(const Action& action, int role) const {
    switch (role) {
    case ActionIdRole:
        return action.id;
    case TimeRole:
        return action.time;
    case UserNameRole:
        return action.user;
    case HostRole:
        return action.host;
    case KindRole:
        return actionKindName(action.kind);
    case RegistryRole:
        return action.registry;
    case RepositoryRole:
        return action.repository;
    case TagRole:
        return action.tag;
    case FromDigestRole:
        return action.fromDigest;
    case ToDigestRole:
        return action.toDigest;
    case TransportRole:
        return action.transport;
    case StateRole:
        return actionStateName(action.state);
    case ReasonRole:
        return action.reason;
    case ErrorRole:
        return action.error;
    case FinishedRole:
        return action.finished;
    default:
        return {};
    }
}

QVariant AuditLogModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return u"Time"_s;
    case UserColumn:
        return u"Who"_s;
    case KindColumn:
        return u"Action"_s;
    case RepositoryColumn:
        return u"Repository"_s;
    case TagColumn:
        return u"Tag"_s;
    case FromColumn:
        return u"From"_s;
    case ToColumn:
        return u"To"_s;
    case TransportColumn:
        return u"Transport"_s;
    case StateColumn:
        return u"Result"_s;
    case ReasonColumn:
        return u"Reason"_s;
    default:
        return {};
    }
}

QHash<int, QByteArray> AuditLogModel::roleNames() const {
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(ActionIdRole, "actionId");
    names.insert(TimeRole, "time");
    names.insert(UserNameRole, "user");
    names.insert(HostRole, "host");
    names.insert(KindRole, "kind");
    names.insert(RegistryRole, "registry");
    names.insert(RepositoryRole, "repository");
    names.insert(TagRole, "tag");
    names.insert(FromDigestRole, "fromDigest");
    names.insert(ToDigestRole, "toDigest");
    names.insert(TransportRole, "transport");
    names.insert(StateRole, "state");
    names.insert(ReasonRole, "reason");
    names.insert(ErrorRole, "error");
    names.insert(FinishedRole, "finished");
    return names;
}

} // namespace berth
