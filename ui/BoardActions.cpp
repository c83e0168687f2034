#include "BoardActions.h"

#include "BoardPage.h"
#include "TrainDialog.h"

#include "timeline/RepositoryLoader.h"

#include <QPointer>

using namespace Qt::StringLiterals;

namespace berth::ui {

BoardActions::BoardActions(RepositoryLoader* loader, OptionsFor options, QWidget* window)
    : QObject(window)
    , m_loader(loader)
    , m_options(std::move(options))
    , m_window(window)
    , m_page(new BoardPage(
          [loader = QPointer<RepositoryLoader>(loader)]() -> HistoryThread* {
              return loader ? loader->historyThread() : nullptr;
          },
          m_options, window)) {
    m_page->setObjectName(u"boardPage"_s);
    connect(m_page, &BoardPage::trainRequested, this, &BoardActions::openTrainDialog);
    connect(m_page, &BoardPage::problem, this,
            [this](const QString& text) { emit message(text, true); });
}

void BoardActions::openProject(const Project& project) {
    m_page->showProject(project);
}

TrainDialog* BoardActions::openTrainDialog() {
    TrainDialog::Request request;
    request.services = m_page->trainServices();
    request.from = m_page->trainFrom();
    request.to = m_page->trainTo();
    if (request.services.isEmpty() || request.from.isEmpty()) {
        emit message(tr("No service to ship: select rows, or show some where %1 ≠ %2.")
                         .arg(request.from, request.to),
                     false);
        return nullptr;
    }
    for (const QString& service : std::as_const(request.services)) {
        request.seen.insert(service, m_page->digestSeen(service, request.to));
        const QString registry = service.section(u'/', 0, 0);
        if (!request.options.contains(registry))
            request.options.insert(registry, m_options(registry));
    }
    auto* dialog = new TrainDialog(request, m_loader->historyThread(), m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &TrainDialog::trainFinished, this, [this](qint64, const QString& summary) {
        emit message(summary, false);
        m_page->refresh();
    });
    dialog->show();
    dialog->start();
    return dialog;
}

} // namespace berth::ui
