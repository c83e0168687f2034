#pragma once

// The projects at the top of the sidebar: named sets of repositories, each opening the
// release board. "New project…" asks for a name and either a registry path ending in /
// (every repository the catalog lists there) or the repositories themselves (registries
// without a catalog); Delete or the context menu removes one. Kept in the settings.

#include "board/Projects.h"

#include <QWidget>

class QListWidget;
class QPushButton;

namespace berth::ui {

class ProjectList : public QWidget {
    Q_OBJECT
public:
    explicit ProjectList(QWidget* parent = nullptr);

    const QList<Project>& projects() const { return m_projects; }
    // Adds `project`, or replaces the one of the same name; saved when persistent.
    void addProject(const Project& project);
    void removeProject(const QString& name);
    QListWidget* list() const { return m_list; }
    QPushButton* newButton() const { return m_newButton; }

    void loadSettings();
    void setSettingsPersistent(bool persistent) { m_persistent = persistent; }

signals:
    void projectActivated(const berth::Project& project);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void rebuild();
    void save() const;
    void askForProject();

    QList<Project> m_projects;
    QListWidget* m_list;
    QPushButton* m_newButton;
    bool m_persistent = true;
};

// Asks for a new project; an empty name on cancel.
Project askProject(QWidget* parent);

} // namespace berth::ui
