#pragma once

// Narrows an AuditLogModel to what someone is looking for: one tag, one kind of action,
// one result, and free text where every word must appear in the user, host, repository,
// tag, digests, reason or error (case ignored). An empty filter lets everything through.

#include <QSortFilterProxyModel>
#include <QStringList>

namespace berth {

class AuditLogFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit AuditLogFilterModel(QObject* parent = nullptr);

    void setTag(const QString& tag);
    void setKind(const QString& kind);   // actionKindName() text
    void setState(const QString& state); // actionStateName() text
    void setSearchText(const QString& text);

    QString tag() const { return m_tag; }
    QString kind() const { return m_kind; }
    QString state() const { return m_state; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    void refilter();

    QString m_tag;
    QString m_kind;
    QString m_state;
    QStringList m_words;
};

} // namespace berth
