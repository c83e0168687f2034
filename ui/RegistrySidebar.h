#pragma once

// The left side of the window: registries and their repositories, a filter over
// them, and a field to add a repository by name (most hosted registries have no
// catalog to list). The list and each registry's options persist in QSettings.

#include "registry/RegistryOptions.h"

#include <QWidget>

class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTreeView;

namespace berth {
class RepositoryListModel;
}

namespace berth::ui {

class RegistrySidebar : public QWidget {
    Q_OBJECT
public:
    explicit RegistrySidebar(QWidget* parent = nullptr);

    RepositoryListModel* model() const { return m_model; }
    QLineEdit* filterField() const { return m_filter; }
    QLineEdit* addField() const { return m_addField; }
    QTreeView* tree() const { return m_tree; }

    // Adds the repository when new, selects it; false with a message when not a name.
    bool addRepository(const QString& name, QString* error = nullptr);
    void selectRepository(const QString& repository);

    void loadSettings();
    void saveSettings() const;

signals:
    void repositoryActivated(const QString& repository); // host/path
    void problem(const QString& message);

private:
    void addFromField();

    RepositoryListModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QLineEdit* m_filter;
    QTreeView* m_tree;
    QLineEdit* m_addField;
    QPushButton* m_addButton;
};

} // namespace berth::ui
