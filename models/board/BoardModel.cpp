#include "board/BoardModel.h"

using namespace Qt::StringLiterals;

namespace berth {

namespace {

QString standingSentence(const BoardCell& cell) {
    switch (cell.standing) {
    case UpstreamStanding::None:
        return {};
    case UpstreamStanding::Same:
        return u"The same build as %1."_s.arg(cell.upstream);
    case UpstreamStanding::Differs:
        return u"A build %1 ran before; %1 has moved on."_s.arg(cell.upstream);
    case UpstreamStanding::NotFromUpstream:
        return u"Never seen in %1: this build skipped that stage, as far as the history "
               u"knows."_s.arg(cell.upstream);
    }
    return {};
}

QString toolTip(const BoardCell& cell) {
    if (cell.isEmpty())
        return u"No %1 tag in this repository."_s.arg(cell.environment);
    QStringList lines{u"%1 runs %2 (%3)."_s.arg(cell.environment, cell.version, cell.digest)};
    lines.append(cell.since.isValid()
                     ? u"There since %1 UTC."_s.arg(cell.since.toString(u"yyyy-MM-dd HH:mm"_s))
                     : u"First seen there just now."_s);
    if (const QString standing = standingSentence(cell); !standing.isEmpty())
        lines.append(standing);
    if (cell.verdict)
        lines.append(u"Marked %1 for %2."_s.arg(verdictKindName(*cell.verdict), cell.environment));
    if (cell.movedOutsideBerth)
        lines.append(u"Moved since the board last looked, by no promotion of Berth's."_s);
    if (cell.commitsBehind > 0) {
        lines.append(u"Promoting %1's build here ships %2 commit(s):"_s.arg(cell.upstream)
                         .arg(cell.commitsBehind));
        for (const QString& commit : cell.commitsToShip)
            lines.append(u"  "_s + commit);
        if (cell.commitsBehind > cell.commitsToShip.size())
            lines.append(u"  … and %1 more"_s.arg(cell.commitsBehind - cell.commitsToShip.size()));
    }
    return lines.join(u'\n');
}

} // namespace

BoardModel::BoardModel(QObject* parent)
    : QAbstractTableModel(parent) {
}

void BoardModel::setBoard(const QStringList& environments, const QList<BoardRow>& rows) {
    beginResetModel();
    m_environments = environments;
    m_rows = rows;
    endResetModel();
}

void BoardModel::updateRow(const BoardRow& row) {
    const int index = rowOf(row.repository);
    if (index < 0) {
        const int at = int(m_rows.size());
        beginInsertRows({}, at, at);
        m_rows.append(row);
        endInsertRows();
        return;
    }
    m_rows[index] = row;
    emit dataChanged(this->index(index, 0), this->index(index, columnCount() - 1));
}

void BoardModel::clear() {
    setBoard({}, {});
}

int BoardModel::rowOf(const QString& repository) const {
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].repository == repository)
            return int(i);
    }
    return -1;
}

int BoardModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

int BoardModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : 1 + int(m_environments.size());
}

QVariant BoardModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const BoardRow& row = m_rows.at(index.row());
    if (role == RepositoryRole)
        return row.repository;
    if (index.column() == 0) {
        // The registry is the project's: the path is what tells the rows apart.
        if (role == Qt::DisplayRole)
            return row.repository.section(u'/', 1);
        if (role == Qt::ToolTipRole)
            return row.problem.isEmpty()
                       ? row.repository
                       : u"%1\nNot read now: %2\nThe cells show the last look."_s.arg(
                             row.repository, row.problem);
        if (role == ProblemRole)
            return row.problem;
        return {};
    }
    const qsizetype cellIndex = index.column() - 1;
    if (cellIndex >= row.cells.size()) // a row read before the columns changed
        return {};
    const BoardCell& cell = row.cells.at(cellIndex);
    switch (role) {
    case Qt::DisplayRole:
        return boardCellText(cell);
    case Qt::ToolTipRole:
        return toolTip(cell);
    case DigestRole:
        return cell.digest;
    case VersionRole:
        return cell.version;
    case SinceRole:
        return cell.since;
    case StandingRole:
        return int(cell.standing);
    case UpstreamRole:
        return cell.upstream;
    case VerdictRole:
        return cell.verdict ? QVariant(int(*cell.verdict)) : QVariant();
    case MovedOutsideRole:
        return cell.movedOutsideBerth;
    case CommitsBehindRole:
        return cell.commitsBehind;
    default:
        return {};
    }
}

QVariant BoardModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 ||
        section >= columnCount())
        return QAbstractTableModel::headerData(section, orientation, role);
    return section == 0 ? u"Repository"_s : m_environments.at(section - 1);
}

} // namespace berth
