#include "history/AuditLogFilterModel.h"

#include "history/AuditLogModel.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace berth {

AuditLogFilterModel::AuditLogFilterModel(QObject* parent)
    : QSortFilterProxyModel(parent) {
}

void AuditLogFilterModel::setTag(const QString& tag) {
    if (tag == m_tag)
        return;
    m_tag = tag;
    refilter();
}

void AuditLogFilterModel::setKind(const QString& kind) {
    if (kind == m_kind)
        return;
    m_kind = kind;
    refilter();
}

void AuditLogFilterModel::setState(const QString& state) {
    if (state == m_state)
        return;
    m_state = state;
    refilter();
}

void AuditLogFilterModel::setSearchText(const QString& text) {
    static const QRegularExpression spaces(u"\\s+"_s);
    const QStringList words = text.toLower().split(spaces, Qt::SkipEmptyParts);
    if (words == m_words)
        return;
    m_words = words;
    refilter();
}

void AuditLogFilterModel::refilter() {
    invalidateRowsFilter();
}

bool AuditLogFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    const auto text = [&index](int role) { return index.data(role).toString(); };
    if (!m_tag.isEmpty() && text(AuditLogModel::TagRole) != m_tag)
        return false;
    if (!m_kind.isEmpty() && text(AuditLogModel::KindRole) != m_kind)
        return false;
    if (!m_state.isEmpty() && text(AuditLogModel::StateRole) != m_state)
        return false;
    if (m_words.isEmpty())
        return true;
    QString haystack;
    for (const int role :
         {AuditLogModel::UserNameRole, AuditLogModel::HostRole, AuditLogModel::RegistryRole,
          AuditLogModel::RepositoryRole, AuditLogModel::TagRole, AuditLogModel::FromDigestRole,
          AuditLogModel::ToDigestRole, AuditLogModel::ReasonRole, AuditLogModel::ErrorRole,
          AuditLogModel::KindRole, AuditLogModel::TransportRole})
        haystack += text(role).toLower() + u'\n';
    for (const QString& word : m_words) {
        if (!haystack.contains(word))
            return false;
    }
    return true;
}

} // namespace berth
