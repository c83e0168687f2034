#pragma once

// Puts the tag lint where it matters in the window: it lints each repository the loader
// shows (TagHealthModel, on a worker), paints moved immutable tags as alarms and stray
// tags' rules through the timeline's delegate, lists the moves of the selected build in
// the details panel, and offers the "Tag health" view (Ctrl+H), whose action counts the
// errors. A finding activated there asks the window to select its build.

#include <QObject>

class QAction;
class QWidget;

namespace berth {
class RepositoryLoader;
class TagHealthModel;
class TimelineModel;
} // namespace berth

namespace berth::ui {

class DetailsPanel;
class TagHealthDialog;
class TimelineView;

class TagHealthActions : public QObject {
    Q_OBJECT
public:
    // `window` parents the dialog; the views stay owned by the window.
    TagHealthActions(RepositoryLoader* loader, const TimelineModel* timeline, TimelineView* view,
                     DetailsPanel* details, QWidget* window);

    TagHealthModel* model() const { return m_model; }
    QAction* action() const { return m_action; }
    // Opens (or raises) the tag health view.
    void showDialog();
    // Null until first opened.
    TagHealthDialog* dialog() const { return m_dialog; }

    // The build the details panel shows now (empty: none); its moves are listed there.
    void showBuild(const QString& digest);
    // Another repository is opened or it was removed: its findings go.
    void clear();

signals:
    // A finding's build, the first of its builds the timeline has.
    void buildRequested(const QString& digest);

private:
    void findingsChanged();
    void selectFirstShown(const QStringList& digests);

    const TimelineModel* m_timeline;
    TimelineView* m_view;
    DetailsPanel* m_details;
    QWidget* m_window;
    TagHealthModel* m_model;
    QAction* m_action;
    TagHealthDialog* m_dialog = nullptr; // the window's child, created on first use
    QString m_shownDigest;
};

} // namespace berth::ui
