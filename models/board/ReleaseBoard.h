#pragma once

// The release board: one row per repository, one column per environment in promotion order,
// each cell saying which build the environment runs, since when, how it was judged, and how
// it stands against the environment before it (the row's upstream). Computed from what one
// read of the repository and its history give, so the window and `berthctl board` agree.

#include "history/HistoryTypes.h"
#include "registry/BuildCollector.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace berth {

enum class UpstreamStanding {
    None,            // the first environment of the row: nothing comes before it
    Same,            // runs the build the upstream environment runs
    Differs,         // runs a build the upstream environment ran before, or moved on from
    NotFromUpstream, // runs a build the upstream environment never ran (a stage skipped)
};

// "none", "same", "differs", "not-from-upstream"
QString upstreamStandingName(UpstreamStanding standing);
// What a person calls a build: its highest exact version tag, else the commit it was
// built from, else the short digest (`build` may be null: only the digest is known).
QString buildVersionName(const Build* build, const QString& digest);

struct BoardCell {
    QString environment;
    QString digest;  // empty: the repository has no such environment tag
    QString version; // the build's exact version tag, else its SHA tag, else its short digest
    QDateTime since; // UTC: when the environment was first seen on it; invalid when unknown
    std::optional<VerdictKind> verdict; // the build's verdict for this environment
    QString upstream;                   // the environment compared with; empty for None
    UpstreamStanding standing = UpstreamStanding::None;
    // The environment moved since the board last looked, and no audit row of Berth's moved
    // it there: someone retagged it outside Berth.
    bool movedOutsideBerth = false;
    // What promoting the upstream build here would ship, once a clone of the repository
    // answered (ReleaseBoard commits): -1 while unknown.
    int commitsBehind = -1;
    QStringList commitsToShip; // "abc1234 summary", newest first, at most a screenful

    bool isEmpty() const { return digest.isEmpty(); }
};

struct BoardRow {
    QString repository;     // host/path
    QList<BoardCell> cells; // one per board column, in the columns' order
    QString problem;        // why the registry could not be read now; cells are the last look
};

// Marks each cell of `row` whose environment runs another build than in `previous` (the
// board's last look at the repository) without a succeeded audit row of Berth's moving it
// there; `actions` is the repository's audit.
void markMovesOutsideBerth(BoardRow& row, const BoardRow& previous, const QList<Action>& actions);

// One promotion order from several: each repository's policy order, then the defaults, then
// each row's own columns. Earlier lists win where lists disagree; an environment a later
// list adds goes right before the nearest environment after it on that list that is placed
// already (else right after the nearest one before it, else last), so "dev, qa, production"
// and "dev, staging, production" give "dev, qa, staging, production".
QStringList mergePromotionOrders(const QList<QStringList>& orders);

// The board's columns: `order` (the promotion order: the policy's, else dev, staging,
// production) first, then every other environment some row has, in the classifier's order.
QStringList boardColumns(const QStringList& order, const QList<BuildCollection>& rows,
                         const TagClassifier& classifier = {});

// What a cell says in one line: "v1.1.0, since 2026-03-04, ≠ staging, good"; "-" when
// the environment is absent.
QString boardCellText(const BoardCell& cell);

// Whether the row's `first` and `second` environments run different builds (one present and
// the other absent counts): "only rows where staging ≠ production".
bool environmentsDiffer(const BoardRow& row, const QString& first, const QString& second);

// One repository's row. `positions` are the history's positions of its tags (any kind, any
// order) and `verdicts` its builds' verdicts; both may be empty without history.
BoardRow boardRow(const QString& repository, const BuildCollection& collection,
                  const QList<TagPosition>& positions, const QList<Verdict>& verdicts,
                  const QStringList& columns, const TagClassifier& classifier = {});

} // namespace berth
