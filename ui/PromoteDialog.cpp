#include "PromoteDialog.h"

#include "core/WhenFinished.h"
#include "git/RevisionDiff.h"
#include "history/HistoryTypes.h"
#include "release/Promoter.h"
#include "timeline/TimelineModel.h"

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

PromoteDialog::PromoteDialog(ReleaseRequest request, Side from, Side to, QWidget* parent)
    : QDialog(parent)
    , m_request(std::move(request))
    , m_from(std::move(from))
    , m_to(std::move(to))
    , m_fromLabel(new QLabel(this))
    , m_toLabel(new QLabel(this))
    , m_checkLabel(new QLabel(this))
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
    connect(m_close, &QPushButton::clicked, this, &PromoteDialog::reject);

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
    m_progress->setRange(0, 0); // steps vary with the cache and the transport: busy, not %
    m_progress->hide();
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
    layout->addWidget(createCommits(), 1);
    layout->addLayout(form);
    layout->addWidget(m_steps);
    layout->addWidget(m_progress);
    layout->addWidget(m_resultLabel);
    layout->addLayout(buttons);

    setGitClone({});
    showSides();
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
    m_gained->clear();
    m_lost->clear();
    m_fromSummary.clear();
    m_toSummary.clear();
    const bool known =
        !clonePath.isEmpty() && !m_from.revision.isEmpty() && !m_to.revision.isEmpty();
    for (QWidget* widget :
         {static_cast<QWidget*>(m_gainedLabel), static_cast<QWidget*>(m_lostLabel),
          static_cast<QWidget*>(m_gained), static_cast<QWidget*>(m_lost)})
        widget->setVisible(known);
    if (clonePath.isEmpty()) {
        m_commitStatus->setText(u"Commits gained and lost are not shown: no git clone linked."_s);
        return;
    }
    if (m_from.digest.isEmpty() || m_from.revision.isEmpty() || m_to.revision.isEmpty()) {
        m_commitStatus->setText(
            m_from.digest.isEmpty()
                ? u"%1 does not exist yet: everything in the build is new to it."_s.arg(
                      m_request.tag)
                : u"Commits are not shown: %1 names no git commit (no revision label)."_s.arg(
                      m_from.revision.isEmpty() ? u"the current build"_s : u"the new build"_s));
        return;
    }
    m_commitStatus->setText(u"Reading commits from %1…"_s.arg(clonePath));
    whenFinished(this, RevisionDiff::computeAsync(clonePath, m_from.revision, m_to.revision),
                 [this](const Result<RevisionDiff>& diff) { showDiff(diff); });
}

void PromoteDialog::showDiff(const Result<RevisionDiff>& diff) {
    if (!diff) {
        m_commitStatus->setText(u"Commits could not be read: %1"_s.arg(diff.errorMessage()));
        for (QWidget* widget :
             {static_cast<QWidget*>(m_gainedLabel), static_cast<QWidget*>(m_lostLabel),
              static_cast<QWidget*>(m_gained), static_cast<QWidget*>(m_lost)})
            widget->hide();
        return;
    }
    const CommitRange& range = diff->range;
    m_fromSummary = diff->from.summary;
    m_toSummary = diff->to.summary;
    fillCommits(m_gained, m_gainedLabel, u"Commits gained"_s, range.gained);
    fillCommits(m_lost, m_lostLabel, u"Commits lost"_s, range.lost);
    QString status = u"%1 gains %2 commits and loses %3."_s.arg(m_request.tag)
                         .arg(range.gained.totalCount)
                         .arg(range.lost.totalCount);
    // A move to a build that does not descend from the current one takes work away.
    if (!range.toDescendsFromFrom && m_request.kind == ActionKind::Promote)
        status += u" The new build does not contain the current one: check the lost commits."_s;
    m_commitStatus->setText(status);
    showSides();
}

QString PromoteDialog::sideText(const Side& side, const QString& commitSummary) const {
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
                (commitSummary.isEmpty() ? QString() : u" "_s + commitSummary);
    return text;
}

void PromoteDialog::showSides() {
    m_fromLabel->setText(sideText(m_from, m_fromSummary));
    m_fromLabel->setToolTip(m_from.digest);
    m_toLabel->setText(sideText(m_to, m_toSummary));
    m_toLabel->setToolTip(m_to.digest);
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
        if (!m_running && !m_result)
            m_confirm->setEnabled(true);
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
    const QString seen = m_request.expectedCurrent.value_or(m_from.digest);
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

void PromoteDialog::confirm() {
    if (m_running || m_result || !m_confirm->isEnabled())
        return;
    m_running = true;
    m_request.reason = m_reason->text().trimmed();
    m_request.transport =
        transportFromName(m_transport->currentData().toString()).value_or(RetagTransport::Registry);
    m_confirm->setEnabled(false);
    m_close->setEnabled(false);
    m_reason->setReadOnly(true);
    m_transport->setEnabled(false);
    m_steps->show();
    m_progress->show();
    if (!m_promoter)
        return finish(Result<ReleaseOutcome>::failure(u"Nothing can move tags here."_s));
    connect(m_promoter, &Promoter::stepStarted, this,
            [this](const QString& step) { m_steps->addItem(step); });
    m_promoter->run(m_request, this,
                    [this](Result<ReleaseOutcome> result) { finish(std::move(result)); });
}

void PromoteDialog::finish(Result<ReleaseOutcome> result) {
    m_running = false;
    disconnect(m_promoter, &Promoter::stepStarted, this, nullptr);
    m_progress->setRange(0, 1);
    m_progress->setValue(1);
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
    } else {
        text = (result.error().code == kRefusedCode ? u"Refused: %1"_s : u"Failed: %1"_s)
                   .arg(result.errorMessage());
        m_steps->addItem(u"Stopped"_s);
    }
    m_resultLabel->setText(text);
    m_resultLabel->show();
    m_confirm->hide();
    m_close->setText(u"Close"_s);
    m_close->setEnabled(true);
    m_close->setFocus();
    const bool succeeded = result.ok();
    m_result.emplace(std::move(result));
    emit releaseFinished(succeeded);
}

void PromoteDialog::reject() {
    if (m_running)
        return;
    QDialog::reject();
}

} // namespace berth::ui
