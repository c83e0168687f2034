#include "MainWindow.h"

#include "BoardActions.h"
#include "BoardPage.h"
#include "CommitLogPanel.h"
#include "DetailsPanel.h"
#include "EnvironmentLanes.h"
#include "ErrorBanner.h"
#include "GitLink.h"
#include "InsightsDialog.h"
#include "LoadProgress.h"
#include "ProjectList.h"
#include "RegistrySidebar.h"
#include "ReleaseActions.h"
#include "RunningWatch.h"
#include "SignatureWatch.h"
#include "TagHealthActions.h"
#include "TimelineView.h"
#include "TrayNotifier.h"

#include "history/HistoryAccess.h"
#include "policy/PolicySource.h"
#include "registry/ImageReference.h"
#include "timeline/EnvironmentMoves.h"
#include "timeline/RepositoryListModel.h"
#include "timeline/RepositoryLoader.h"
#include "timeline/TagHealthModel.h"
#include "timeline/TimelineFilterModel.h"
#include "timeline/TimelineModel.h"
#include "timeline/VerifiedMove.h"

#include <QAction>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QPointer>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace berth::ui {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_loader(new RepositoryLoader(this))
    , m_timeline(new TimelineModel(this))
    , m_filterModel(new TimelineFilterModel(this))
    , m_sidebar(new RegistrySidebar(this))
    , m_banner(new ErrorBanner(this))
    , m_title(new QLabel(this))
    , m_filter(new QLineEdit(this))
    , m_sortButton(new QToolButton(this))
    , m_lanes(new EnvironmentLanes(this))
    , m_view(new TimelineView(this))
    , m_details(new DetailsPanel(this))
    , m_commitLog(new CommitLogPanel(this))
    , m_progress(new LoadProgress(this))
    , m_summary(new QLabel(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_pages(new QStackedWidget(this))
    , m_moves(new EnvironmentMoveDetector(this))
    , m_autoRefresh(new QTimer(this))
    , m_tray(new TrayNotifier(this)) {
    setObjectName(u"mainWindow"_s);
    setWindowTitle(u"Berth"_s);
    m_filterModel->setSourceModel(m_timeline);
    m_view->setModel(m_filterModel);
    m_signatures = new SignatureWatch(
        [this](const QString& domain) { return optionsFor(domain); },
        [this] { return m_gitLink->policySource()->policy(); }, [this] { return m_repository; },
        [this] { return m_view->currentDigest(); }, m_loader, m_timeline, m_details, this);

    m_splitter->setObjectName(u"mainSplitter"_s);
    m_splitter->addWidget(m_sidebar);
    m_board = new BoardActions(
        m_loader, [this](const QString& registry) { return optionsFor(registry); }, this);
    m_pages->addWidget(createCentre());
    // The board's header is wide; it shrinks with the window instead of widening it.
    m_board->page()->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_pages->addWidget(m_board->page());
    // Below the timeline or the board: a banner coming or going only shortens the list, so
    // the lanes and the rows never move under the pointer.
    auto* centre = new QWidget(this);
    auto* centreLayout = new QVBoxLayout(centre);
    centreLayout->setContentsMargins(0, 0, 0, 0);
    centreLayout->addWidget(m_pages, 1);
    centreLayout->addWidget(m_banner);
    m_splitter->addWidget(centre);
    // The build's details above what it would ship to each environment.
    auto* right = new QSplitter(Qt::Vertical, m_splitter);
    m_detailsSplitter = right;
    right->setObjectName(u"detailsSplitter"_s);
    right->addWidget(m_details);
    right->addWidget(m_commitLog);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 2);
    m_splitter->addWidget(right);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 3);
    m_splitter->setStretchFactor(2, 1);
    m_splitter->setSizes({230, 760, 410});
    m_splitter->setChildrenCollapsible(false);
    setCentralWidget(m_splitter);

    m_summary->setObjectName(u"summary"_s);
    statusBar()->addWidget(m_summary, 1);
    statusBar()->addPermanentWidget(m_progress);
    m_gitLink = new GitLink(m_timeline, m_details, m_commitLog, this);
    connect(m_gitLink, &GitLink::message, this, [this](const QString& text, bool isError) {
        m_banner->appendMessage(text, isError ? ErrorBanner::Level::Error
                                              : ErrorBanner::Level::Information);
    });
    m_health = new TagHealthActions(m_loader, m_timeline, m_view, m_details, this);
    connect(m_health, &TagHealthActions::buildRequested, this, &MainWindow::selectBuild);
    m_running = new RunningWatch([this](const QString& domain) { return optionsFor(domain); },
                                 m_loader, this);
    connect(m_running, &RunningWatch::runningRead, m_lanes, &EnvironmentLanes::setRunning);
    connect(m_running, &RunningWatch::warning, this, [this](const QString& text) {
        m_banner->appendMessage(text, ErrorBanner::Level::Warning);
    });
    connect(m_running, &RunningWatch::information, this, [this](const QString& text) {
        m_banner->appendMessage(text, ErrorBanner::Level::Information);
    });
    createActions();

    setTabOrder(m_sidebar->filterField(), m_sidebar->tree());
    setTabOrder(m_sidebar->tree(), m_sidebar->optionsButton());
    setTabOrder(m_sidebar->optionsButton(), m_sidebar->addField());
    setTabOrder(m_sidebar->addField(), m_filter);
    setTabOrder(m_filter, m_view);
    setTabOrder(m_view, m_details);

    connect(m_sidebar, &RegistrySidebar::repositoryActivated, this,
            qOverload<const QString&>(&MainWindow::openRepository));
    connect(m_sidebar->projects(), &ProjectList::projectActivated, this, &MainWindow::openProject);
    connect(m_board->page(), &BoardPage::repositoryActivated, this,
            qOverload<const QString&>(&MainWindow::openRepository));
    connect(m_board->page(), &BoardPage::summaryChanged, this, [this](const QString& text) {
        if (isShowingBoard())
            m_summary->setText(text);
    });
    connect(m_board, &BoardActions::message, this, [this](const QString& text, bool isError) {
        m_banner->appendMessage(text, isError ? ErrorBanner::Level::Error
                                              : ErrorBanner::Level::Information);
    });
    // New options (a CA file, another engine) take effect on the open repository at once.
    connect(m_sidebar, &RegistrySidebar::optionsChanged, this, [this](const QString& domain) {
        m_commandLineOptions.remove(domain); // what the user just saved is what counts now
        const Result<ImageReference> open = ImageReference::parse(m_repository);
        if (!m_repository.isEmpty() && open && open->domain() == domain)
            refresh();
    });
    // Removing the open repository (or its registry) takes it off the screen too.
    connect(m_sidebar, &RegistrySidebar::removed, this,
            [this](const QString& domain, const QString& repository) {
                const Result<ImageReference> open = ImageReference::parse(m_repository);
                const bool shown = !m_repository.isEmpty() && open &&
                                   (repository.isEmpty() ? open->domain() == domain
                                                         : open->repository() == repository);
                if (!shown)
                    return;
                m_loader->cancel();
                m_repository.clear();
                m_gitLink->setRepository({});
                m_title->clear();
                setWindowTitle(u"Berth"_s);
                clearRepository();
                m_banner->hide();
            });
    connect(m_sidebar, &RegistrySidebar::problem, this,
            [this](const QString& message) { m_banner->showMessage(message); });
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_filterModel->setSearchText(text);
        updateSummary();
    });
    connect(m_view, &TimelineView::currentBuildChanged, this, &MainWindow::showBuild);
    connect(m_lanes, &EnvironmentLanes::buildRequested, this, &MainWindow::selectBuild);
    connect(m_progress, &LoadProgress::cancelRequested, this, &MainWindow::cancelLoading);

    connect(m_loader, &RepositoryLoader::started, this, [this](const QString& repository) {
        m_banner->hide();
        m_progress->start(repository);
    });
    connect(m_loader, &RepositoryLoader::progressChanged, m_progress, &LoadProgress::setProgress);
    // The history's last view paints first; the registry's answer replaces it.
    connect(m_loader, &RepositoryLoader::restored, this, &MainWindow::onLoaded);
    connect(m_loader, &RepositoryLoader::loaded, this, &MainWindow::onLoaded);
    connect(m_loader, &RepositoryLoader::failed, this, &MainWindow::onFailed);
    connect(m_loader, &RepositoryLoader::warning, this,
            [this](const QString& text) { m_banner->appendMessage(text); });
    connect(m_loader, &RepositoryLoader::information, this, [this](const QString& text) {
        m_banner->appendMessage(text, ErrorBanner::Level::Information);
    });
    connect(m_loader, &RepositoryLoader::cancelled, this, [this](const QString& repository) {
        m_banner->showMessage(u"Stopped reading %1; the timeline shows what was there before. "
                              u"Press F5 to read it again."_s.arg(repository),
                              ErrorBanner::Level::Information);
    });
    connect(m_loader, &RepositoryLoader::finished, m_progress, &LoadProgress::stop);
    connect(m_loader, &RepositoryLoader::verdictsRead, this,
            [this](const QString& repository, const QList<Verdict>& verdicts) {
                if (repository != m_timeline->repository())
                    return;
                m_timeline->setVerdicts(verdicts);
                m_lanes->setLanes(m_timeline->lanes(), m_timeline);
                showBuild(m_view->currentDigest());
            });
    connect(m_autoRefresh, &QTimer::timeout, this, &MainWindow::autoRefresh);
    updateSummary();
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions() {
    auto* refresh = new QAction(u"Refresh"_s, this);
    refresh->setObjectName(u"refreshAction"_s);
    refresh->setShortcuts({QKeySequence(Qt::Key_F5), QKeySequence(u"Ctrl+R"_s)});
    refresh->setToolTip(u"Read the repository again (F5, Ctrl+R)"_s);
    refresh->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    connect(refresh, &QAction::triggered, this, &MainWindow::refresh);

    auto* cancel = new QAction(u"Cancel"_s, this);
    cancel->setObjectName(u"cancelAction"_s);
    cancel->setShortcut(QKeySequence(Qt::Key_Escape));
    cancel->setShortcutContext(Qt::WindowShortcut);
    connect(cancel, &QAction::triggered, this, &MainWindow::cancelLoading);
    addAction(cancel);

    auto* find = new QAction(u"Filter builds"_s, this);
    find->setShortcut(QKeySequence::Find);
    connect(find, &QAction::triggered, this, [this] {
        m_filter->setFocus();
        m_filter->selectAll();
    });
    addAction(find);

    auto* quit = new QAction(u"Quit"_s, this);
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);
    addAction(quit);

    QToolBar* toolbar = addToolBar(u"Main"_s);
    toolbar->setObjectName(u"mainToolbar"_s);
    toolbar->setMovable(false);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addAction(refresh);
    addReleaseActions(toolbar);
    toolbar->addAction(m_health->action());
    toolbar->addAction(m_gitLink->linkAction());

    toolbar->addSeparator();
    m_autoRefreshBox = new QComboBox(toolbar);
    m_autoRefreshBox->setObjectName(u"autoRefreshBox"_s);
    m_autoRefreshBox->setToolTip(u"Read the repository again on its own, to notice "
                                 u"environments moved by others"_s);
    m_autoRefreshBox->setAccessibleName(u"Auto-refresh interval"_s);
    m_autoRefreshBox->addItem(u"Auto-refresh off"_s, 0);
    m_autoRefreshBox->addItem(u"Every 30 s"_s, 30 * 1000);
    m_autoRefreshBox->addItem(u"Every minute"_s, 60 * 1000);
    m_autoRefreshBox->addItem(u"Every 5 min"_s, 5 * 60 * 1000);
    m_autoRefreshBox->addItem(u"Every 15 min"_s, 15 * 60 * 1000);
    connect(m_autoRefreshBox, &QComboBox::activated, this, [this](int index) {
        const int ms = m_autoRefreshBox->itemData(index).toInt();
        setAutoRefreshInterval(ms);
        // Kept at once, not only on close: a crash should not forget the choice.
        if (m_settingsPersistent)
            QSettings().setValue(u"window/autoRefreshMs"_s, ms);
    });
    toolbar->addWidget(m_autoRefreshBox);
}

void MainWindow::setAutoRefreshInterval(int ms) {
    if (ms <= 0) {
        m_autoRefresh->stop();
    } else {
        m_autoRefresh->setInterval(ms);
        m_autoRefresh->start();
    }
    if (m_autoRefreshBox) {
        const QSignalBlocker blocker(m_autoRefreshBox);
        const int index = m_autoRefreshBox->findData(qMax(ms, 0));
        if (index >= 0) {
            m_autoRefreshBox->setCurrentIndex(index);
        } else {
            // An interval the menu does not offer (settings edited by hand, tests).
            m_autoRefreshBox->addItem(u"Every %1 ms"_s.arg(ms), ms);
            m_autoRefreshBox->setCurrentIndex(m_autoRefreshBox->count() - 1);
        }
    }
}

int MainWindow::autoRefreshInterval() const {
    return m_autoRefresh->isActive() ? m_autoRefresh->interval() : 0;
}

void MainWindow::autoRefresh() {
    // A running load (the user's or the previous tick's) is never restarted by the timer:
    // on a slow registry that would cancel every read before it finished.
    if (m_repository.isEmpty() || m_loader->isLoading())
        return;
    refresh();
}

void MainWindow::addReleaseActions(QToolBar* toolbar) {
    m_release = new ReleaseActions(m_timeline, m_loader, this);
    m_release->setOptionsSource([this](const QString& domain) { return optionsFor(domain); });
    m_release->setGitCloneSource([this] { return m_gitLink->clonePath(); });
    m_release->setPolicySource(m_gitLink->policySource());
    // Each read of the repository reads the clone's policy again: its HEAD may have moved.
    connect(m_loader, &RepositoryLoader::started, m_gitLink->policySource(), &PolicySource::reload);
    // Tag health lints against the same policy the promotions follow.
    PolicySource* policy = m_gitLink->policySource();
    m_health->model()->setPolicy(policy->policy());
    connect(policy, &PolicySource::policyChanged, this, [this, policy] {
        m_health->model()->setPolicy(policy->policy());
        m_signatures->check(); // the keys may have changed with it
    });
    // After a release (or a refusal because the tag moved) the window reads again, so
    // the lanes show where the tag is now. That move is the user's own, not news.
    connect(m_release, &ReleaseActions::redeployFinished, m_running, &RunningWatch::readAgain);
    connect(m_release, &ReleaseActions::tagMoved, this,
            [this](const QString& tag, const QString& digest) {
                // Only that tag: another environment moved meanwhile by someone else is
                // still news.
                m_moves->expectOwnMove(m_repository, tag);
                if (!digest.isEmpty())
                    showVerifiedMove(tag, digest);
                refresh();
            });
    connect(m_release, &ReleaseActions::problem, this, [this](const QString& text) {
        m_banner->showMessage(text, ErrorBanner::Level::Error);
    });
    connect(m_release, &ReleaseActions::information, this, [this](const QString& text) {
        m_banner->showMessage(text, ErrorBanner::Level::Information);
    });
    // A new verdict is read back with the repository, so every view shows it.
    connect(m_release, &ReleaseActions::verdictRecorded, m_loader,
            &RepositoryLoader::reloadVerdicts);
    connect(m_release, &ReleaseActions::pickBuildRequested, m_view,
            qOverload<>(&QWidget::setFocus));
    connect(m_lanes, &EnvironmentLanes::rollbackRequested, m_release, &ReleaseActions::rollback);
    connect(m_lanes, &EnvironmentLanes::rollbackAndMarkBadRequested, m_release,
            &ReleaseActions::rollbackAndMarkBad);

    auto* promoteMenu = new QMenu(this);
    promoteMenu->setObjectName(u"promoteMenu"_s);
    connect(promoteMenu, &QMenu::aboutToShow, this, [this, promoteMenu] {
        m_release->fillPromoteMenu(promoteMenu, m_view->currentDigest());
    });
    auto* promote = new QAction(u"Promote to…"_s, this);
    promote->setObjectName(u"promoteAction"_s);
    promote->setToolTip(u"Point an environment tag at the selected build"_s);
    promote->setIcon(style()->standardIcon(QStyle::SP_ArrowUp));
    promote->setMenu(promoteMenu);
    toolbar->addAction(promote);
    if (auto* button = qobject_cast<QToolButton*>(toolbar->widgetForAction(promote)))
        button->setPopupMode(QToolButton::InstantPopup);

    auto* audit = new QAction(u"Audit log"_s, this);
    audit->setObjectName(u"auditLogAction"_s);
    audit->setShortcut(QKeySequence(u"Ctrl+L"_s));
    audit->setToolTip(u"Every promote, rollback and verdict Berth recorded (Ctrl+L)"_s);
    audit->setIcon(style()->standardIcon(QStyle::SP_FileDialogDetailedView));
    connect(audit, &QAction::triggered, m_release, &ReleaseActions::showAuditLog);
    toolbar->addAction(audit);

    auto* insights = new QAction(u"Insights"_s, this);
    insights->setObjectName(u"insightsAction"_s);
    insights->setShortcut(QKeySequence(u"Ctrl+I"_s));
    insights->setToolTip(u"Deployment frequency, lead time, change failure rate and time to "
                         u"restore of this repository, from the history (Ctrl+I)"_s);
    insights->setIcon(style()->standardIcon(QStyle::SP_FileDialogInfoView));
    connect(insights, &QAction::triggered, this, &MainWindow::showInsights);
    toolbar->addAction(insights);

    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, &MainWindow::showTimelineMenu);
}

ui::InsightsDialog* MainWindow::showInsights() {
    if (m_repository.isEmpty())
        return nullptr;
    QPointer<RepositoryLoader> loader(m_loader);
    // The clone linked now; the walk runs where the history lives, off this thread.
    auto* dialog = new InsightsDialog(
        m_repository,
        InsightsDialog::fromHistory(
            [loader]() -> HistoryAccess* { return loader ? loader->history() : nullptr; },
            {m_repository}, {{m_repository, m_gitLink->clonePath()}}),
        this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &InsightsDialog::buildChosen, this,
            [this](const QString& repository, const QString& digest) {
                if (repository == m_repository)
                    selectBuild(digest);
            });
    dialog->show();
    return dialog;
}

void MainWindow::showTimelineMenu(const QPoint& position) {
    const QModelIndex index = m_view->indexAt(position);
    if (!index.isValid())
        return;
    m_view->setCurrentIndex(index);
    QMenu menu(this);
    m_release->fillBuildMenu(&menu, index.data(TimelineModel::DigestRole).toString());
    menu.exec(m_view->viewport()->mapToGlobal(position));
}

QWidget* MainWindow::createCentre() {
    auto* centre = new QWidget(this);
    m_title->setObjectName(u"repositoryTitle"_s);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_filter->setObjectName(u"timelineFilter"_s);
    m_filter->setPlaceholderText(u"Filter builds by tag, revision, commit or label (Ctrl+F)"_s);
    m_filter->setClearButtonEnabled(true);
    m_filter->setToolTip(u"Every word must match a tag, revision, commit summary, label or "
                         u"digest; case is ignored"_s);

    m_sortButton->setObjectName(u"sortButton"_s);
    m_sortButton->setCheckable(true);
    m_sortButton->setText(u"Newest first"_s);
    m_sortButton->setToolTip(u"Order builds by image creation time"_s);
    connect(m_sortButton, &QToolButton::toggled, this, [this](bool oldestFirst) {
        m_filterModel->setNewestFirst(!oldestFirst);
        m_sortButton->setText(oldestFirst ? u"Oldest first"_s : u"Newest first"_s);
    });

    auto* header = new QHBoxLayout;
    header->addWidget(m_title, 1);
    header->addWidget(m_filter, 1);
    header->addWidget(m_sortButton);
    auto* layout = new QVBoxLayout(centre);
    layout->setContentsMargins(4, 6, 4, 0);
    layout->addLayout(header);
    layout->addWidget(m_lanes);
    layout->addWidget(m_view, 1);
    setTabOrder(m_filter, m_sortButton);
    return centre;
}

void MainWindow::openRepository(const QString& repository, const RegistryOptions& options) {
    const Result<ImageReference> reference = ImageReference::parse(repository);
    if (reference) {
        {
            // Listed first, so a registry new with it is kept only once it loads too.
            const QSignalBlocker blocker(m_sidebar);
            m_sidebar->addRepository(reference->repository(), nullptr,
                                     RegistrySidebar::Keep::OnceLoaded);
        }
        m_commandLineOptions.insert(reference->domain(), options);
    }
    openRepository(repository);
}

RegistryOptions MainWindow::optionsFor(const QString& domain) const {
    RegistryOptions options = m_sidebar->model()->optionsFor(domain);
    // The command line says how to reach the registry for this session; the engine
    // address and the concurrency saved for it stay.
    const auto given = m_commandLineOptions.constFind(domain);
    if (given != m_commandLineOptions.cend()) {
        options.insecure = given->insecure;
        options.caFile = given->caFile;
    }
    return options;
}

void MainWindow::openProject(const Project& project) {
    m_pages->setCurrentWidget(m_board->page());
    // A build's details belong to the timeline; the board takes their room.
    m_detailsSplitter->hide();
    // Listed in the sidebar like a repository opened from the command line.
    m_sidebar->projects()->addProject(project);
    m_summary->setText(m_board->page()->summaryText());
    setWindowTitle(project.name + u" — Berth"_s);
    m_board->openProject(project);
}

BoardPage* MainWindow::boardPage() const {
    return m_board->page();
}

bool MainWindow::isShowingBoard() const {
    return m_pages->currentWidget() == m_board->page();
}

void MainWindow::openRepository(const QString& repository) {
    const Result<ImageReference> reference = ImageReference::parse(repository);
    if (!reference) {
        m_banner->showMessage(reference.error().message);
        return;
    }
    m_pages->setCurrentIndex(0);
    m_detailsSplitter->show();
    updateSummary();
    const QString name = reference->repository();
    if (name == m_repository && m_loader->isLoading())
        return;
    if (name != m_timeline->repository())
        clearRepository();
    m_repository = name;
    m_title->setText(name);
    m_gitLink->setRepository(name);
    setWindowTitle(name + u" — Berth"_s);
    {
        // Selecting it in the sidebar must not start a second load of the same repository.
        const QSignalBlocker blocker(m_sidebar);
        // Kept in the settings once it loads (onLoaded): a name that never loads is not.
        m_sidebar->addRepository(name, nullptr, RegistrySidebar::Keep::OnceLoaded);
    }
    m_loader->load(name, optionsFor(reference->domain()));
}

void MainWindow::refresh() {
    if (m_repository.isEmpty())
        return;
    const QString repository = m_repository;
    m_repository.clear(); // a refresh of the loading repository restarts it
    openRepository(repository);
}

void MainWindow::cancelLoading() {
    m_loader->cancel();
}

void MainWindow::clearRepository() {
    m_signatures->cancel();
    m_timeline->clear();
    m_health->clear();
    m_running->clear();
    m_lanes->setRunning({});
    m_lanes->setLanes({}, m_timeline);
    m_details->clear();
    m_banner->hide();
    updateSummary();
}

void MainWindow::showRepository(const LoadedRepository& loaded) {
    const QString selected = m_view->currentDigest();
    m_timeline->setVerdicts(loaded.verdicts);
    m_timeline->setBuilds(loaded.repository, loaded.collection.builds);
    m_timeline->setLanes(loaded.lanes);
    m_lanes->setLanes(loaded.lanes, m_timeline);
    // Keep the selection across a refresh; on a first load show the newest build.
    if (selected.isEmpty() || !m_view->selectDigest(selected)) {
        if (m_filterModel->rowCount() > 0)
            m_view->setCurrentIndex(m_filterModel->index(0, 0));
    }
    updateSummary();
    m_signatures->check();
    if (!loaded.isFromHistory())
        m_running->read(loaded);
}

void MainWindow::showVerifiedMove(const QString& tag, const QString& digest) {
    if (m_timeline->repository() != m_repository)
        return;
    // What is shown lives in the timeline model; the move is drawn on top of that.
    LoadedRepository shown;
    shown.repository = m_repository;
    shown.collection.builds = m_timeline->builds();
    shown.lanes = m_timeline->lanes();
    shown.verdicts = m_timeline->verdicts();
    const std::optional<LoadedRepository> moved =
        withVerifiedMove(std::move(shown), tag, digest, QDateTime::currentDateTimeUtc());
    if (moved)
        showRepository(*moved);
}

void MainWindow::onLoaded(const LoadedRepository& loaded) {
    showRepository(loaded);
    if (!loaded.isFromHistory())
        m_sidebar->rememberRepository(loaded.repository);
    for (const QString& warning : loaded.collection.warnings)
        m_banner->appendMessage(warning);
    QStringList moved;
    for (const EnvironmentMove& move :
         m_moves->observe(loaded.repository, loaded.collection, loaded.lanes)) {
        moved.append(move.describe());
        m_banner->appendMessage(moved.constLast(), ErrorBanner::Level::Warning);
    }
    m_tray->notify(u"Environment moved in %1"_s.arg(m_repository), moved);
    if (loaded.isFromHistory()) {
        m_summary->setText(m_summary->text() +
                           u" · as last seen %1, from history"_s.arg(QLocale().toString(
                               loaded.fromHistorySeenAt.toLocalTime(), QLocale::ShortFormat)));
    } else {
        m_summary->setText(
            m_summary->text() +
            u" · read %1"_s.arg(QDateTime::currentDateTime().toString(u"HH:mm:ss"_s)));
    }
}

void MainWindow::onFailed(const QString& repository, const Error& error) {
    QString message = u"Could not read %1: %2"_s.arg(repository, error.message);
    // Registry errors name their status already; say it once.
    if (error.httpStatus != 0 && !error.message.contains(u"HTTP %1"_s.arg(error.httpStatus)))
        message += u" (HTTP %1%2)"_s.arg(error.httpStatus)
                       .arg(error.code.isEmpty() ? QString() : u", "_s + error.code);
    m_banner->showMessage(message, ErrorBanner::Level::Error);
}

void MainWindow::setGitClone(const QString& repository, const QString& clonePath) {
    // Named as the window names it ("ubuntu" is docker.io/library/ubuntu).
    const Result<ImageReference> reference = ImageReference::parse(repository);
    m_gitLink->setCloneOverride(reference ? reference->repository() : repository, clonePath);
}

void MainWindow::showBuild(const QString& digest) {
    m_gitLink->showBuild(m_timeline->rowOfDigest(digest) < 0 ? QString() : digest);
    m_health->showBuild(m_timeline->rowOfDigest(digest) < 0 ? QString() : digest);
    const Build* build = m_timeline->buildAt(m_timeline->rowOfDigest(digest));
    if (!build) {
        m_details->clear();
        return;
    }
    const QModelIndex index = m_timeline->index(m_timeline->rowOfDigest(digest));
    m_details->showBuild(m_timeline->repository(), *build,
                         index.data(TimelineModel::SharesConfigWithRole).toStringList(),
                         index.data(TimelineModel::VerdictsRole).value<QList<Verdict>>());
    m_details->showSignatureSummary(index.data(TimelineModel::SignatureSummaryRole).toString());
    m_signatures->describe(*build);
}

void MainWindow::selectBuild(const QString& digest) {
    if (!m_view->selectDigest(digest)) {
        m_filter->clear(); // the build may be hidden by the filter
        m_view->selectDigest(digest);
    }
}

void MainWindow::updateSummary() {
    const int total = m_timeline->rowCount();
    const int shown = m_filterModel->rowCount();
    m_view->setEmptyText(total > 0 && shown == 0
                             ? u"No builds match \u201c%1\u201d."_s.arg(m_filter->text().trimmed())
                             : QString());
    if (m_timeline->repository().isEmpty()) {
        m_summary->setText(u"Add a repository on the left to see its builds."_s);
        return;
    }
    m_summary->setText(shown == total
                           ? u"%1 builds"_s.arg(total)
                           : u"%1 of %2 builds match the filter"_s.arg(shown).arg(total));
}

void MainWindow::restoreSettings() {
    m_sidebar->loadSettings();
    QSettings settings;
    if (!restoreGeometry(settings.value(u"window/geometry"_s).toByteArray())) {
        const QScreen* screen = this->screen() ? this->screen() : QGuiApplication::primaryScreen();
        if (screen)
            resize(initialSize(screen->availableGeometry()));
    }
    m_splitter->restoreState(settings.value(u"window/splitter"_s).toByteArray());
    setAutoRefreshInterval(settings.value(u"window/autoRefreshMs"_s, 0).toInt());
}

QSize MainWindow::initialSize(const QRect& available) {
    // Room for the sidebar, a timeline row with its chips, a lane with a few past
    // positions, the filter and the details panel side by side.
    constexpr QSize kUsable(1280, 800);
    constexpr qreal kShareOfScreen = 0.85;
    const QSize wanted(qMax(kUsable.width(), int(available.width() * kShareOfScreen)),
                       qMax(kUsable.height(), int(available.height() * kShareOfScreen)));
    return wanted.boundedTo(available.size());
}

void MainWindow::setSettingsPersistent(bool persistent) {
    m_settingsPersistent = persistent;
    m_sidebar->setSettingsPersistent(persistent);
}

void MainWindow::saveSettings() const {
    if (!m_settingsPersistent)
        return;
    QSettings settings;
    settings.setValue(u"window/geometry"_s, saveGeometry());
    settings.setValue(u"window/splitter"_s, m_splitter->saveState());
    settings.setValue(u"window/autoRefreshMs"_s, autoRefreshInterval());
    m_sidebar->saveSettings();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    m_loader->cancel();
    saveSettings();
    event->accept();
}

} // namespace berth::ui
