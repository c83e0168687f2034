#include "BoardPage.h"

#include "InsightsDialog.h"

#include "board/BoardCommits.h"
#include "board/BoardFilterModel.h"
#include "board/BoardLoader.h"
#include "board/BoardModel.h"
#include "board/BoardState.h"
#include "core/WhenFinished.h"
#include "git/CloneSettings.h"
#include "history/HistoryAccess.h"
#include "policy/TagPolicy.h"

#include <QCheckBox>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::StringLiterals;

namespace berth::ui {

struct PolicyRead {
    QString repository;
    Result<TagPolicy> policy;
};

namespace {

const QStringList kPromotionOrder{u"dev"_s, u"staging"_s, u"production"_s};

// The train's two environments: the last two of the promotion order the board has.
QStringList trainEnvironments(const BoardState& state) {
    QStringList present;
    for (const QString& environment : state.promotionOrder()) {
        if (state.columns().contains(environment))
            present.append(environment);
    }
    return present.size() >= 2 ? present.mid(present.size() - 2) : QStringList{};
}

// Each linked clone's policy (libgit2: a worker thread's job).
QList<PolicyRead> policiesOf(const QHash<QString, QString>& clones) {
    QList<PolicyRead> reads;
    for (auto it = clones.cbegin(); it != clones.cend(); ++it)
        reads.append(PolicyRead{it.key(), readTagPolicy(it.value())});
    return reads;
}

} // namespace

BoardPage::BoardPage(std::function<HistoryThread*()> history, OptionsFor options, QWidget* parent)
    : QWidget(parent)
    , m_options(std::move(options))
    , m_history(history)
    , m_state(std::make_unique<BoardState>())
    , m_model(new BoardModel(this))
    , m_filter(new BoardFilterModel(this))
    , m_loader(new BoardLoader(std::move(history), this))
    , m_title(new QLabel(this))
    , m_nameFilter(new QLineEdit(this))
    , m_differs(new QCheckBox(this))
    , m_refreshButton(new QPushButton(tr("Refresh"), this))
    , m_trainButton(new QPushButton(this))
    , m_insightsButton(new QPushButton(tr("Insights…"), this))
    , m_progress(new QProgressBar(this))
    , m_cancelButton(new QPushButton(tr("Cancel"), this))
    , m_view(new QTableView(this)) {
    m_filter->setSourceModel(m_model);
    m_view->setModel(m_filter);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_view->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_view->setAccessibleName(tr("Release board"));
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_nameFilter->setPlaceholderText(tr("Filter repositories"));
    m_nameFilter->setClearButtonEnabled(true);
    m_nameFilter->setMinimumWidth(200);
    m_progress->setTextVisible(true);
    m_progress->setFormat(tr("%v of %m repositories read"));
    m_progress->hide();
    m_cancelButton->hide();

    auto* header = new QHBoxLayout;
    header->addWidget(m_title);
    header->addWidget(m_nameFilter, 1);
    header->addWidget(m_differs);
    header->addWidget(m_refreshButton);
    header->addWidget(m_trainButton);
    header->addWidget(m_insightsButton);
    auto* footer = new QHBoxLayout;
    footer->addWidget(m_progress, 1);
    footer->addWidget(m_cancelButton);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(header);
    layout->addWidget(m_view, 1);
    layout->addLayout(footer);
    updateDiffersBox();

    connect(m_nameFilter, &QLineEdit::textChanged, m_filter, &BoardFilterModel::setNameFilter);
    connect(m_differs, &QCheckBox::toggled, this, [this](bool only) {
        const QStringList pair = trainEnvironments(*m_state);
        if (only && pair.size() == 2)
            m_filter->setDiffering(pair.at(0), pair.at(1));
        else
            m_filter->setDiffering({}, {});
    });
    connect(m_refreshButton, &QPushButton::clicked, this, &BoardPage::refresh);
    connect(m_cancelButton, &QPushButton::clicked, this, &BoardPage::cancel);
    connect(m_trainButton, &QPushButton::clicked, this, &BoardPage::trainRequested);
    m_insightsButton->setObjectName(u"boardInsightsButton"_s);
    m_insightsButton->setToolTip(tr("Deployment frequency, lead time, change failure rate and "
                                    "time to restore of the project's services, pooled"));
    connect(m_insightsButton, &QPushButton::clicked, this, &BoardPage::showInsights);
    connect(m_view, &QTableView::activated, this, [this](const QModelIndex& index) {
        emit repositoryActivated(index.data(BoardModel::RepositoryRole).toString());
    });
    connect(m_loader, &BoardLoader::repositoriesListed, this, [this](const QStringList& names) {
        // A refresh keeps the last looks: they show until the new ones arrive, and they are
        // what a move outside Berth is told from.
        if (names == m_state->repositories())
            return;
        m_state->reset(names, kPromotionOrder);
        showAll();
        readPolicies();
    });
    connect(m_loader, &BoardLoader::restored, this,
            [this](const QList<LoadedRepository>& lastSeen) {
                for (const LoadedRepository& repository : lastSeen)
                    m_state->show(repository);
                showAll();
            });
    connect(m_loader, &BoardLoader::repositoryLoaded, this, &BoardPage::show);
    connect(m_loader, &BoardLoader::repositoryFailed, this,
            [this](const QString& repository, const QString& message) {
                m_state->showProblem(repository, message);
                m_model->updateRow(m_state->row(repository));
            });
    connect(m_loader, &BoardLoader::projectFailed, this, &BoardPage::problem);
    connect(m_loader, &BoardLoader::alarm, this, &BoardPage::problem);
    connect(m_loader, &BoardLoader::progressChanged, this, [this](int finished, int total) {
        m_progress->setRange(0, std::max(1, total));
        m_progress->setValue(finished);
    });
    connect(m_filter, &QAbstractItemModel::rowsInserted, this,
            [this] { emit summaryChanged(summaryText()); });
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this,
            [this] { emit summaryChanged(summaryText()); });
    connect(m_filter, &QAbstractItemModel::modelReset, this,
            [this] { emit summaryChanged(summaryText()); });
    connect(m_loader, &BoardLoader::finished, this, [this] {
        emit summaryChanged(summaryText());
        m_progress->hide();
        m_cancelButton->hide();
        m_refreshButton->setEnabled(true);
        emit busyChanged(isBusy());
    });
}

BoardPage::~BoardPage() = default;

void BoardPage::showProject(const Project& project) {
    ++m_generation;
    m_project = project;
    m_title->setText(project.name);
    m_title->setToolTip(project.description());
    m_state->reset(project.repositories, kPromotionOrder);
    showAll();
    refresh();
}

void BoardPage::refresh() {
    if (m_project.name.isEmpty())
        return;
    m_progress->setValue(0);
    m_progress->show();
    m_cancelButton->show();
    m_refreshButton->setEnabled(false);
    m_loader->loadProject(m_project, m_options(m_project.registry));
    readPolicies(); // a clone's HEAD may hold a new berth.toml since the last refresh
    emit busyChanged(true);
}

InsightsDialog* BoardPage::showInsights() {
    const QStringList repositories = m_state->repositories();
    if (repositories.isEmpty())
        return nullptr;
    // Each service's linked clone, looked up here: the walk runs on the history thread.
    QHash<QString, QString> clones;
    for (const QString& repository : repositories)
        clones.insert(repository, CloneSettings::cloneFor(repository));
    auto* dialog = new InsightsDialog(
        m_project.name,
        InsightsDialog::fromHistory(
            [history = m_history]() -> HistoryAccess* { return history ? history() : nullptr; },
            repositories, clones),
        this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &InsightsDialog::buildChosen, this,
            [this](const QString& repository, const QString&) {
                emit repositoryActivated(repository);
            });
    dialog->show();
    return dialog;
}

void BoardPage::readPolicies() {
    QHash<QString, QString> clones;
    for (const QString& repository : m_state->repositories()) {
        if (const QString clone = CloneSettings::cloneFor(repository); !clone.isEmpty())
            clones.insert(repository, clone);
    }
    ++m_policyReadsUnderWay;
    whenFinished(this, QtConcurrent::run(&policiesOf, clones),
                 [this, generation = m_generation](const QList<PolicyRead>& reads) {
                     --m_policyReadsUnderWay;
                     if (generation == m_generation)
                         showPolicies(reads);
                     emit busyChanged(isBusy());
                 });
}

void BoardPage::showPolicies(const QList<PolicyRead>& reads) {
    QHash<QString, TagPolicy> policies;
    QStringList problems;
    for (const PolicyRead& read : reads) {
        if (!m_state->repositories().contains(read.repository))
            continue; // the catalog listed other repositories meanwhile
        if (read.policy)
            policies.insert(read.repository, read.policy.value());
        else
            problems.append(read.repository + u": "_s + read.policy.errorMessage());
    }
    if (m_state->setPolicies(policies)) {
        showAll();
    } else {
        for (const QString& repository : m_state->repositories())
            m_model->updateRow(m_state->row(repository));
    }
    if (!problems.isEmpty())
        emit problem(tr("Following the default promotion order where a policy cannot be "
                        "read: %1")
                         .arg(problems.join(u"; "_s)));
}

void BoardPage::cancel() {
    m_loader->cancel();
}

bool BoardPage::isBusy() const {
    return m_loader->isLoading() || !m_commitReadsUnderWay.isEmpty() || m_policyReadsUnderWay > 0;
}

void BoardPage::showAll() {
    m_model->setBoard(m_state->columns(), m_state->rows());
    updateDiffersBox();
    for (const QString& repository : m_state->repositories())
        readCommits(repository);
}

void BoardPage::show(const LoadedRepository& repository) {
    if (m_state->show(repository)) {
        showAll();
        return;
    }
    m_model->updateRow(m_state->row(repository.repository));
    readCommits(repository.repository);
}

void BoardPage::readCommits(const QString& repository) {
    const QString clone = CloneSettings::cloneFor(repository);
    const LoadedRepository* look = m_state->lastLook(repository);
    if (clone.isEmpty() || !look || m_state->commitsKnown(repository))
        return;
    // A read already under way for the same builds answers for this look too.
    const BoardRow row = m_state->row(repository);
    QStringList builds;
    for (const BoardCell& cell : row.cells)
        builds.append(cell.digest);
    if (m_commitReadsUnderWay.value(repository) == builds)
        return;
    QHash<QString, QString> revisions;
    for (const Build& build : look->collection.builds) {
        if (!build.revision.isEmpty())
            revisions.insert(build.digest, build.revision);
    }
    if (revisions.isEmpty())
        return;
    m_commitReadsUnderWay.insert(repository, builds);
    auto* watcher = new QFutureWatcher<BoardRow>(this);
    connect(watcher, &QFutureWatcher<BoardRow>::finished, this,
            [this, watcher, generation = m_generation, repository, builds] {
                watcher->deleteLater();
                if (m_commitReadsUnderWay.value(repository) == builds)
                    m_commitReadsUnderWay.remove(repository);
                // The board state keeps them only while the row runs the builds they are for.
                if (generation == m_generation) {
                    m_state->showCommits(watcher->result());
                    m_model->updateRow(m_state->row(repository));
                }
                emit busyChanged(isBusy());
            });
    watcher->setFuture(withBoardCommits(row, revisions, clone));
}

void BoardPage::updateDiffersBox() {
    const QStringList pair = trainEnvironments(*m_state);
    m_differs->setEnabled(pair.size() == 2);
    m_trainButton->setEnabled(pair.size() == 2);
    if (pair.size() != 2) {
        m_differs->setText(tr("Only rows where environments differ"));
        m_trainButton->setText(tr("Promote train…"));
        return;
    }
    m_differs->setText(tr("Only rows where %1 ≠ %2").arg(pair.at(0), pair.at(1)));
    m_trainButton->setText(tr("Promote %1 → %2…").arg(pair.at(0), pair.at(1)));
    if (m_differs->isChecked())
        m_filter->setDiffering(pair.at(0), pair.at(1));
}

QString BoardPage::trainFrom() const {
    const QStringList pair = trainEnvironments(*m_state);
    return pair.value(0);
}

QString BoardPage::trainTo() const {
    const QStringList pair = trainEnvironments(*m_state);
    return pair.value(1);
}

QStringList BoardPage::trainServices() const {
    QStringList services;
    const QModelIndexList selected = m_view->selectionModel()->selectedRows();
    for (const QModelIndex& index : selected)
        services.append(index.data(BoardModel::RepositoryRole).toString());
    if (!services.isEmpty())
        return services;
    for (int row = 0; row < m_filter->rowCount(); ++row) {
        const QString repository =
            m_filter->index(row, 0).data(BoardModel::RepositoryRole).toString();
        if (environmentsDiffer(m_state->row(repository), trainFrom(), trainTo()))
            services.append(repository);
    }
    return services;
}

QString BoardPage::summaryText() const {
    const int total = int(m_state->repositories().size());
    QString text = tr("%n repositories", nullptr, total);
    const QString from = trainFrom();
    const QString to = trainTo();
    if (!from.isEmpty()) {
        int differing = 0;
        for (const BoardRow& row : m_state->rows())
            differing += environmentsDiffer(row, from, to) ? 1 : 0;
        text += tr(", %1 where %2 ≠ %3").arg(differing).arg(from, to);
    }
    if (m_filter->rowCount() != total)
        text += tr(" (%1 shown)").arg(m_filter->rowCount());
    return text;
}

QString BoardPage::digestSeen(const QString& repository, const QString& environment) const {
    for (const BoardCell& cell : m_state->row(repository).cells) {
        if (cell.environment == environment)
            return cell.digest;
    }
    return {};
}

} // namespace berth::ui
