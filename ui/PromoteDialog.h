#pragma once

// The confirmation in front of every promote and rollback. It shows the release plan
// (models/release/ReleasePlan.h) berthctl prints: from → to (tags, created time, digest,
// commit), the commits gained and lost when a git clone is linked, what a rollback skipped
// and why, and the plan's warnings; a warning that needs acknowledging keeps the confirm
// button waiting for a checkbox. Then the transport and a reason. Confirming runs the
// Promoter inside the dialog, step by step, and the dialog stays open on the result so
// nobody misses a refusal or a note.

#include "core/Callback.h"
#include "release/ReleasePlan.h"
#include "release/ReleaseTypes.h"
#include "release/SignatureGate.h"

#include <QDateTime>
#include <QDialog>
#include <QStringList>

#include <functional>
#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTreeWidget;

namespace berth {
class Promoter;
struct RedeployRun;
} // namespace berth

namespace berth::ui {

class RedeployOption;

class PromoteDialog : public QDialog {
    Q_OBJECT
public:
    using Side = PlanSide;
    // Stores a verdict with its audit row (recordVerdict on the window's history);
    // answers the row's id.
    // Stores the verdict (where the history lives) and answers its audit id on `context`.
    using VerdictRecorder =
        std::function<void(const Verdict& verdict, QObject* context, Callback<qint64> done)>;

    // The plan's `from` is where the window saw the tag; the request's expectedCurrent
    // should say the same, so a move by someone else meanwhile is refused.
    PromoteDialog(ReleaseRequest request, ReleasePlan plan, QWidget* parent = nullptr);
    ~PromoteDialog() override;

    // Runs the request on confirm; must live as long as the dialog (parent it to it).
    // When the dialog appears, the promoter readies the registry and the dialog says
    // whether the tag still points where the window saw it.
    void setPromoter(Promoter* promoter) { m_promoter = promoter; }

    // The local clone the commits come from; empty: none linked.
    void setGitClone(const QString& clonePath);
    // When `gate` covers the tag: reads and judges the build's signatures with `reader`
    // (parent it to the dialog); until the verdict is in, the move cannot be confirmed,
    // and a build the gate refuses never can be (a rollback onto it needs the checkbox).
    void checkSignatures(const SignatureGate& gate, SignatureReader* reader);
    bool isCheckingSignatures() const { return m_checkingSignatures; }
    // Offers the engine transport next to the registry API.
    void setEngineAvailable(bool available);
    // Rollbacks only: offers "mark the build being left bad" (checked when `checked`),
    // stored through `recorder` before the tag moves.
    void offerMarkBad(VerdictRecorder recorder, bool checked);

    // Offers "then redeploy" (parent it to the dialog): once the tag moved, the dialog
    // stays busy while the environment's containers are replaced, and its close button
    // stops the redeploy between containers.
    void offerRedeploy(RedeployOption* option);
    RedeployOption* redeployOption() const { return m_redeploy; }

    const ReleasePlan& plan() const { return m_plan; }
    const Side& from() const { return m_plan.from; }
    const Side& to() const { return m_plan.to; }
    const ReleaseRequest& request() const { return m_request; }
    // The move or the redeploy after it is under way.
    bool isRunning() const { return m_running; }
    // Set once the run ended.
    const std::optional<Result<ReleaseOutcome>>& result() const { return m_result; }

    // How long the confirm button stays disabled after the dialog appears.
    static constexpr int kArmDelayMs = 1000;
    // The steps of a full run (check, read the manifest, read the tag, retag, verify):
    // the progress bar is full only when a run got through all of them.
    static constexpr int kRunSteps = 5;

signals:
    void releaseFinished(bool succeeded);
    // After releaseFinished, when a redeploy was asked for and the tag moved.
    void redeployFinished(bool succeeded);

public slots:
    void reject() override; // ignored while the release runs: it cannot be stopped halfway

protected:
    void showEvent(QShowEvent* event) override;

private:
    QWidget* createSummary();
    QWidget* createCommits();
    void showSides();
    void showCommits();
    void showNotes();
    void showCurrent(const Result<QString>& current);
    void updateConfirm();
    void stepStarted(const QString& step);
    void confirm();
    void runPromoter();
    void finish(Result<ReleaseOutcome> result);
    void startRedeploy(const QString& digest);
    void finishRedeploy(const RedeployRun& run, const QString& summary);
    void closeClicked();
    QString sideText(const Side& side) const;

    Promoter* m_promoter = nullptr;
    RedeployOption* m_redeploy = nullptr;
    ReleaseRequest m_request;
    ReleasePlan m_plan;
    VerdictRecorder m_recordVerdict;
    qint64 m_verdictId = 0; // the mark-bad audit row, once stored
    bool m_running = false;
    bool m_checkingSignatures = false;
    bool m_armed = false;   // the arming delay started
    bool m_armDone = false; // and ran out
    std::optional<Result<ReleaseOutcome>> m_result;

    QLabel* m_fromLabel;
    QLabel* m_toLabel;
    QLabel* m_checkLabel; // where the registry says the tag points, once asked
    QLabel* m_notes;      // what a rollback skipped, and the plan's warnings
    QCheckBox* m_acknowledge;
    QCheckBox* m_markBad;
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
