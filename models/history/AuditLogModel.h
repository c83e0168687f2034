#pragma once

// The audit log as a table: one row per promote, rollback or verdict Berth performed,
// newest first, as HistoryStore::actions() answers. Columns carry text; every field is
// also a custom role, so filters and views never parse display strings.

#include "history/HistoryTypes.h"

#include <QAbstractTableModel>

namespace berth {

class AuditLogModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        TimeColumn,
        UserColumn,
        KindColumn,
        RepositoryColumn,
        TagColumn,
        FromColumn,
        ToColumn,
        TransportColumn,
        StateColumn,
        ReasonColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        ActionIdRole = Qt::UserRole + 1, // qint64
        TimeRole,                        // QDateTime UTC
        UserNameRole,                    // QString login name
        HostRole,                        // QString
        KindRole,                        // QString "promote", "rollback", "mark-good", "mark-bad"
        RegistryRole,                    // QString domain
        RepositoryRole,                  // QString path inside the registry
        TagRole,                         // QString
        FromDigestRole,                  // QString, empty when the tag did not exist
        ToDigestRole,                    // QString
        TransportRole,                   // QString "registry", "engine" or empty
        StateRole,                       // QString "pending", "succeeded", "failed"
        ReasonRole,                      // QString
        ErrorRole,                       // QString, why it failed (or a success's note)
        FinishedRole,                    // QDateTime UTC, invalid while pending
    };
    Q_ENUM(Role)

    explicit AuditLogModel(QObject* parent = nullptr);

    void setActions(QList<Action> actions);
    const QList<Action>& actions() const { return m_actions; }
    // Every tag some action touched, sorted; for a tag filter's choices.
    QStringList tags() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    QVariant displayText(const Action& action, int column) const;
    QVariant roleData(const Action& action, int role) const;

    QList<Action> m_actions;
};

} // namespace berth
