#pragma once

// The left side of the window: registries and their repositories, a filter over
// them, and a field to add a repository by name (most hosted registries have no
// catalog to list). The list and each registry's options persist in QSettings; the
// options are edited in RegistryOptionsDialog, from the tree's context menu, the
// "Registry options" button or Alt+Return. Delete (or the context menu) removes a
// repository or a registry.

#include "registry/RegistryOptions.h"

#include <QWidget>

class QLineEdit;
class QPoint;
class QPushButton;
class QSortFilterProxyModel;
class QTreeView;

namespace berth {
class RepositoryListModel;
}

namespace berth::ui {

class ProjectList;
class RegistryOptionsDialog;

class RegistrySidebar : public QWidget {
    Q_OBJECT
public:
    explicit RegistrySidebar(QWidget* parent = nullptr);

    RepositoryListModel* model() const { return m_model; }
    QLineEdit* filterField() const { return m_filter; }
    QLineEdit* addField() const { return m_addField; }
    QTreeView* tree() const { return m_tree; }
    QPushButton* optionsButton() const { return m_optionsButton; }
    // The projects, above the registries.
    ProjectList* projects() const { return m_projects; }

    // The registry of the selected row, registry or repository; empty when none.
    QString currentDomain() const;
    // Opens the options of `domain` (window-modal); saving them updates the model and
    // the settings and emits optionsChanged(). Returns the dialog, nullptr for no domain.
    RegistryOptionsDialog* editOptions(const QString& domain);

    // Whether a repository added to the list is kept in the settings at once, or only
    // once rememberRepository() says it loaded (one given on the command line).
    enum class Keep { Now, OnceLoaded };
    // Adds the repository when new, selects it; false with a message when not a name.
    bool addRepository(const QString& name, QString* error = nullptr, Keep keep = Keep::Now);
    // A repository added with Keep::OnceLoaded loaded: it is kept in the settings now.
    void rememberRepository(const QString& repository);
    // Removes the selected repository or registry (with its repositories) from the list
    // and the settings; false when nothing is selected.
    bool removeCurrent();
    void selectRepository(const QString& repository);

    void loadSettings();
    void saveSettings() const; // a no-op while not persistent
    void setSettingsPersistent(bool persistent);

signals:
    void repositoryActivated(const QString& repository); // host/path
    void problem(const QString& message);
    // The user saved new options for `domain`: a repository open on it should be read again.
    void optionsChanged(const QString& domain);
    // The user removed a repository (host/path), or a registry (`repository` empty).
    void removed(const QString& domain, const QString& repository);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void addFromField();
    void showTreeMenu(const QPoint& position);

    ProjectList* m_projects;
    RepositoryListModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QLineEdit* m_filter;
    QTreeView* m_tree;
    QLineEdit* m_addField;
    QPushButton* m_addButton;
    QPushButton* m_optionsButton;
    bool m_settingsPersistent = true;
    // Listed but not saved until they load: repositories (host/path) and registries that
    // came with them.
    QStringList m_unconfirmed;
    QStringList m_unconfirmedDomains;
};

} // namespace berth::ui
