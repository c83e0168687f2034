#pragma once

// The sidebar's tree: registries at the top, their repositories below. Repositories
// are added by name, because most hosted registries (Docker Hub, GHCR, ...) disable
// the catalog. Registries keep their connection options here so they can be saved.

#include "core/Result.h"
#include "registry/RegistryOptions.h"

#include <QAbstractItemModel>
#include <QStringList>

namespace berth {

struct RegistryEntry {
    QString domain; // "localhost:5000", "docker.io"
    RegistryOptions options;
    QStringList repositories; // paths inside the registry, sorted
};

class RepositoryListModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Role {
        IsRegistryRole = Qt::UserRole + 1, // bool
        DomainRole,                        // QString
        PathRole,                          // QString, empty on a registry row
        RepositoryRole,                    // QString domain/path, empty on a registry row
    };
    Q_ENUM(Role)

    explicit RepositoryListModel(QObject* parent = nullptr);

    // Adds the registry when it is new; returns its index.
    QModelIndex addRegistry(const QString& domain, const RegistryOptions& options = {});
    // `name` is a repository as people type it ("localhost:5000/acme/app", "ubuntu");
    // its registry is added when new. Returns the repository's index, or why the name
    // is not a repository.
    Result<QModelIndex> addRepository(const QString& name);
    bool removeRow(const QModelIndex& index);

    QList<RegistryEntry> registries() const { return m_registries; }
    void setRegistries(QList<RegistryEntry> registries);
    // Options for the registry of `domain`; defaults when it is not listed.
    RegistryOptions optionsFor(const QString& domain) const;
    void setOptionsFor(const QString& domain, const RegistryOptions& options);
    QModelIndex indexOfRepository(const QString& repository) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    int registryRow(const QString& domain) const;

    QList<RegistryEntry> m_registries; // sorted by domain
};

} // namespace berth
