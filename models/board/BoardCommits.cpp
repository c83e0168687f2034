#include "board/BoardCommits.h"

#include "git/RevisionDiff.h"

#include <QtConcurrent>

using namespace Qt::StringLiterals;

namespace berth {

QFuture<BoardRow> withBoardCommits(BoardRow row, QHash<QString, QString> revisions,
                                   QString clonePath) {
    if (clonePath.isEmpty())
        return QtFuture::makeReadyFuture(std::move(row));
    return QtConcurrent::run([row = std::move(row), revisions = std::move(revisions),
                              clonePath = std::move(clonePath)]() mutable {
        const BoardCell* upstream = nullptr;
        for (BoardCell& cell : row.cells) {
            const BoardCell* before = upstream;
            if (!cell.isEmpty())
                upstream = &cell;
            if (!before || cell.isEmpty() || cell.digest == before->digest)
                continue;
            const QString from = revisions.value(cell.digest);
            const QString to = revisions.value(before->digest);
            if (from.isEmpty() || to.isEmpty())
                continue;
            const Result<RevisionDiff> diff =
                RevisionDiff::compute(clonePath, from, to, kBoardCommitLines);
            if (!diff)
                continue;
            cell.commitsBehind = diff->range.gained.totalCount;
            for (const CommitInfo& commit : diff->range.gained.commits)
                cell.commitsToShip.append(commit.shortId + u' ' + commit.summary);
        }
        return row;
    });
}

} // namespace berth
