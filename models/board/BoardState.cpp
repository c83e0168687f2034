#include "board/BoardState.h"

namespace berth {

void BoardState::reset(const QStringList& repositories, const QStringList& promotionOrder,
                       const TagClassifier& classifier) {
    m_repositories = repositories;
    m_order = promotionOrder;
    m_classifier = classifier;
    m_looks.clear();
    m_ownColumns.clear();
    m_rows.clear();
    m_problems.clear();
    m_commits.clear();
    for (auto it = m_policies.begin(); it != m_policies.end();) {
        if (repositories.contains(it.key())) {
            ++it;
        } else {
            m_policyClassifiers.remove(it.key());
            it = m_policies.erase(it);
        }
    }
    recomputeColumns();
    for (const QString& repository : repositories)
        m_rows.insert(repository, computeRow(repository));
}

bool BoardState::setPolicies(const QHash<QString, TagPolicy>& policies) {
    m_policies = policies;
    m_policyClassifiers.clear();
    for (auto it = policies.cbegin(); it != policies.cend(); ++it)
        m_policyClassifiers.insert(it.key(), it->classifier());
    m_ownColumns.clear(); // orders and environment names may have changed
    const QStringList before = m_columns;
    recomputeColumns();
    for (const QString& repository : std::as_const(m_repositories))
        recomputeRow(repository);
    return before != m_columns;
}

QStringList BoardState::promotionOrder() const {
    QList<QStringList> orders;
    for (const QString& repository : m_repositories) {
        const auto policy = m_policies.constFind(repository);
        if (policy != m_policies.cend() && policy->promotionOrdered)
            orders.append(policy->environments);
    }
    orders.append(m_order);
    return mergePromotionOrders(orders);
}

const TagClassifier& BoardState::classifierOf(const QString& repository) const {
    const auto own = m_policyClassifiers.constFind(repository);
    return own == m_policyClassifiers.cend() ? m_classifier : own.value();
}

QStringList BoardState::ownColumns(const QString& repository) {
    // Kept until the row's look or the policies change: finding a row's environments
    // classifies every one of its tags, and every row shown asks for all rows' columns.
    if (const auto known = m_ownColumns.constFind(repository); known != m_ownColumns.cend())
        return known.value();
    const auto policy = m_policies.constFind(repository);
    const QStringList order =
        policy != m_policies.cend() && policy->promotionOrdered ? policy->environments : m_order;
    const auto look = m_looks.constFind(repository);
    return m_ownColumns
        .insert(repository, look == m_looks.cend()
                                ? order
                                : boardColumns(order, {look->collection}, classifierOf(repository)))
        .value();
}

void BoardState::recomputeColumns() {
    // Each row's own columns (its order, then the other environments it has) after the
    // orders every row follows, so a policy's stage lands where the policy puts it.
    QList<QStringList> orders{promotionOrder()};
    for (const QString& repository : std::as_const(m_repositories))
        orders.append(ownColumns(repository));
    m_columns = mergePromotionOrders(orders);
}

BoardRow BoardState::computeRow(const QString& repository) const {
    const auto look = m_looks.constFind(repository);
    BoardRow row = look == m_looks.cend()
                       ? boardRow(repository, {}, {}, {}, m_columns, classifierOf(repository))
                       : boardRow(repository, look->collection, look->positions, look->verdicts,
                                  m_columns, classifierOf(repository));
    row.problem = m_problems.value(repository);
    applyCommits(row);
    return row;
}

void BoardState::recomputeRow(const QString& repository) {
    BoardRow row = computeRow(repository);
    // The marks of moves outside Berth stay until the next look at the repository.
    if (const auto shown = m_rows.constFind(repository); shown != m_rows.cend()) {
        for (BoardCell& cell : row.cells) {
            for (const BoardCell& before : shown->cells) {
                if (before.environment == cell.environment && before.digest == cell.digest)
                    cell.movedOutsideBerth = before.movedOutsideBerth;
            }
        }
    }
    m_rows.insert(repository, row);
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
    m_ownColumns.remove(name);
    m_problems.remove(name);
    const QStringList before = m_columns;
    recomputeColumns();
    const bool columnsChanged = before != m_columns;
    if (columnsChanged) {
        for (const QString& other : std::as_const(m_repositories)) {
            if (other != name)
                recomputeRow(other);
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
