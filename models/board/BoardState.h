#pragma once

// What the window's board knows of a project: its repositories in their order, the last
// look at each (from the history first, then each registry read), and the rows and columns
// that follow from them. The board model shows what this computes; the train dialog plans
// from the same look, so a service moved since the board was read can be warned about.

#include "board/ReleaseBoard.h"
#include "policy/TagPolicy.h"
#include "registry/TagClassifier.h"
#include "timeline/LoadedRepository.h"

#include <QHash>
#include <QStringList>

namespace berth {

class BoardState {
public:
    // A new board: `repositories` (host/path) in their order, `promotionOrder` the columns
    // that come first (the policy's order, else dev, staging, production).
    void reset(const QStringList& repositories, const QStringList& promotionOrder,
               const TagClassifier& classifier = {});

    // The policies of the repositories with a linked clone (each clone's berth.toml), by
    // repository; the others follow the defaults. A policy's promotion order places the
    // board's columns and its environments classify its row's tags. Kept across a reset
    // that keeps the repository. Answers whether the board's columns changed.
    bool setPolicies(const QHash<QString, TagPolicy>& policies);
    // The promotion order the board follows: every policy's, then the defaults.
    QStringList promotionOrder() const;

    // A look at one repository (the history's or the registry's); answers whether the
    // board's columns changed with it (then every row must be shown again).
    bool show(const LoadedRepository& repository);
    // The registry could not be read for `repository`: its row keeps the last look and says why.
    void showProblem(const QString& repository, const QString& message);

    // What promoting each upstream build would ship in `withCommits`'s repository (read from
    // its clone, BoardCommits.h): shown on its row for as long as its environments run the
    // builds it was read for.
    void showCommits(const BoardRow& withCommits);
    // Whether the row of `repository` as it is now has its commits.
    bool commitsKnown(const QString& repository) const;

    const QStringList& repositories() const { return m_repositories; }
    const QStringList& columns() const { return m_columns; }
    QList<BoardRow> rows() const;
    BoardRow row(const QString& repository) const;
    // The last look at `repository`; nullptr before any.
    const LoadedRepository* lastLook(const QString& repository) const;

private:
    void recomputeColumns();
    // The columns `repository` itself calls for: its order, then its other environments.
    QStringList ownColumns(const QString& repository);
    const TagClassifier& classifierOf(const QString& repository) const;
    BoardRow computeRow(const QString& repository) const;
    // computeRow, keeping the shown row's marks (the columns or the policy changed).
    void recomputeRow(const QString& repository);
    // The commits read for `row`'s builds, when its environments still run them.
    void applyCommits(BoardRow& row) const;

    QStringList m_repositories;
    QStringList m_order;
    TagClassifier m_classifier;
    QStringList m_columns;
    QHash<QString, TagPolicy> m_policies; // by repository, from its linked clone
    QHash<QString, TagClassifier> m_policyClassifiers;
    QHash<QString, LoadedRepository> m_looks;
    QHash<QString, QStringList> m_ownColumns; // by repository, see ownColumns()
    QHash<QString, BoardRow> m_rows;          // as last shown, for the moved-outside marks
    QHash<QString, QString> m_problems;
    QHash<QString, BoardRow> m_commits; // by repository, as showCommits got them
};

} // namespace berth
