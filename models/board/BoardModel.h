#pragma once

// The release board as a table for the window: the first column names the repository, each
// further column is an environment in promotion order and each cell the build it runs there
// (see ReleaseBoard.h). A refresh replaces one row at a time, so a board of many
// repositories fills in as each one is read.

#include "board/ReleaseBoard.h"

#include <QAbstractTableModel>

namespace berth {

class BoardModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Role {
        DigestRole = Qt::UserRole + 1, // QString; empty where the environment is absent
        VersionRole,                   // QString
        SinceRole,                     // QDateTime (UTC); invalid when unknown
        StandingRole,                  // UpstreamStanding as int
        UpstreamRole,                  // QString: the environment compared with
        VerdictRole,                   // VerdictKind as int; invalid when none
        RepositoryRole,                // QString (host/path), on every column of a row
        MovedOutsideRole,              // bool: moved since the last look, not by Berth
        CommitsBehindRole,             // int: commits the upstream build would ship; -1 unknown
        ProblemRole,                   // QString, first column: why the row was not read now
    };
    Q_ENUM(Role)

    explicit BoardModel(QObject* parent = nullptr);

    // A new board: its environment columns and its rows (cells in the columns' order).
    void setBoard(const QStringList& environments, const QList<BoardRow>& rows);
    // The row of `row.repository` replaced (appended when new); its cells must follow the
    // board's columns.
    void updateRow(const BoardRow& row);
    void clear();

    const QStringList& environments() const { return m_environments; }
    const QList<BoardRow>& rows() const { return m_rows; }
    // The row of `repository` (host/path), or -1.
    int rowOf(const QString& repository) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QStringList m_environments;
    QList<BoardRow> m_rows;
};

} // namespace berth
