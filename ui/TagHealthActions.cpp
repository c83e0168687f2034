#include "TagHealthActions.h"

#include "DetailsPanel.h"
#include "TagHealthDialog.h"
#include "TagMovesView.h"
#include "TimelineDelegate.h"
#include "TimelineView.h"

#include "timeline/RepositoryLoader.h"
#include "timeline/TagHealthModel.h"
#include "timeline/TimelineModel.h"

#include <QAction>
#include <QStyle>
#include <QWidget>

using namespace Qt::StringLiterals;

namespace berth::ui {

TagHealthActions::TagHealthActions(RepositoryLoader* loader, const TimelineModel* timeline,
                                   TimelineView* view, DetailsPanel* details, QWidget* window)
    : QObject(window)
    , m_timeline(timeline)
    , m_view(view)
    , m_details(details)
    , m_window(window)
    , m_model(new TagHealthModel(this))
    , m_action(new QAction(u"Tag health"_s, this)) {
    m_action->setObjectName(u"tagHealthAction"_s);
    m_action->setShortcut(QKeySequence(u"Ctrl+H"_s));
    m_action->setToolTip(u"Every tag that breaks the tag policy, and every build it concerns "
                         u"(Ctrl+H)"_s);
    m_action->setIcon(window->style()->standardIcon(QStyle::SP_MessageBoxWarning));
    connect(m_action, &QAction::triggered, this, &TagHealthActions::showDialog);

    if (auto* delegate = qobject_cast<TimelineDelegate*>(view->itemDelegate()))
        delegate->setTagHealth(m_model);
    // The history's last view is linted too: a moved release shows before the registry
    // answers.
    connect(loader, &RepositoryLoader::restored, m_model, &TagHealthModel::setRepository);
    connect(loader, &RepositoryLoader::loaded, m_model, &TagHealthModel::setRepository);
    connect(m_model, &TagHealthModel::findingsChanged, this, &TagHealthActions::findingsChanged);
    findingsChanged();
}

void TagHealthActions::showDialog() {
    if (!m_dialog) {
        m_dialog = new TagHealthDialog(m_model, m_window);
        connect(m_dialog, &TagHealthDialog::buildRequested, this,
                &TagHealthActions::selectFirstShown);
    }
    m_dialog->show();
    m_dialog->raise();
    m_dialog->activateWindow();
}

void TagHealthActions::showBuild(const QString& digest) {
    m_shownDigest = digest;
    m_details->tagMovesView()->showAlarms(digest.isEmpty() ? QList<TagAlarm>{}
                                                           : m_model->health().alarmsOn(digest));
}

void TagHealthActions::clear() {
    m_model->clear();
}

void TagHealthActions::findingsChanged() {
    const int errors = m_model->errorCount();
    // The count is on the toolbar so an alarm is seen without opening the view.
    m_action->setText(
        errors > 0 ? u"Tag health (%1 error%2)"_s.arg(errors).arg(errors == 1 ? QString() : u"s"_s)
                   : u"Tag health"_s);
    m_view->viewport()->update();
    showBuild(m_shownDigest);
}

void TagHealthActions::selectFirstShown(const QStringList& digests) {
    for (const QString& digest : digests) {
        if (m_timeline->rowOfDigest(digest) >= 0)
            return emit buildRequested(digest);
    }
}

} // namespace berth::ui
