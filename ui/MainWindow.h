#pragma once

// The dashboard window. It only assembles: the sidebar, the timeline with its lanes
// and filter, the details panel, the banner and the progress; the loading itself is
// RepositoryLoader's, the painting TimelineDelegate's.

#include "registry/RegistryOptions.h"
#include "timeline/EnvironmentLane.h"

#include <QMainWindow>

class QLabel;
class QLineEdit;
class QSplitter;
class QToolBar;
class QToolButton;

namespace berth {
class RepositoryLoader;
class TimelineFilterModel;
class TimelineModel;
struct LoadedRepository;
struct Error;
} // namespace berth

namespace berth::ui {

class CommitLogPanel;
class DetailsPanel;
class EnvironmentLanes;
class ErrorBanner;
class GitLink;
class LoadProgress;
class RegistrySidebar;
class ReleaseActions;
class TimelineView;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // `repository` is host/path. Options given here are kept for the registry.
    void openRepository(const QString& repository, const RegistryOptions& options);
    void openRepository(const QString& repository);
    void refresh();
    void cancelLoading();
    // The local git clone of the images' source, for this session (berth --git); empty
    // falls back to each repository's linked clone.
    void setGitClone(const QString& clonePath);
    GitLink* gitLink() const { return m_gitLink; }

    RepositoryLoader* loader() const { return m_loader; }
    // Promote, roll back, mark good/bad and the audit log.
    ReleaseActions* releaseActions() const { return m_release; }
    TimelineModel* timelineModel() const { return m_timeline; }
    QString currentRepository() const { return m_repository; }

    void restoreSettings();
    void saveSettings() const;

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    void addReleaseActions(QToolBar* toolbar);
    QWidget* createCentre();
    void onLoaded(const LoadedRepository& loaded);
    void onFailed(const QString& repository, const Error& error);
    void reportMovedEnvironments(const QList<EnvironmentLane>& before,
                                 const QList<EnvironmentLane>& after);
    void showBuild(const QString& digest);
    void showTimelineMenu(const QPoint& position);
    void updateSummary();

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
    ReleaseActions* m_release = nullptr;
    QString m_repository;
    QString m_loadedRepository; // what the timeline shows, for telling moves on refresh
};

} // namespace berth::ui
