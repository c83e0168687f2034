#include "board/BoardState.h"

namespace berth {

void BoardState::reset(const QStringList& repositories, const QStringList& promotionOrder,
                       const TagClassifier& classifier) {
    m_repositories = repositories;
    m_order = promotionOrder;
    m_classifier = classifier;
    m_looks.clear();
    m_rows.clear();
    m_problems.clear();
    m_commits.clear();
    recomputeColumns();
    for (const QString& repository : repositories)
        m_rows.insert(repository, computeRow(repository));
}

void BoardState::recomputeColumns() {
    QList<BuildCollection> collections;
    for (const QString& repository : std::as_const(m_repositories)) {
        if (const auto look = m_looks.constFind(repository); look != m_looks.cend())
            collections.append(look->collection);
    }
    m_columns = boardColumns(m_order, collections, m_classifier);
}

BoardRow BoardState::computeRow(const QString& repository) const {
    const auto look = m_looks.constFind(repository);
    BoardRow row = look == m_looks.cend()
                       ? boardRow(repository, {}, {}, {}, m_columns, m_classifier)
                       : boardRow(repository, look->collection, look->positions, look->verdicts,
                                  m_columns, m_classifier);
    row.problem = m_problems.value(repository);
    applyCommits(row);
    return row;
}

namespace {

// Each environment with the build it runs, in column order: what a row's commits are read for.
QStringList runningBuilds(const BoardRow& row) {
    QStringList builds;
    for (const BoardCell& cell : row.cells)
        builds.append(cell.environment + u'=' + cell.digest);
    return builds;
}

} // namespace

void BoardState::applyCommits(BoardRow& row) const {
    const auto read = m_commits.constFind(row.repository);
    if (read == m_commits.cend() || runningBuilds(*read) != runningBuilds(row))
        return;
    for (qsizetype i = 0; i < row.cells.size(); ++i) {
        row.cells[i].commitsBehind = read->cells[i].commitsBehind;
        row.cells[i].commitsToShip = read->cells[i].commitsToShip;
    }
}

void BoardState::showCommits(const BoardRow& withCommits) {
    m_commits.insert(withCommits.repository, withCommits);
    if (const auto shown = m_rows.find(withCommits.repository); shown != m_rows.end())
        applyCommits(shown.value());
}

bool BoardState::commitsKnown(const QString& repository) const {
    const auto read = m_commits.constFind(repository);
    return read != m_commits.cend() && runningBuilds(*read) == runningBuilds(row(repository));
}

bool BoardState::show(const LoadedRepository& repository) {
    const QString name = repository.repository;
    const bool hadLook = m_looks.contains(name);
    m_looks.insert(name, repository);
    m_problems.remove(name);
    const QStringList before = m_columns;
    recomputeColumns();
    const bool columnsChanged = before != m_columns;
    if (columnsChanged) {
        for (const QString& other : std::as_const(m_repositories)) {
            if (other != name)
                m_rows.insert(other, computeRow(other));
        }
    }
    BoardRow row = computeRow(name);
    if (hadLook)
        markMovesOutsideBerth(row, m_rows.value(name), repository.actions);
    m_rows.insert(name, row);
    return columnsChanged;
}

void BoardState::showProblem(const QString& repository, const QString& message) {
    m_problems.insert(repository, message);
    BoardRow row = m_rows.value(repository, computeRow(repository));
    row.problem = message;
    m_rows.insert(repository, row);
}

QList<BoardRow> BoardState::rows() const {
    QList<BoardRow> rows;
    for (const QString& repository : m_repositories)
        rows.append(row(repository));
    return rows;
}

BoardRow BoardState::row(const QString& repository) const {
    return m_rows.value(repository, computeRow(repository));
}

const LoadedRepository* BoardState::lastLook(const QString& repository) const {
    const auto look = m_looks.constFind(repository);
    return look == m_looks.cend() ? nullptr : &look.value();
}

} // namespace berth
