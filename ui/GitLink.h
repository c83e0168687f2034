#pragma once

// Links the open image repository to a local git clone and keeps every git view on
// that clone: the timeline's commit summaries, the details panel's commit and the
// commit log. The clone comes from `berth --git` (for its repository, this session), else from the
// repository's setting, else it is proposed among the clones linked before whose remote
// is the images' org.opencontainers.image.source. "Link git clone…" changes the setting.
// The tag policy (berth.toml at the clone's HEAD) follows the same clone.

#include <QObject>

class QAction;
class QWidget;

namespace berth {
class CommitAnnotator;
class PolicySource;
class TimelineModel;
} // namespace berth

namespace berth::ui {

class CommitLogPanel;
class DetailsPanel;

class GitLink : public QObject {
    Q_OBJECT
public:
    // `window` parents the directory chooser; the panels stay owned by the window.
    GitLink(TimelineModel* timeline, DetailsPanel* details, CommitLogPanel* log, QWidget* window);

    QAction* linkAction() const { return m_action; }
    CommitAnnotator* annotator() const { return m_annotator; }
    // The policy of the clone in use; a policy that cannot be read is told through message().
    PolicySource* policySource() const { return m_policy; }

    // From the command line (berth --git): the clone of `repository` (host/path) for
    // this session, not saved; other repositories keep their own. An empty path clears it.
    void setCloneOverride(const QString& repository, const QString& clonePath);
    // The clone the views use now; empty when none.
    QString clonePath() const { return m_clonePath; }
    // `repository` is host/path; picks its clone.
    void setRepository(const QString& repository);
    // The build the commit log compares with the environments.
    void showBuild(const QString& digest);
    // Links `clonePath` to the current repository and remembers it (what the action does
    // after the directory chooser), once the clone is known to be readable.
    void linkClone(const QString& clonePath);
    // True while any git view still waits for the clone's answer.
    bool isBusy() const;

signals:
    // A sentence for the window's banner.
    void message(const QString& text, bool isError);

private:
    void apply(const QString& clonePath);
    // The session's clone for `repository` (from --git), else its linked one.
    QString cloneOf(const QString& repository) const;
    bool overridden() const;
    void chooseClone();
    void proposeClone();

    TimelineModel* m_timeline;
    DetailsPanel* m_details;
    CommitLogPanel* m_log;
    QWidget* m_window;
    CommitAnnotator* m_annotator;
    PolicySource* m_policy;
    QAction* m_action;
    QString m_override;
    QString m_overrideRepository;
    QString m_repository;
    QString m_clonePath;
    QString m_shownDigest;
    QString m_proposedFor; // the repository a proposal was already looked for
};

} // namespace berth::ui
