#include "PromoteDialog.h"

#include "RedeployOption.h"

#include "core/WhenFinished.h"
#include "history/HistoryTypes.h"
#include "release/Promoter.h"
#include "release/ReleasePlanner.h"
#include "release/VerdictRecorder.h"
#include "timeline/TimelineModel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace berth::ui {

namespace {

QTreeWidget* commitList(const QString& name, QWidget* parent) {
    auto* list = new QTreeWidget(parent);
    list->setObjectName(name);
    list->setHeaderLabels({u"Commit"_s, u"Summary"_s, u"Author"_s});
    list->setRootIsDecorated(false);
    list->setUniformRowHeights(true);
    list->header()->setSectionResizeMode(1, QHeaderView::Stretch);
    list->header()->setStretchLastSection(false);
    return list;
}

void fillCommits(QTreeWidget* list, QLabel* heading, const QString& what,
                 const CommitList& commits) {
    list->clear();
    for (const CommitInfo& commit : commits.commits) {
        auto* item = new QTreeWidgetItem(list, {commit.shortId, commit.summary, commit.authorName});
        item->setToolTip(1, commit.message);
        item->setData(0, Qt::UserRole, commit.id);
    }
    QString text = u"%1 (%2)"_s.arg(what).arg(commits.totalCount);
    if (commits.truncated())
        text += u", the newest %1 listed"_s.arg(commits.commits.size());
    heading->setText(text);
}

} // namespace

PromoteDialog::PromoteDialog(ReleaseRequest request, ReleasePlan plan, QWidget* parent)
    : QDialog(parent)
    , m_request(std::move(request))
    , m_plan(std::move(plan))
    , m_fromLabel(new QLabel(this))
    , m_toLabel(new QLabel(this))
    , m_checkLabel(new QLabel(this))
    , m_notes(new QLabel(this))
    , m_acknowledge(new QCheckBox(this))
    , m_markBad(new QCheckBox(this))
    , m_commitStatus(new QLabel(this))
    , m_gainedLabel(new QLabel(this))
    , m_lostLabel(new QLabel(this))
    , m_gained(commitList(u"commitsGained"_s, this))
    , m_lost(commitList(u"commitsLost"_s, this))
    , m_transport(new QComboBox(this))
    , m_reason(new QLineEdit(this))
    , m_steps(new QListWidget(this))
    , m_progress(new QProgressBar(this))
    , m_resultLabel(new QLabel(this))
    , m_confirm(new QPushButton(this))
    , m_close(new QPushButton(u"Cancel"_s, this)) {
    setObjectName(u"promoteDialog"_s);
    const bool rollback = m_request.kind == ActionKind::Rollback;
    setWindowTitle(rollback ? u"Roll back %1"_s.arg(m_request.tag)
                            : u"Promote to %1"_s.arg(m_request.tag));

    m_confirm->setObjectName(u"confirmButton"_s);
    m_confirm->setText(rollback ? u"Roll back %1"_s.arg(m_request.tag)
                                : u"Promote to %1"_s.arg(m_request.tag));
    m_close->setObjectName(u"closeButton"_s);
    // Enter must never confirm: the dialog is often opened with Enter on a menu entry,
    // and a second press (or key repeat) would move production before anyone read
    // from → to. So neither button is a default button, and the confirm button stays
    // disabled for a moment after the dialog appears; it takes a deliberate click or
    // Space on the focused button.
    m_confirm->setAutoDefault(false);
    m_confirm->setDefault(false);
    m_confirm->setEnabled(false);
    m_close->setAutoDefault(false);
    connect(m_confirm, &QPushButton::clicked, this, &PromoteDialog::confirm);
    connect(m_close, &QPushButton::clicked, this, &PromoteDialog::closeClicked);

    m_transport->setObjectName(u"transportCombo"_s);
    m_transport->addItem(u"Registry API (same manifest bytes, digest preserved)"_s,
                         transportName(RetagTransport::Registry));
    m_reason->setObjectName(u"reasonField"_s);
    m_reason->setPlaceholderText(rollback ? u"Why roll back? (kept in the audit log)"_s
                                          : u"Why promote? (kept in the audit log)"_s);
    m_reason->setClearButtonEnabled(true);

    m_steps->setObjectName(u"stepList"_s);
    m_steps->setMaximumHeight(110);
    m_steps->hide();
    m_progress->setObjectName(u"releaseProgress"_s);
    // Steps done of a full run; a cached manifest skips one, so the bar fills only when
    // the run ends well, and a refusal leaves it where the run stopped.
    m_progress->setRange(0, kRunSteps);
    m_progress->setValue(0);
    m_progress->hide();

    m_notes->setObjectName(u"planNotes"_s);
    m_notes->setWordWrap(true);
    m_notes->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_acknowledge->setObjectName(u"acknowledgeCheck"_s);
    connect(m_acknowledge, &QCheckBox::toggled, this, &PromoteDialog::updateConfirm);
    m_markBad->setObjectName(u"markBadCheck"_s);
    m_markBad->setText(u"Mark the build being left bad for %1"_s.arg(m_request.tag));
    m_markBad->hide();
    m_resultLabel->setObjectName(u"resultLabel"_s);
    m_resultLabel->setWordWrap(true);
    m_resultLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_resultLabel->hide();

    auto* form = new QFormLayout;
    form->addRow(u"Transport:"_s, m_transport);
    form->addRow(u"Reason:"_s, m_reason);

    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_confirm);
    buttons->addWidget(m_close);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(createSummary());
    layout->addWidget(m_notes);
    layout->addWidget(m_acknowledge);
    layout->addWidget(createCommits(), 1);
    layout->addWidget(m_markBad);
    layout->addLayout(form);
    layout->addWidget(m_steps);
    layout->addWidget(m_progress);
    layout->addWidget(m_resultLabel);
    layout->addLayout(buttons);

    setGitClone({});
    showNotes();
    m_reason->setFocus();
    resize(720, 560);
}

PromoteDialog::~PromoteDialog() = default;

QWidget* PromoteDialog::createSummary() {
    auto* box = new QWidget(this);
    auto* form = new QFormLayout(box);
    form->setContentsMargins(0, 0, 0, 0);
    for (QLabel* label : {m_fromLabel, m_toLabel}) {
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    m_fromLabel->setObjectName(u"fromLabel"_s);
    m_toLabel->setObjectName(u"toLabel"_s);
    m_checkLabel->setObjectName(u"checkLabel"_s);
    m_checkLabel->setWordWrap(true);
    m_checkLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_checkLabel->hide();
    auto* what = new QLabel(u"<b>%1</b> of %2/%3"_s.arg(m_request.tag.toHtmlEscaped(),
                                                        m_request.registry.toHtmlEscaped(),
                                                        m_request.repository.toHtmlEscaped()),
                            box);
    form->addRow(u"Tag:"_s, what);
    form->addRow(u"From:"_s, m_fromLabel);
    form->addRow(u"To:"_s, m_toLabel);
    form->addRow(m_checkLabel);
    return box;
}

QWidget* PromoteDialog::createCommits() {
    auto* box = new QWidget(this);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    m_commitStatus->setObjectName(u"commitStatus"_s);
    m_commitStatus->setWordWrap(true);
    m_gainedLabel->setText(u"Commits gained"_s);
    m_lostLabel->setText(u"Commits lost"_s);
    layout->addWidget(m_commitStatus);
    layout->addWidget(m_gainedLabel);
    layout->addWidget(m_gained, 1);
    layout->addWidget(m_lostLabel);
    layout->addWidget(m_lost, 1);
    return box;
}

void PromoteDialog::setGitClone(const QString& clonePath) {
    m_plan.commits = {};
    // What the previous clone said is replaced by what this one says.
    m_plan.warnings.removeIf([](const PlanNote& note) { return note.code == kNotDescendantNote; });
    m_plan.from.commitSummary.clear();
    m_plan.to.commitSummary.clear();
    const QFuture<ReleasePlan> planned = ReleasePlanner::withCommits(m_plan, clonePath);
    if (planned.isFinished()) {
        m_plan = planned.result();
    } else {
        m_plan.commits.state = PlanCommits::State::Reading;
        m_plan.commits.note = clonePath;
        whenFinished(this, planned, [this](const ReleasePlan& withCommits) {
            m_plan = withCommits;
            showCommits();
            showNotes();
        });
    }
    showCommits();
}

void PromoteDialog::checkSignatures(const SignatureGate& gate, SignatureReader* reader) {
    if (!gate.gates(m_plan.tag) || m_plan.to.digest.isEmpty())
        return;
    m_checkingSignatures = true;
    gatePlan(gate, *reader, m_plan, this, [this](Result<ReleasePlan> gated) {
        m_checkingSignatures = false;
        // Only the gate's findings are taken: the plan may have gained commits meanwhile.
        const auto isSignatureNote = [](const PlanNote& note) {
            return note.code == kSignatureNote;
        };
        if (gated) {
            for (const PlanNote& note : gated->warnings) {
                if (isSignatureNote(note))
                    m_plan.warnings.append(note);
            }
            for (const PlanNote& note : gated->refusals) {
                if (isSignatureNote(note))
                    m_plan.refusals.append(note);
            }
        }
        showNotes();
    });
    showNotes();
}

void PromoteDialog::showCommits() {
    const PlanCommits& commits = m_plan.commits;
    const bool known = commits.state == PlanCommits::State::Known;
    for (QWidget* widget :
         {static_cast<QWidget*>(m_gainedLabel), static_cast<QWidget*>(m_lostLabel),
          static_cast<QWidget*>(m_gained), static_cast<QWidget*>(m_lost)})
        widget->setVisible(known || commits.state == PlanCommits::State::Reading);
    m_gained->clear();
    m_lost->clear();
    switch (commits.state) {
    case PlanCommits::State::NotAsked:
        m_commitStatus->setText(u"Commits gained and lost are not shown: no git clone linked."_s);
        break;
    case PlanCommits::State::Reading:
        m_commitStatus->setText(u"Reading commits from %1…"_s.arg(commits.note));
        break;
    case PlanCommits::State::Unknown:
        m_commitStatus->setText(u"Commits are not shown: %1."_s.arg(commits.note));
        break;
    case PlanCommits::State::Known: {
        fillCommits(m_gained, m_gainedLabel, u"Commits gained"_s, commits.range.gained);
        fillCommits(m_lost, m_lostLabel, u"Commits lost"_s, commits.range.lost);
        m_commitStatus->setText(u"%1 gains %2 commits and loses %3."_s.arg(m_request.tag)
                                    .arg(commits.range.gained.totalCount)
                                    .arg(commits.range.lost.totalCount));
        break;
    }
    }
    showSides();
}

void PromoteDialog::showNotes() {
    QStringList lines;
    for (const SkippedBuild& skipped : m_plan.skipped) {
        if (skipped.reason != SkipReason::Current)
            lines.append(u"Skipped %1: %2"_s.arg(shortDigestOf(skipped.digest), skipped.why));
    }
    for (const PlanNote& warning : m_plan.warnings)
        lines.append(u"⚠ "_s + warning.text);
    for (const PlanNote& refusal : m_plan.refusals)
        lines.append(u"Refused: "_s + refusal.text);
    if (m_checkingSignatures)
        lines.append(u"Checking the build's signatures (%1 only takes verified builds)…"_s.arg(
            m_request.tag));
    m_notes->setText(lines.join(u'\n'));
    m_notes->setVisible(!lines.isEmpty());
    const bool acknowledge = m_plan.needsAcknowledgement();
    m_acknowledge->setText(u"I know; move %1 onto it anyway"_s.arg(m_request.tag));
    m_acknowledge->setVisible(acknowledge);
    if (!acknowledge)
        m_acknowledge->setChecked(false);
    updateConfirm();
}

void PromoteDialog::updateConfirm() {
    const bool acknowledged = !m_plan.needsAcknowledgement() || m_acknowledge->isChecked();
    m_confirm->setEnabled(m_armed && m_armDone && !m_running && !m_result && !m_plan.refused() &&
                          !m_checkingSignatures && acknowledged);
}

QString PromoteDialog::sideText(const Side& side) const {
    if (side.digest.isEmpty())
        return u"(%1 does not exist yet)"_s.arg(m_request.tag);
    QStringList parts;
    parts.append(side.tags.isEmpty() ? u"(no other tags)"_s : side.tags.join(u", "_s));
    parts.append(side.created.isValid()
                     ? u"created "_s + side.created.toLocalTime().toString(u"yyyy-MM-dd HH:mm"_s)
                     : u"creation time unknown"_s);
    parts.append(shortDigestOf(side.digest));
    QString text = parts.join(u" · "_s);
    if (!side.revision.isEmpty())
        text += u"\ncommit "_s + side.revision.left(12) +
                (side.commitSummary.isEmpty() ? QString() : u" "_s + side.commitSummary);
    return text;
}

void PromoteDialog::showSides() {
    m_fromLabel->setText(sideText(m_plan.from));
    m_fromLabel->setToolTip(m_plan.from.digest);
    m_toLabel->setText(sideText(m_plan.to));
    m_toLabel->setToolTip(m_plan.to.digest);
}

void PromoteDialog::offerMarkBad(VerdictRecorder recorder, bool checked) {
    const bool offered = m_request.kind == ActionKind::Rollback && !m_plan.from.digest.isEmpty();
    m_recordVerdict = offered ? std::move(recorder) : VerdictRecorder();
    m_markBad->setVisible(offered && m_recordVerdict);
    m_markBad->setChecked(offered && m_recordVerdict && checked);
}

void PromoteDialog::offerRedeploy(RedeployOption* option) {
    if (m_redeploy)
        return;
    m_redeploy = option;
    auto* box = static_cast<QVBoxLayout*>(layout());
    box->insertWidget(box->indexOf(m_markBad) + 1, option);
    connect(option, &RedeployOption::progress, this,
            [this](const QString& line) { m_steps->addItem(line); });
    connect(option, &RedeployOption::finished, this, &PromoteDialog::finishRedeploy);
}

void PromoteDialog::setEngineAvailable(bool available) {
    const int engine = m_transport->findData(transportName(RetagTransport::Engine));
    if (available && engine < 0)
        m_transport->addItem(u"Engine (pull, tag, push; may re-encode the manifest)"_s,
                             transportName(RetagTransport::Engine));
    else if (!available && engine >= 0)
        m_transport->removeItem(engine);
}

void PromoteDialog::showEvent(QShowEvent* event) {
    QDialog::showEvent(event);
    if (m_armed)
        return;
    m_armed = true;
    QTimer::singleShot(kArmDelayMs, this, [this] {
        m_armDone = true;
        updateConfirm();
    });
    // While the dialog is read, the registry connection, its tokens and the tag's current
    // position get ready; confirming then costs only the move itself.
    if (m_promoter) {
        m_checkLabel->setText(u"Checking where %1 points now…"_s.arg(m_request.tag));
        m_checkLabel->show();
        m_promoter->prepare(m_request, this,
                            [this](Result<QString> current) { showCurrent(current); });
    }
}

void PromoteDialog::showCurrent(const Result<QString>& current) {
    // Once confirmed, the run's own steps say where the tag is; a late answer to this
    // look would describe the time before the move.
    if (m_running || m_result) {
        m_checkLabel->hide();
        return;
    }
    if (!current) {
        m_checkLabel->setText(u"⚠ The registry could not be asked where %1 points now: %2"_s.arg(
            m_request.tag, current.errorMessage()));
        return;
    }
    const QString seen = m_request.expectedCurrent.value_or(m_plan.from.digest);
    if (current.value() == seen) {
        m_checkLabel->setText(u"The registry confirms %1 still points there."_s.arg(m_request.tag));
        return;
    }
    // The run refuses a tag that moved only when it was told where the tag was seen.
    const QString consequence = m_request.expectedCurrent
                                    ? u"Confirming will be refused; close this and refresh first."_s
                                    : u"Confirming moves it from there."_s;
    m_checkLabel->setText(u"⚠ %1 moved since the window showed it: it now points at %2. %3"_s.arg(
        m_request.tag, current.value().isEmpty() ? u"nothing"_s : shortDigestOf(current.value()),
        consequence));
}

void PromoteDialog::stepStarted(const QString& step) {
    m_steps->addItem(step);
    // The last step is only done when the run ends well.
    m_progress->setValue(std::min(m_progress->value() + 1, kRunSteps - 1));
}

void PromoteDialog::confirm() {
    if (m_running || m_result || !m_confirm->isEnabled())
        return;
    m_running = true;
    // The audit row names the stages a promotion skips before the person's words.
    m_request.reason = m_plan.auditReason(m_reason->text().trimmed());
    m_request.transport =
        transportFromName(m_transport->currentData().toString()).value_or(RetagTransport::Registry);
    m_confirm->setEnabled(false);
    m_close->setEnabled(false);
    m_reason->setReadOnly(true);
    m_transport->setEnabled(false);
    m_acknowledge->setEnabled(false);
    m_markBad->setEnabled(false);
    if (m_redeploy)
        m_redeploy->setEnabled(false);
    m_steps->show();
    m_progress->show();
    if (!m_promoter)
        return finish(Result<ReleaseOutcome>::failure(u"Nothing can move tags here."_s));
    if (!m_markBad->isHidden() && m_markBad->isChecked()) {
        // The verdict stands whatever happens to the rollback; it is stored first.
        const Verdict verdict = badVerdictOnLeaving(m_plan, m_request.reason);
        m_steps->addItem(
            u"Marking %1 bad for %2"_s.arg(shortDigestOf(verdict.digest), verdict.environment));
        m_recordVerdict(verdict, this, [this, verdict](Result<qint64> id) {
            if (!id)
                return finish(Result<ReleaseOutcome>::failure(id.errorMessage() +
                                                              u" Nothing was rolled back."_s));
            m_verdictId = id.value();
            m_steps->addItem(u"Marked %1 bad for %2 (audit #%3)"_s.arg(
                shortDigestOf(verdict.digest), verdict.environment, QString::number(m_verdictId)));
            runPromoter();
        });
        return;
    }
    runPromoter();
}

void PromoteDialog::runPromoter() {
    connect(m_promoter, &Promoter::stepStarted, this, &PromoteDialog::stepStarted);
    m_promoter->run(m_request, this,
                    [this](Result<ReleaseOutcome> result) { finish(std::move(result)); });
}

void PromoteDialog::finish(Result<ReleaseOutcome> result) {
    m_running = false;
    if (m_promoter)
        disconnect(m_promoter, &Promoter::stepStarted, this, nullptr);
    QString text;
    if (result) {
        const ReleaseOutcome& outcome = result.value();
        if (outcome.alreadyThere)
            text = outcome.note;
        else
            text = u"Done: %1 now points at %2."_s.arg(m_request.tag,
                                                       shortDigestOf(outcome.resultDigest));
        if (!outcome.alreadyThere && !outcome.note.isEmpty())
            text += u"\n"_s + outcome.note;
        m_steps->addItem(u"Done"_s);
        m_progress->setValue(kRunSteps);
    } else {
        const bool refused = result.error().outcome == Outcome::Refused;
        text = (refused ? u"Refused: %1"_s : u"Failed: %1"_s).arg(result.errorMessage());
        if (m_verdictId != 0)
            text += u"\nThe build it was leaving stays marked bad (audit #%1)."_s.arg(m_verdictId);
        m_steps->addItem(refused ? u"Refused"_s : u"Stopped"_s);
        // The bar stays where the run stopped and says why, instead of filling up.
        m_progress->setFormat(refused ? u"Refused"_s : u"Failed"_s);
    }
    m_resultLabel->setText(text);
    m_resultLabel->show();
    m_confirm->hide();
    m_close->setText(u"Close"_s);
    m_close->setEnabled(true);
    m_close->setFocus();
    const bool succeeded = result.ok();
    const QString movedTo = succeeded ? result.value().resultDigest : QString();
    m_result.emplace(std::move(result));
    emit releaseFinished(succeeded);
    if (succeeded && m_redeploy && m_redeploy->isChecked() && !movedTo.isEmpty())
        startRedeploy(movedTo);
}

void PromoteDialog::startRedeploy(const QString& digest) {
    m_running = true;
    m_progress->setFormat(u"Redeploying"_s);
    m_progress->setRange(0, 0); // how many containers is learnt on the way
    m_close->setText(u"Stop redeploy"_s);
    m_close->setToolTip(u"Stops before the next container; the one being replaced is "
                        u"finished or put back first."_s);
    m_redeploy->run(digest, m_request.reason);
}

void PromoteDialog::finishRedeploy(const RedeployRun& run, const QString& summary) {
    m_running = false;
    const QStringList earlier = run.settlement.settled + run.settlement.unsettled;
    for (const QString& line : earlier + run.report.lines())
        m_steps->addItem(line);
    m_steps->scrollToBottom();
    const bool succeeded = run.report.succeeded();
    m_progress->setRange(0, 1);
    m_progress->setValue(succeeded ? 1 : 0);
    m_progress->setFormat(succeeded ? u"Redeployed"_s : u"Redeploy failed"_s);
    m_resultLabel->setText(m_resultLabel->text() + u"\n"_s + summary);
    m_close->setText(u"Close"_s);
    m_close->setToolTip({});
    m_close->setEnabled(true);
    emit redeployFinished(succeeded);
}

void PromoteDialog::closeClicked() {
    if (m_redeploy && m_redeploy->isRunning()) {
        m_redeploy->stop();
        m_close->setEnabled(false);
        m_close->setText(u"Stopping after this container…"_s);
        return;
    }
    reject();
}

void PromoteDialog::reject() {
    if (m_running)
        return;
    QDialog::reject();
}

} // namespace berth::ui
