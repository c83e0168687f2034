#pragma once

// What promoting the selected build would change in code, environment by environment:
// the commits it has over what each environment runs now (what a promotion ships) and
// the commits it lacks (what it would take away), from the linked git clone. The clone
// is read in a worker thread; an answer for a selection no longer shown is dropped.
// Double-click (or Enter) on a commit opens it in the remote's web view.

#include "core/Result.h"
#include "git/RemoteLocation.h"
#include "git/RevisionDiff.h"

#include <QWidget>

#include <optional>

class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace berth {
class TimelineModel;
}

namespace berth::ui {

class CommitLogPanel : public QWidget {
    Q_OBJECT
public:
    // Data the tree's items carry in column 0, for whoever reads the list.
    enum ItemRole {
        EnvironmentRole = Qt::UserRole, // QString, on environment and commit items
        CommitIdRole,                   // QString full id, on commit items
        DirectionRole,                  // QString "gained" or "lost", on commit items
        UrlRole,                        // QUrl of the commit's web view, may be empty
    };

    static constexpr int kCommitsShown = 200; // per environment and direction

    explicit CommitLogPanel(QWidget* parent = nullptr);

    void setClonePath(const QString& clonePath);
    QString clonePath() const { return m_clonePath; }
    // Compares the build `digest` of `timeline` with the build each environment runs now.
    void showBuild(const TimelineModel& timeline, const QString& digest);
    void clear();
    bool isBusy() const { return m_busy; }

signals:
    // The list shows the answer for the current selection (or why there is none).
    void updated();

private:
    // One environment to compare with, read on the GUI thread from the timeline.
    struct Target {
        QString environment;
        QString digest;
        QString revision;
    };
    struct Comparison {
        Target target;
        Result<RevisionDiff> diff = Error{};
    };
    struct Log {
        QList<Comparison> comparisons;
        std::optional<RemoteLocation> web;
    };

    void compare();
    void showLog(const Log& log);
    void showMessage(const QString& text);
    void addCommits(QTreeWidgetItem* parent, const Comparison& comparison, bool gained,
                    const std::optional<RemoteLocation>& web);
    void openItem(QTreeWidgetItem* item);

    QLabel* m_header;
    QTreeWidget* m_tree;
    QString m_clonePath;
    QString m_digest;
    QString m_revision;
    QList<Target> m_targets;
    bool m_shown = false;
    bool m_busy = false;
    quint64 m_generation = 0;
};

} // namespace berth::ui
