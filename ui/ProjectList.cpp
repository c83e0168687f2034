#include "ProjectList.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace berth::ui {

ProjectList::ProjectList(QWidget* parent)
    : QWidget(parent)
    , m_list(new QListWidget(this))
    , m_newButton(new QPushButton(tr("New project…"), this)) {
    setObjectName(u"projectList"_s);
    auto* heading = new QLabel(tr("Projects"), this);
    QFont bold = heading->font();
    bold.setBold(true);
    heading->setFont(bold);
    m_list->setObjectName(u"projects"_s);
    m_list->setToolTip(tr("Open a project's release board (Enter or double-click)"));
    m_list->setMaximumHeight(120);
    m_list->setContextMenuPolicy(Qt::CustomContextMenu);
    m_list->installEventFilter(this);
    m_newButton->setToolTip(tr("A named set of repositories shown side by side on one board"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(heading);
    layout->addWidget(m_list);
    layout->addWidget(m_newButton, 0, Qt::AlignLeft);

    connect(m_newButton, &QPushButton::clicked, this, &ProjectList::askForProject);
    connect(m_list, &QListWidget::activated, this, [this](const QModelIndex& index) {
        if (index.row() >= 0 && index.row() < m_projects.size())
            emit projectActivated(m_projects.at(index.row()));
    });
    connect(m_list, &QWidget::customContextMenuRequested, this, [this](const QPoint& position) {
        QListWidgetItem* item = m_list->itemAt(position);
        QMenu menu(this);
        if (item) {
            const QString name = item->data(Qt::UserRole).toString();
            menu.addAction(tr("Open board"), this, [this, item] {
                emit projectActivated(m_projects.at(m_list->row(item)));
            });
            menu.addAction(tr("Remove project"), this, [this, name] { removeProject(name); });
        }
        menu.addAction(tr("New project…"), this, &ProjectList::askForProject);
        menu.exec(m_list->viewport()->mapToGlobal(position));
    });
}

void ProjectList::loadSettings() {
    m_projects = ProjectSettings::projects();
    rebuild();
}

void ProjectList::addProject(const Project& project) {
    const auto same = std::find_if(m_projects.begin(), m_projects.end(),
                                   [&project](const Project& p) { return p.name == project.name; });
    if (same != m_projects.end())
        *same = project;
    else
        m_projects.append(project);
    rebuild();
    save();
}

void ProjectList::removeProject(const QString& name) {
    m_projects.removeIf([&name](const Project& project) { return project.name == name; });
    rebuild();
    save();
}

void ProjectList::rebuild() {
    m_list->clear();
    for (const Project& project : std::as_const(m_projects)) {
        auto* item = new QListWidgetItem(project.name, m_list);
        item->setData(Qt::UserRole, project.name);
        item->setToolTip(project.description());
    }
}

void ProjectList::save() const {
    if (m_persistent)
        ProjectSettings::setProjects(m_projects);
}

void ProjectList::askForProject() {
    const Project project = askProject(this);
    if (project.name.isEmpty())
        return;
    addProject(project);
    emit projectActivated(project);
}

bool ProjectList::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_list && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent*>(event)->key() == Qt::Key_Delete && m_list->currentItem()) {
        removeProject(m_list->currentItem()->data(Qt::UserRole).toString());
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

Project askProject(QWidget* parent) {
    QDialog dialog(parent);
    dialog.setWindowTitle(QObject::tr("New project"));
    auto* name = new QLineEdit(&dialog);
    name->setPlaceholderText(QObject::tr("e.g. shop"));
    auto* repositories = new QPlainTextEdit(&dialog);
    repositories->setPlaceholderText(
        QObject::tr("localhost:5000/shop/ (every repository the catalog lists there)\n"
                    "or one repository per line: ghcr.io/acme/api"));
    auto* error = new QLabel(&dialog);
    error->setWordWrap(true);
    error->setStyleSheet(u"color: palette(bright-text); background: #b3261e; padding: 4px;"_s);
    error->hide();
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    auto* form = new QFormLayout;
    form->addRow(QObject::tr("Name"), name);
    form->addRow(QObject::tr("Repositories"), repositories);
    auto* layout = new QVBoxLayout(&dialog);
    layout->addLayout(form);
    layout->addWidget(error);
    layout->addWidget(buttons);
    Project accepted;
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, [&] {
        const Result<Project> project =
            Project::fromText(name->text(), repositories->toPlainText());
        if (!project) {
            error->setText(project.errorMessage());
            error->show();
            return;
        }
        accepted = project.value();
        dialog.accept();
    });
    dialog.exec();
    return accepted;
}

} // namespace berth::ui
