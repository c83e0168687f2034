#pragma once

// The confirmation in front of every promote and rollback: from → to (tags, created
// time, digest, commit), the commits gained and lost when a git clone is linked, the
// transport and a reason. Confirming runs the Promoter inside the dialog, step by step,
// and the dialog stays open on the result so nobody misses a refusal or a note.

#include "core/Result.h"
#include "release/ReleaseTypes.h"

#include <QDateTime>
#include <QDialog>
#include <QStringList>

#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTreeWidget;

namespace berth {
class Promoter;
struct RevisionDiff;
} // namespace berth

namespace berth::ui {

class PromoteDialog : public QDialog {
    Q_OBJECT
public:
    // One end of the move, as the window knows it.
    struct Side {
        QString digest; // empty: the tag does not exist (yet)
        QStringList tags;
        QDateTime created;
        QString revision; // the commit the build names, empty when unknown
    };

    // `from` is where the window saw the tag; the request's expectedCurrent should say
    // the same, so a move by someone else meanwhile is refused.
    PromoteDialog(ReleaseRequest request, Side from, Side to, QWidget* parent = nullptr);
    ~PromoteDialog() override;

    // Runs the request on confirm; must live as long as the dialog (parent it to it).
    // When the dialog appears, the promoter readies the registry and the dialog says
    // whether the tag still points where the window saw it.
    void setPromoter(Promoter* promoter) { m_promoter = promoter; }

    // The local clone the commits come from; empty: none linked.
    void setGitClone(const QString& clonePath);
    // Offers the engine transport next to the registry API.
    void setEngineAvailable(bool available);

    const Side& from() const { return m_from; }
    const Side& to() const { return m_to; }
    const ReleaseRequest& request() const { return m_request; }
    bool isRunning() const { return m_running; }
    // Set once the run ended.
    const std::optional<Result<ReleaseOutcome>>& result() const { return m_result; }

    // How long the confirm button stays disabled after the dialog appears.
    static constexpr int kArmDelayMs = 1000;

signals:
    void releaseFinished(bool succeeded);

public slots:
    void reject() override; // ignored while the release runs: it cannot be stopped halfway

protected:
    void showEvent(QShowEvent* event) override;

private:
    QWidget* createSummary();
    QWidget* createCommits();
    void showSides();
    void showDiff(const Result<RevisionDiff>& diff);
    void showCurrent(const Result<QString>& current);
    void confirm();
    void finish(Result<ReleaseOutcome> result);
    QString sideText(const Side& side, const QString& commitSummary) const;

    Promoter* m_promoter = nullptr;
    ReleaseRequest m_request;
    Side m_from;
    Side m_to;
    QString m_fromSummary; // commit summaries, once the clone answered
    QString m_toSummary;
    bool m_running = false;
    bool m_armed = false;
    std::optional<Result<ReleaseOutcome>> m_result;

    QLabel* m_fromLabel;
    QLabel* m_toLabel;
    QLabel* m_checkLabel; // where the registry says the tag points, once asked
    QLabel* m_commitStatus;
    QLabel* m_gainedLabel;
    QLabel* m_lostLabel;
    QTreeWidget* m_gained;
    QTreeWidget* m_lost;
    QComboBox* m_transport;
    QLineEdit* m_reason;
    QListWidget* m_steps;
    QProgressBar* m_progress;
    QLabel* m_resultLabel;
    QPushButton* m_confirm;
    QPushButton* m_close;
};

} // namespace berth::ui
