#pragma once

// The dashboard window. It only assembles: the sidebar, the timeline with its lanes
// and filter, the details panel, the banner and the progress; the loading itself is
// RepositoryLoader's, the painting TimelineDelegate's.

#include "registry/RegistryOptions.h"
#include "timeline/EnvironmentLane.h"

#include <QHash>
#include <QMainWindow>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QSplitter;
class QStackedWidget;
class QToolBar;
class QTimer;
class QToolButton;

namespace berth {
struct Project;
class EnvironmentMoveDetector;
class RepositoryLoader;
struct Build;
class TimelineFilterModel;
class TimelineModel;
struct LoadedRepository;
struct Error;
} // namespace berth

namespace berth::ui {

class BoardActions;
class BoardPage;
class CommitLogPanel;
class DetailsPanel;
class EnvironmentLanes;
class ErrorBanner;
class GitLink;
class InsightsDialog;
class LoadProgress;
class RegistrySidebar;
class ReleaseActions;
class RunningWatch;
class SignatureWatch;
class TagHealthActions;
class TimelineView;
class TrayNotifier;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // `repository` is host/path. Options given here are kept for the registry.
    void openRepository(const QString& repository, const RegistryOptions& options);
    void openRepository(const QString& repository);
    void refresh();
    // Shows the project's release board in place of the timeline (a repository opened
    // from the board, or the sidebar, brings the timeline back).
    void openProject(const Project& project);
    BoardPage* boardPage() const;
    BoardActions* board() const { return m_board; }
    bool isShowingBoard() const;
    // Reads the repository again every `ms` milliseconds (0: never). The toolbar offers
    // a few intervals; any other value is kept too (tests use short ones).
    void setAutoRefreshInterval(int ms);
    int autoRefreshInterval() const;
    void cancelLoading();
    // The local git clone of `repository`'s source, for this session (berth --git); other
    // repositories, and this one with an empty path, use their linked clone.
    void setGitClone(const QString& repository, const QString& clonePath);
    GitLink* gitLink() const { return m_gitLink; }

    RepositoryLoader* loader() const { return m_loader; }
    // Promote, roll back, mark good/bad and the audit log.
    ReleaseActions* releaseActions() const { return m_release; }
    // Lint findings on the timeline, in the details and in the "Tag health" view.
    TagHealthActions* tagHealth() const { return m_health; }
    TimelineModel* timelineModel() const { return m_timeline; }
    // Tells when a refresh finds an environment moved by someone else.
    EnvironmentMoveDetector* environmentMoves() const { return m_moves; }
    ErrorBanner* banner() const { return m_banner; }
    // The delivery metrics of the shown repository (nullptr when none is shown).
    InsightsDialog* showInsights();
    QString currentRepository() const { return m_repository; }

    // Saved layout, or on a first start a size from the screen (initialSize).
    void restoreSettings();
    // The first window's size on a screen with `available` room: most of the screen,
    // never below what the lanes, the filter and the details need, never above the screen.
    static QSize initialSize(const QRect& available);
    void saveSettings() const;
    // Off for a window that must leave the user's settings as they are (a screenshot):
    // nothing it opens, resizes or chooses is written back.
    void setSettingsPersistent(bool persistent);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    void addReleaseActions(QToolBar* toolbar);
    QWidget* createCentre();
    void onLoaded(const LoadedRepository& loaded);
    // Builds, lanes, selection and counts of `loaded`.
    void showRepository(const LoadedRepository& loaded);
    // A release this window verified, drawn before the read that follows it.
    void showVerifiedMove(const QString& tag, const QString& digest);
    void onFailed(const QString& repository, const Error& error);
    void autoRefresh();
    void showBuild(const QString& digest);
    // Selects the build on the timeline, clearing a filter that hides it.
    void selectBuild(const QString& digest);
    // Another repository is opened: nothing of the previous one may stay on screen.
    void clearRepository();
    void showTimelineMenu(const QPoint& position);
    void updateSummary();
    // Verifies the shown builds' signatures with the linked clone's policy keys.
    // Reads what the build's accessories are (digests, predicate types) for the details.
    // A registry's saved options, with what the command line said for this session.
    RegistryOptions optionsFor(const QString& domain) const;

    RepositoryLoader* m_loader;
    TimelineModel* m_timeline;
    TimelineFilterModel* m_filterModel;
    RegistrySidebar* m_sidebar;
    ErrorBanner* m_banner;
    QLabel* m_title;
    QLineEdit* m_filter;
    QToolButton* m_sortButton;
    EnvironmentLanes* m_lanes;
    TimelineView* m_view;
    DetailsPanel* m_details;
    CommitLogPanel* m_commitLog;
    GitLink* m_gitLink = nullptr;
    LoadProgress* m_progress;
    QLabel* m_summary;
    QSplitter* m_splitter;
    QStackedWidget* m_pages;      // the timeline, or the release board
    QSplitter* m_detailsSplitter; // a build's details and commits, beside the timeline
    BoardActions* m_board = nullptr;
    ReleaseActions* m_release = nullptr;
    SignatureWatch* m_signatures = nullptr; // the shown builds' signature verdicts
    RunningWatch* m_running = nullptr;      // what the environments' engines run
    TagHealthActions* m_health = nullptr;
    EnvironmentMoveDetector* m_moves;
    QTimer* m_autoRefresh;
    QComboBox* m_autoRefreshBox = nullptr;
    TrayNotifier* m_tray;
    QString m_repository;
    // berth --insecure / --ca-file, by domain: this session's only. The registry options
    // dialog alone changes what is saved.
    QHash<QString, RegistryOptions> m_commandLineOptions;
    bool m_settingsPersistent = true;
};

} // namespace berth::ui
