#include "CommitLogPanel.h"

#include "TagChip.h"

#include "core/WhenFinished.h"
#include "git/CloneWebView.h"
#include "timeline/TimelineModel.h"

#include <QDesktopServices>
#include <QDir>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::StringLiterals;

namespace berth::ui {

namespace {

enum Column { SummaryColumn, AuthorColumn, DateColumn, IdColumn };

QString commitCount(int count) {
    return count == 1 ? u"1 commit"_s : u"%1 commits"_s.arg(count);
}

} // namespace

CommitLogPanel::CommitLogPanel(QWidget* parent)
    : QWidget(parent)
    , m_header(new QLabel(this))
    , m_tree(new QTreeWidget(this)) {
    setObjectName(u"commitLogPanel"_s);
    m_header->setObjectName(u"commitLogHeader"_s);
    m_header->setWordWrap(true);
    QFont bold = m_header->font();
    bold.setBold(true);
    m_header->setFont(bold);

    m_tree->setObjectName(u"commitLog"_s);
    m_tree->setHeaderLabels({u"Commit"_s, u"Author"_s, u"Date"_s, u"Id"_s});
    m_tree->setUniformRowHeights(true);
    m_tree->setIndentation(m_tree->indentation() / 2); // room for the summaries
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setExpandsOnDoubleClick(false); // double-click opens the commit instead
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(SummaryColumn, QHeaderView::Stretch);
    for (const int column : {AuthorColumn, DateColumn, IdColumn})
        m_tree->header()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    m_tree->setToolTip(u"+ what promoting the selected build to the environment would ship; "
                       u"− what it would take away. Double-click a commit to open it."_s);
    connect(m_tree, &QTreeWidget::itemActivated, this,
            [this](QTreeWidgetItem* item) { openItem(item); });

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_header);
    layout->addWidget(m_tree, 1);
    clear();
}

void CommitLogPanel::setClonePath(const QString& clonePath) {
    if (clonePath == m_clonePath)
        return;
    m_clonePath = clonePath;
    if (m_shown)
        compare();
}

void CommitLogPanel::clear() {
    ++m_generation;
    m_shown = false;
    m_busy = false;
    m_digest.clear();
    m_revision.clear();
    m_targets.clear();
    showMessage(u"Commits over each environment"_s);
}

void CommitLogPanel::showBuild(const TimelineModel& timeline, const QString& digest) {
    const Build* build = timeline.buildAt(timeline.rowOfDigest(digest));
    if (!build) {
        clear();
        return;
    }
    m_digest = digest;
    m_revision = build->revision;
    m_targets.clear();
    for (const EnvironmentLane& lane : timeline.lanes()) {
        if (lane.currentDigest.isEmpty())
            continue;
        const Build* running = timeline.buildAt(timeline.rowOfDigest(lane.currentDigest));
        m_targets.append({lane.tag, lane.currentDigest, running ? running->revision : QString()});
    }
    m_shown = true;
    compare();
}

void CommitLogPanel::showMessage(const QString& text) {
    m_tree->clear();
    m_header->setText(text);
}

void CommitLogPanel::compare() {
    const quint64 generation = ++m_generation;
    if (m_clonePath.isEmpty()) {
        m_busy = false;
        showMessage(u"Link a git clone to see the commits this build ships over each "
                    u"environment."_s);
        emit updated();
        return;
    }
    if (m_revision.isEmpty() || m_targets.isEmpty()) {
        m_busy = false;
        showMessage(m_revision.isEmpty()
                        ? u"This build names no commit: nothing to compare."_s
                        : u"No environment tag points at a build of this repository."_s);
        emit updated();
        return;
    }
    m_busy = true;
    showMessage(u"Comparing %1 with each environment…"_s.arg(m_revision.left(7)));
    const auto deliver = [this, generation](const Log& log) {
        if (generation != m_generation)
            return; // another build or clone was chosen meanwhile
        m_busy = false;
        showLog(log);
        emit updated();
    };
    whenFinished(this,
                 QtConcurrent::run([clone = m_clonePath, revision = m_revision, digest = m_digest,
                                    targets = m_targets] {
                     Log log;
                     for (const Target& target : targets) {
                         Comparison comparison{target};
                         if (target.digest != digest && !target.revision.isEmpty()) {
                             comparison.diff = RevisionDiff::compute(clone, target.revision,
                                                                     revision, kCommitsShown);
                         }
                         log.comparisons.append(std::move(comparison));
                     }
                     log.web = CloneWebView::of(clone);
                     return log;
                 }),
                 deliver);
}

void CommitLogPanel::showLog(const Log& log) {
    m_tree->clear();
    m_header->setText(u"Commits of %1 over each environment (clone: %2)"_s.arg(
        m_revision.left(7), QDir(m_clonePath).dirName()));
    QFont bold = m_tree->font();
    bold.setBold(true);
    for (const Comparison& comparison : log.comparisons) {
        const Target& target = comparison.target;
        auto* item = new QTreeWidgetItem(m_tree);
        item->setData(SummaryColumn, EnvironmentRole, target.environment);
        item->setFont(SummaryColumn, bold);
        item->setForeground(
            SummaryColumn,
            TagChip::colourOf({target.environment, TagKind::Environment}, palette()));
        item->setFirstColumnSpanned(true);
        QString text;
        if (target.digest == m_digest) {
            text = u"%1 runs this build"_s.arg(target.environment);
        } else if (target.revision.isEmpty()) {
            text = u"%1: its build names no commit"_s.arg(target.environment);
        } else if (!comparison.diff) {
            text = u"%1: %2"_s.arg(target.environment, comparison.diff.errorMessage());
            item->setToolTip(SummaryColumn, comparison.diff.errorMessage());
        } else {
            const CommitRange& range = comparison.diff->range;
            if (range.gained.totalCount == 0 && range.lost.totalCount == 0) {
                text = u"%1 runs the same commit"_s.arg(target.environment);
            } else {
                text = u"over %1: ships %2"_s.arg(target.environment,
                                                  commitCount(range.gained.totalCount));
                if (range.lost.totalCount > 0)
                    text += u", takes away %1"_s.arg(commitCount(range.lost.totalCount));
                if (!range.toDescendsFromFrom)
                    text += u" (not a descendant of what %1 runs)"_s.arg(target.environment);
            }
            addCommits(item, comparison, true, log.web);
            addCommits(item, comparison, false, log.web);
        }
        item->setText(SummaryColumn, text);
        item->setExpanded(true);
    }
}

void CommitLogPanel::addCommits(QTreeWidgetItem* parent, const Comparison& comparison, bool gained,
                                const std::optional<RemoteLocation>& web) {
    const CommitList& list = gained ? comparison.diff->range.gained : comparison.diff->range.lost;
    QColor lostColour = palette().color(QPalette::Text);
    lostColour.setAlphaF(0.6);
    for (const CommitInfo& commit : list.commits) {
        auto* item = new QTreeWidgetItem(parent);
        item->setText(SummaryColumn, (gained ? u"+ "_s : u"− "_s) + commit.summary);
        item->setText(AuthorColumn, commit.authorName);
        // The day is enough in a narrow column; the tooltip and the details have the time.
        item->setText(DateColumn, commit.time.toLocalTime().toString(u"yyyy-MM-dd"_s));
        item->setText(IdColumn, commit.shortId);
        item->setData(SummaryColumn, EnvironmentRole, comparison.target.environment);
        item->setData(SummaryColumn, CommitIdRole, commit.id);
        item->setData(SummaryColumn, DirectionRole, gained ? u"gained"_s : u"lost"_s);
        const QUrl url = web ? web->commitUrl(commit.id) : QUrl();
        item->setData(SummaryColumn, UrlRole, url);
        item->setToolTip(
            SummaryColumn,
            u"%1\n%2 <%3>, %4\n\n%5%6"_s.arg(
                commit.id, commit.authorName, commit.authorEmail,
                QLocale().toString(commit.time.toLocalTime(), QLocale::LongFormat),
                commit.message.trimmed(),
                url.isEmpty() ? QString() : u"\n\nDouble-click to open "_s + url.toString()));
        if (!gained) {
            for (int column = 0; column < m_tree->columnCount(); ++column)
                item->setForeground(column, lostColour);
        }
    }
    if (list.truncated()) {
        auto* more = new QTreeWidgetItem(parent);
        more->setText(SummaryColumn, u"… and %1 more"_s.arg(list.totalCount - list.commits.size()));
        more->setFlags(Qt::ItemIsEnabled);
    }
}

void CommitLogPanel::openItem(QTreeWidgetItem* item) {
    if (!item)
        return;
    const QUrl url = item->data(SummaryColumn, UrlRole).toUrl();
    if (!url.isEmpty())
        QDesktopServices::openUrl(url);
}

} // namespace berth::ui
