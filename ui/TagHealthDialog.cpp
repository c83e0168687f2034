#include "TagHealthDialog.h"

#include "timeline/TagHealthModel.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace berth::ui {

namespace {

QString counted(int count, const QString& noun) {
    return u"%1 %2%3"_s.arg(count).arg(noun, count == 1 ? QString() : u"s"_s);
}

} // namespace

TagHealthDialog::TagHealthDialog(TagHealthModel* model, QWidget* parent)
    : QDialog(parent)
    , m_model(model)
    , m_sorted(new QSortFilterProxyModel(this))
    , m_table(new QTableView(this))
    , m_summary(new QLabel(this)) {
    setObjectName(u"tagHealthDialog"_s);
    setWindowTitle(u"Tag health"_s);
    setModal(false);
    m_sorted->setSourceModel(m_model);
    m_sorted->setSortCaseSensitivity(Qt::CaseInsensitive);

    m_summary->setObjectName(u"tagHealthSummary"_s);
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setWordWrap(true);

    m_table->setObjectName(u"tagHealthTable"_s);
    m_table->setModel(m_sorted);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    // Errors first, as the lint orders them; a header click sorts by any column.
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(TagHealthModel::SeverityColumn, Qt::AscendingOrder);
    m_table->setToolTip(u"Double-click or press Enter on a finding to show its build"_s);
    connect(m_table, &QAbstractItemView::activated, this, [this](const QModelIndex& index) {
        const QStringList digests = index.data(TagHealthModel::DigestsRole).toStringList();
        if (!digests.isEmpty())
            emit buildRequested(digests);
    });

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);
    layout->addWidget(buttons);
    resize(900, 420);

    connect(m_model, &TagHealthModel::findingsChanged, this, &TagHealthDialog::updateSummary);
    updateSummary();
}

QString TagHealthDialog::summary() const {
    return m_summary->text();
}

void TagHealthDialog::updateSummary() {
    const QString policy = u"the tag policy (%1)"_s.arg(m_model->policy().origin);
    if (m_model->repository().isEmpty()) {
        m_summary->setText(m_model->isComputing() ? u"Checking the tags…"_s
                                                  : u"Open a repository to check its tags."_s);
    } else if (m_model->rowCount() == 0) {
        m_summary->setText(u"Every tag of %1 fits %2."_s.arg(m_model->repository(), policy));
    } else {
        m_summary->setText(u"%1: %2 and %3 against %4."_s.arg(
            m_model->repository(), counted(m_model->errorCount(), u"error"_s),
            counted(m_model->warningCount(), u"warning"_s), policy));
    }
}

} // namespace berth::ui
