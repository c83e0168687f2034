#include "AuditLogDialog.h"

#include "history/AuditLogFilterModel.h"
#include "history/AuditLogModel.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace berth::ui {

namespace {

QComboBox* choiceBox(const QString& name, const QString& any, const QStringList& values,
                     QWidget* parent) {
    auto* box = new QComboBox(parent);
    box->setObjectName(name);
    box->addItem(any, QString());
    for (const QString& value : values)
        box->addItem(value, value);
    return box;
}

} // namespace

AuditLogDialog::AuditLogDialog(ActionSource source, QWidget* parent)
    : QDialog(parent)
    , m_source(std::move(source))
    , m_model(new AuditLogModel(this))
    , m_filterModel(new AuditLogFilterModel(this))
    , m_tag(choiceBox(u"auditTagFilter"_s, u"Every tag"_s, {}, this))
    , m_kind(choiceBox(u"auditKindFilter"_s, u"Every action"_s,
                       {actionKindName(ActionKind::Promote), actionKindName(ActionKind::Rollback),
                        actionKindName(ActionKind::MarkGood), actionKindName(ActionKind::MarkBad),
                        actionKindName(ActionKind::Publish)},
                       this))
    , m_state(
          choiceBox(u"auditStateFilter"_s, u"Every result"_s,
                    {actionStateName(ActionState::Succeeded), actionStateName(ActionState::Failed),
                     actionStateName(ActionState::Pending)},
                    this))
    , m_text(new QLineEdit(this))
    , m_table(new QTableView(this))
    , m_summary(new QLabel(this)) {
    setObjectName(u"auditLogDialog"_s);
    setWindowTitle(u"Audit log"_s);
    m_filterModel->setSourceModel(m_model);

    m_text->setObjectName(u"auditTextFilter"_s);
    m_text->setPlaceholderText(u"Filter by user, repository, digest, reason or error"_s);
    m_text->setClearButtonEnabled(true);
    connect(m_text, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_filterModel->setSearchText(text);
        updateSummary();
    });
    const auto follow = [this](QComboBox* box, void (AuditLogFilterModel::*set)(const QString&)) {
        connect(box, &QComboBox::currentIndexChanged, this, [this, box, set] {
            (m_filterModel->*set)(box->currentData().toString());
            updateSummary();
        });
    };
    follow(m_tag, &AuditLogFilterModel::setTag);
    follow(m_kind, &AuditLogFilterModel::setKind);
    follow(m_state, &AuditLogFilterModel::setState);

    m_table->setObjectName(u"auditTable"_s);
    m_table->setModel(m_filterModel);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_summary->setObjectName(u"auditSummary"_s);
    m_summary->setWordWrap(true);

    auto* filters = new QHBoxLayout;
    filters->addWidget(m_tag);
    filters->addWidget(m_kind);
    filters->addWidget(m_state);
    filters->addWidget(m_text, 1);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton* refresh = buttons->addButton(u"Refresh"_s, QDialogButtonBox::ActionRole);
    refresh->setObjectName(u"auditRefresh"_s);
    connect(refresh, &QPushButton::clicked, this, &AuditLogDialog::reload);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_summary);
    layout->addWidget(buttons);
    resize(1000, 520);
    reload();
}

void AuditLogDialog::reload() {
    if (!m_source)
        return showActions(Result<QList<Action>>::failure(u"No history database is open."_s));
    m_summary->setText(u"Reading the audit log…"_s);
    m_source(this, [this](Result<QList<Action>> actions) { showActions(actions); });
}

void AuditLogDialog::showActions(const Result<QList<Action>>& actions) {
    if (!actions) {
        m_model->setActions({});
        m_summary->setText(u"The audit log could not be read: %1"_s.arg(actions.errorMessage()));
        return;
    }
    m_model->setActions(actions.value());
    fillTagChoices();
    m_table->resizeColumnsToContents();
    updateSummary();
}

void AuditLogDialog::fillTagChoices() {
    // Keep the chosen tag across a refresh when it is still there.
    const QString chosen = m_tag->currentData().toString();
    const QSignalBlocker blocker(m_tag);
    while (m_tag->count() > 1)
        m_tag->removeItem(1);
    for (const QString& tag : m_model->tags())
        m_tag->addItem(tag, tag);
    const int index = m_tag->findData(chosen);
    m_tag->setCurrentIndex(index < 0 ? 0 : index);
    m_filterModel->setTag(m_tag->currentData().toString());
}

void AuditLogDialog::updateSummary() {
    const int total = m_model->rowCount();
    const int shown = m_filterModel->rowCount();
    m_summary->setText(total == 0 ? u"Berth has not promoted, rolled back or marked anything "
                                    u"yet."_s
                       : shown == total ? u"%1 actions"_s.arg(total)
                                        : u"%1 of %2 actions match"_s.arg(shown).arg(total));
}

} // namespace berth::ui
