#pragma once

// The right side of the window: everything a release needs about the selected build,
// with the exact references to paste into a deployment one click away.

#include "history/HistoryTypes.h"
#include "signing/SignatureReader.h"

#include <QScrollArea>

class QFormLayout;
class QLabel;
class QLineEdit;
class QStackedWidget;
class QTreeWidget;

namespace berth {
struct Build;
}

namespace berth::ui {

class BuildCommitView;
class TagMovesView;

class DetailsPanel : public QScrollArea {
    Q_OBJECT
public:
    explicit DetailsPanel(QWidget* parent = nullptr);

    // `repository` is host/path; `sharesConfigWith` lists re-encoded twins by digest;
    // `verdicts` are the good/bad verdicts recorded on the build.
    // What the signature check found for the shown build; empty: not checked (yet).
    void showSignatureSummary(const QString& summary);
    // What each accessory of the shown build is, once read: kind, digest, contents.
    void showAccessories(const QList<SignatureReader::AccessoryDescription>& accessories);
    void showBuild(const QString& repository, const Build& build,
                   const QStringList& sharesConfigWith, const QList<Verdict>& verdicts = {});
    void clear();
    // The clone the build's commit is looked up in; empty when none is linked.
    void setGitClone(const QString& clonePath);
    BuildCommitView* commitView() const { return m_commit; }
    // Immutable tags that moved on or off the build, with their moves; set by the tag
    // health, which lints after the build is shown.
    TagMovesView* tagMovesView() const { return m_moves; }

    // What the copy buttons put on the clipboard.
    QString reference() const;   // repo@sha256:...
    QString composeLine() const; // image: repo@sha256:...
    QString runLine() const;     // docker run --rm repo@sha256:...

signals:
    void copied(const QString& what);
    void linkCloneRequested();
    // A fetch brought the clone new commits: views that asked it before may ask again.
    void cloneFetched();

private:
    QWidget* copyRow(QLineEdit* field, const QString& name, const QString& tip);
    QLabel* addField(const QString& label, const QString& name);

    QStackedWidget* m_stack;
    QLabel* m_title;
    QLabel* m_verdicts;
    TagMovesView* m_moves;
    QLineEdit* m_digest;
    QLineEdit* m_reference;
    QLineEdit* m_compose;
    QLineEdit* m_run;
    QFormLayout* m_form;
    QLabel* m_created;
    QLabel* m_revision;
    BuildCommitView* m_commit;
    QLabel* m_size;
    QLabel* m_platforms;
    QLabel* m_accessories;   // signatures, attestations, SBOMs by their tags
    QString m_accessoryText; // m_accessories without the signature verdict
    QString m_signatureSummary;
    QLabel* m_mediaType;
    QLabel* m_config;
    QLabel* m_problem;
    QTreeWidget* m_tags;
    QTreeWidget* m_labels;
};

} // namespace berth::ui
