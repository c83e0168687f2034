#pragma once

// What each board cell would ship if its upstream environment's build were promoted into
// it: the commits the upstream build has that the cell's lacks, read from the repository's
// linked clone on a worker thread. A cell whose builds name no revision, or a repository
// without a clone, keeps commitsBehind at -1.

#include "board/ReleaseBoard.h"

#include <QFuture>
#include <QHash>

namespace berth {

// How many commit lines a cell keeps for its tooltip; the count is always complete.
inline constexpr int kBoardCommitLines = 15;

// `revisions`: digest -> the git revision its build names (from the builds' labels).
QFuture<BoardRow> withBoardCommits(BoardRow row, QHash<QString, QString> revisions,
                                   QString clonePath);

} // namespace berth
