#include "timeline/RepositoryListModel.h"

#include "registry/ImageReference.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace berth {

namespace {
// internalId of a registry row; a repository row stores its registry's row + 1.
constexpr quintptr kRegistryId = 0;
} // namespace

RepositoryListModel::RepositoryListModel(QObject* parent)
    : QAbstractItemModel(parent) {
}

int RepositoryListModel::registryRow(const QString& domain) const {
    for (int row = 0; row < m_registries.size(); ++row) {
        if (m_registries.at(row).domain == domain)
            return row;
    }
    return -1;
}

QModelIndex RepositoryListModel::addRegistry(const QString& domain,
                                             const RegistryOptions& options) {
    if (const int existing = registryRow(domain); existing >= 0)
        return index(existing, 0);
    const auto position = std::lower_bound(
        m_registries.cbegin(), m_registries.cend(), domain,
        [](const RegistryEntry& entry, const QString& name) { return entry.domain < name; });
    const int row = int(position - m_registries.cbegin());
    beginInsertRows({}, row, row);
    m_registries.insert(row, RegistryEntry{domain, options, {}});
    endInsertRows();
    return index(row, 0);
}

Result<QModelIndex> RepositoryListModel::addRepository(const QString& name) {
    const Result<ImageReference> reference = ImageReference::parse(name.trimmed());
    if (!reference)
        return reference.error();
    if (!reference->tag().isEmpty() || !reference->digest().isEmpty())
        return Error::make(
            u"\"%1\" names an image, not a repository: drop the tag or digest."_s.arg(name));
    const QModelIndex registry = addRegistry(reference->domain());
    QStringList& paths = m_registries[registry.row()].repositories;
    const QString path = reference->path();
    const auto position = std::lower_bound(paths.cbegin(), paths.cend(), path);
    const int row = int(position - paths.cbegin());
    if (position != paths.cend() && *position == path)
        return index(row, 0, registry);
    beginInsertRows(registry, row, row);
    paths.insert(row, path);
    endInsertRows();
    return index(row, 0, registry);
}

bool RepositoryListModel::removeRow(const QModelIndex& index) {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return false;
    if (index.internalId() == kRegistryId) {
        beginRemoveRows({}, index.row(), index.row());
        m_registries.removeAt(index.row());
        endRemoveRows();
        return true;
    }
    const int registry = int(index.internalId() - 1);
    beginRemoveRows(index.parent(), index.row(), index.row());
    m_registries[registry].repositories.removeAt(index.row());
    endRemoveRows();
    return true;
}

void RepositoryListModel::setRegistries(QList<RegistryEntry> registries) {
    beginResetModel();
    std::sort(registries.begin(), registries.end(),
              [](const RegistryEntry& a, const RegistryEntry& b) { return a.domain < b.domain; });
    for (RegistryEntry& entry : registries) {
        entry.repositories.sort();
        entry.repositories.removeDuplicates();
    }
    m_registries = std::move(registries);
    endResetModel();
}

RegistryOptions RepositoryListModel::optionsFor(const QString& domain) const {
    const int row = registryRow(domain);
    return row < 0 ? RegistryOptions{} : m_registries.at(row).options;
}

void RepositoryListModel::setOptionsFor(const QString& domain, const RegistryOptions& options) {
    const int row = registryRow(domain);
    if (row < 0) {
        addRegistry(domain, options);
        return;
    }
    m_registries[row].options = options;
    emit dataChanged(index(row, 0), index(row, 0));
}

QModelIndex RepositoryListModel::indexOfRepository(const QString& repository) const {
    const Result<ImageReference> reference = ImageReference::parse(repository);
    if (!reference)
        return {};
    const int registry = registryRow(reference->domain());
    if (registry < 0)
        return {};
    const int row = int(m_registries.at(registry).repositories.indexOf(reference->path()));
    return row < 0 ? QModelIndex() : index(row, 0, index(registry, 0));
}

QModelIndex RepositoryListModel::index(int row, int column, const QModelIndex& parent) const {
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, kRegistryId);
    return createIndex(row, column, quintptr(parent.row()) + 1);
}

QModelIndex RepositoryListModel::parent(const QModelIndex& child) const {
    if (!child.isValid() || child.internalId() == kRegistryId)
        return {};
    return createIndex(int(child.internalId() - 1), 0, kRegistryId);
}

int RepositoryListModel::rowCount(const QModelIndex& parent) const {
    if (!parent.isValid())
        return int(m_registries.size());
    if (parent.internalId() != kRegistryId || parent.column() != 0)
        return 0;
    return int(m_registries.at(parent.row()).repositories.size());
}

int RepositoryListModel::columnCount(const QModelIndex&) const {
    return 1;
}

QVariant RepositoryListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const bool isRegistry = index.internalId() == kRegistryId;
    const RegistryEntry& entry =
        m_registries.at(isRegistry ? index.row() : int(index.internalId() - 1));
    const QString path = isRegistry ? QString() : entry.repositories.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return isRegistry ? entry.domain : path;
    case Qt::ToolTipRole:
        if (isRegistry)
            return entry.options.insecure
                       ? u"%1 (insecure: plain HTTP or unverified TLS allowed)"_s.arg(entry.domain)
                       : entry.domain;
        return QString(entry.domain + u'/' + path);
    case IsRegistryRole:
        return isRegistry;
    case DomainRole:
        return entry.domain;
    case PathRole:
        return path;
    case RepositoryRole:
        return isRegistry ? QString() : QString(entry.domain + u'/' + path);
    default:
        return {};
    }
}

} // namespace berth
