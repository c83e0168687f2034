#include "RegistrySidebar.h"

#include "ProjectList.h"
#include "RegistryOptionsDialog.h"

#include "engine/EngineHost.h"
#include "registry/ImageReference.h"
#include "timeline/RepositoryListModel.h"

#include <QAction>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace berth::ui {

RegistrySidebar::RegistrySidebar(QWidget* parent)
    : QWidget(parent)
    , m_projects(new ProjectList(this))
    , m_model(new RepositoryListModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_filter(new QLineEdit(this))
    , m_tree(new QTreeView(this))
    , m_addField(new QLineEdit(this))
    , m_addButton(new QPushButton(u"Add"_s, this))
    , m_optionsButton(new QPushButton(u"Registry &options…"_s, this)) {
    setObjectName(u"registrySidebar"_s);
    setMinimumWidth(180);
    m_proxy->setSourceModel(m_model);
    m_proxy->setRecursiveFilteringEnabled(true);
    m_proxy->setAutoAcceptChildRows(true);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);

    auto* heading = new QLabel(u"Registries"_s, this);
    QFont bold = heading->font();
    bold.setBold(true);
    heading->setFont(bold);

    m_filter->setObjectName(u"repositoryFilter"_s);
    m_filter->setPlaceholderText(u"Filter repositories"_s);
    m_filter->setClearButtonEnabled(true);
    m_filter->setToolTip(u"Show only registries and repositories whose name contains this"_s);

    m_tree->setObjectName(u"repositoryTree"_s);
    m_tree->setModel(m_proxy);
    m_tree->setHeaderHidden(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tree->setToolTip(u"Open a repository's timeline (Enter or double-click)"_s);

    m_addField->setObjectName(u"addRepositoryField"_s);
    m_addField->setPlaceholderText(u"host/path, e.g. localhost:5000/acme/app"_s);
    m_addField->setToolTip(
        u"Add a repository by name: Docker Hub, GHCR and most hosted registries do not "
        u"list their repositories"_s);
    m_addButton->setObjectName(u"addRepositoryButton"_s);
    m_addButton->setToolTip(u"Add the repository and open it"_s);
    m_optionsButton->setObjectName(u"registryOptionsButton"_s);
    m_optionsButton->setToolTip(
        u"Transport security, CA file, requests in flight and engine address of the selected "
        u"registry (Alt+Return in the list)"_s);
    m_optionsButton->setEnabled(false);
    // Alt+Return is the usual "properties of the selected item" key.
    auto* optionsAction = new QAction(u"Registry options…"_s, m_tree);
    optionsAction->setObjectName(u"registryOptionsAction"_s);
    optionsAction->setShortcut(QKeySequence(u"Alt+Return"_s));
    optionsAction->setShortcutContext(Qt::WidgetShortcut);
    m_tree->addAction(optionsAction);
    // Delete removes the selected row (see eventFilter).
    m_tree->installEventFilter(this);
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);

    auto* addRow = new QHBoxLayout;
    addRow->addWidget(m_addField, 1);
    addRow->addWidget(m_addButton);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 0, 6);
    layout->addWidget(m_projects);
    layout->addWidget(heading);
    layout->addWidget(m_filter);
    layout->addWidget(m_tree, 1);
    layout->addWidget(m_optionsButton, 0, Qt::AlignLeft);
    layout->addLayout(addRow);
    setTabOrder(m_filter, m_tree);
    setTabOrder(m_tree, m_optionsButton);
    setTabOrder(m_optionsButton, m_addField);
    setTabOrder(m_addField, m_addButton);

    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_proxy->setFilterFixedString(text);
        m_tree->expandAll();
    });
    connect(m_addButton, &QPushButton::clicked, this, &RegistrySidebar::addFromField);
    connect(m_addField, &QLineEdit::returnPressed, this, &RegistrySidebar::addFromField);
    connect(m_tree, &QTreeView::activated, this, [this](const QModelIndex& index) {
        const QString repository = index.data(RepositoryListModel::RepositoryRole).toString();
        if (!repository.isEmpty())
            emit repositoryActivated(repository);
    });
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& index) {
                m_optionsButton->setEnabled(index.isValid());
                const QString repository =
                    index.data(RepositoryListModel::RepositoryRole).toString();
                if (!repository.isEmpty())
                    emit repositoryActivated(repository);
            });
    // A reset (settings loaded) leaves no current row until the user picks one.
    connect(m_proxy, &QAbstractItemModel::modelReset, this,
            [this] { m_optionsButton->setEnabled(m_tree->currentIndex().isValid()); });
    connect(m_optionsButton, &QPushButton::clicked, this, [this] { editOptions(currentDomain()); });
    connect(optionsAction, &QAction::triggered, this, [this] { editOptions(currentDomain()); });
    connect(m_tree, &QWidget::customContextMenuRequested, this, &RegistrySidebar::showTreeMenu);
}

bool RegistrySidebar::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_tree && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent*>(event)->matches(QKeySequence::Delete) && removeCurrent())
        return true;
    return QWidget::eventFilter(watched, event);
}

QString RegistrySidebar::currentDomain() const {
    return m_tree->currentIndex().data(RepositoryListModel::DomainRole).toString();
}

RegistryOptionsDialog* RegistrySidebar::editOptions(const QString& domain) {
    if (domain.isEmpty())
        return nullptr;
    auto* dialog = new RegistryOptionsDialog(domain, m_model->optionsFor(domain),
                                             EngineHost::fromEnvironment(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        m_model->setOptionsFor(dialog->domain(), dialog->options());
        saveSettings();
        emit optionsChanged(dialog->domain());
    });
    dialog->open();
    return dialog;
}

void RegistrySidebar::showTreeMenu(const QPoint& position) {
    // The menu key gives no row under a pointer: it means the current one.
    QModelIndex index = m_tree->indexAt(position);
    if (index.isValid())
        m_tree->setCurrentIndex(index);
    else
        index = m_tree->currentIndex();
    const QString domain = index.data(RepositoryListModel::DomainRole).toString();
    if (domain.isEmpty())
        return;
    QMenu menu(this);
    menu.setObjectName(u"repositoryMenu"_s);
    QAction* options = menu.addAction(u"Options for %1…"_s.arg(domain));
    options->setObjectName(u"registryOptionsMenuAction"_s);
    connect(options, &QAction::triggered, this, [this, domain] { editOptions(domain); });
    const QString repository = index.data(RepositoryListModel::RepositoryRole).toString();
    QAction* remove =
        menu.addAction(repository.isEmpty() ? u"Remove %1 and its repositories"_s.arg(domain)
                                            : u"Remove %1"_s.arg(repository));
    remove->setObjectName(u"removeMenuAction"_s);
    remove->setShortcut(QKeySequence::Delete);
    connect(remove, &QAction::triggered, this, &RegistrySidebar::removeCurrent);
    menu.exec(m_tree->viewport()->mapToGlobal(position));
}

bool RegistrySidebar::addRepository(const QString& name, QString* error, Keep keep) {
    const Result<ImageReference> reference = ImageReference::parse(name.trimmed());
    const bool newRepository =
        reference && !m_model->indexOfRepository(reference->repository()).isValid();
    const QList<RegistryEntry> before = m_model->registries();
    const bool newRegistry =
        reference && std::none_of(before.cbegin(), before.cend(), [&](const RegistryEntry& entry) {
            return entry.domain == reference->domain();
        });
    const Result<QModelIndex> added = m_model->addRepository(name);
    if (!added) {
        if (error)
            *error = added.errorMessage();
        return false;
    }
    const QString repository = added->data(RepositoryListModel::RepositoryRole).toString();
    if (keep == Keep::OnceLoaded && newRepository) {
        // A mistyped name on the command line must not stay in the list for good.
        m_unconfirmed.append(repository);
        if (newRegistry)
            m_unconfirmedDomains.append(reference->domain());
    } else if (keep == Keep::Now) {
        m_unconfirmed.removeAll(repository);
        if (reference)
            m_unconfirmedDomains.removeAll(reference->domain());
        saveSettings();
    }
    selectRepository(repository);
    return true;
}

void RegistrySidebar::rememberRepository(const QString& repository) {
    if (!m_unconfirmed.removeAll(repository))
        return;
    if (const Result<ImageReference> reference = ImageReference::parse(repository))
        m_unconfirmedDomains.removeAll(reference->domain());
    saveSettings();
}

bool RegistrySidebar::removeCurrent() {
    const QModelIndex index = m_proxy->mapToSource(m_tree->currentIndex());
    if (!index.isValid())
        return false;
    const QString domain = index.data(RepositoryListModel::DomainRole).toString();
    const QString repository = index.data(RepositoryListModel::RepositoryRole).toString();
    if (!m_model->removeRow(index))
        return false;
    m_unconfirmed.removeAll(repository);
    if (repository.isEmpty())
        m_unconfirmedDomains.removeAll(domain);
    saveSettings();
    emit removed(domain, repository);
    return true;
}

void RegistrySidebar::selectRepository(const QString& repository) {
    const QModelIndex index = m_proxy->mapFromSource(m_model->indexOfRepository(repository));
    if (!index.isValid())
        return;
    m_tree->expand(index.parent());
    // Selecting the row that is already current emits nothing; the caller loads then.
    m_tree->setCurrentIndex(index);
}

void RegistrySidebar::addFromField() {
    QString error;
    if (!addRepository(m_addField->text(), &error)) {
        emit problem(error);
        return;
    }
    m_addField->clear();
}

void RegistrySidebar::setSettingsPersistent(bool persistent) {
    m_settingsPersistent = persistent;
    m_projects->setSettingsPersistent(persistent);
}

void RegistrySidebar::loadSettings() {
    m_projects->loadSettings();
    QSettings settings;
    QList<RegistryEntry> registries;
    const int count = settings.beginReadArray(u"registries"_s);
    for (int i = 0; i < count; ++i) {
        settings.setArrayIndex(i);
        RegistryEntry entry;
        entry.domain = settings.value(u"domain"_s).toString();
        entry.options.insecure = settings.value(u"insecure"_s, false).toBool();
        entry.options.caFile = settings.value(u"caFile"_s).toString();
        entry.options.concurrency =
            qBound(1, settings.value(u"concurrency"_s, entry.options.concurrency).toInt(),
                   RegistryOptions::kMaxConcurrency);
        entry.options.engineHost = settings.value(u"engineHost"_s).toString();
        entry.options.runningEngines = settings.value(u"runningEngines"_s).toStringList();
        entry.repositories = settings.value(u"repositories"_s).toStringList();
        if (!entry.domain.isEmpty())
            registries.append(entry);
    }
    settings.endArray();
    m_model->setRegistries(registries);
    m_tree->expandAll();
}

void RegistrySidebar::saveSettings() const {
    if (!m_settingsPersistent)
        return;
    QSettings settings;
    QList<RegistryEntry> registries;
    for (RegistryEntry entry : m_model->registries()) {
        entry.repositories.removeIf([this, &entry](const QString& path) {
            return m_unconfirmed.contains(entry.domain + u'/' + path);
        });
        if (m_unconfirmedDomains.contains(entry.domain) && entry.repositories.isEmpty())
            continue;
        registries.append(entry);
    }
    settings.remove(u"registries"_s); // a shorter list leaves no stale entries behind
    settings.beginWriteArray(u"registries"_s, int(registries.size()));
    for (int i = 0; i < registries.size(); ++i) {
        settings.setArrayIndex(i);
        const RegistryEntry& entry = registries.at(i);
        settings.setValue(u"domain"_s, entry.domain);
        settings.setValue(u"insecure"_s, entry.options.insecure);
        settings.setValue(u"caFile"_s, entry.options.caFile);
        settings.setValue(u"concurrency"_s, entry.options.concurrency);
        settings.setValue(u"engineHost"_s, entry.options.engineHost);
        settings.setValue(u"runningEngines"_s, entry.options.runningEngines);
        settings.setValue(u"repositories"_s, entry.repositories);
    }
    settings.endArray();
}

} // namespace berth::ui
