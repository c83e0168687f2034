#pragma once

// The release board's part of the window: the board page over the window's history thread,
// and the release train dialog its train button opens. A finished train refreshes the board.

#include "board/Projects.h"
#include "registry/RegistryOptions.h"

#include <QObject>

#include <functional>

class QWidget;

namespace berth {
class RepositoryLoader;
}

namespace berth::ui {

class BoardPage;
class TrainDialog;

class BoardActions : public QObject {
    Q_OBJECT
public:
    using OptionsFor = std::function<RegistryOptions(const QString& registry)>;

    // `loader` lends its history thread; `window` parents the page and the dialog.
    BoardActions(RepositoryLoader* loader, OptionsFor options, QWidget* window);

    BoardPage* page() const { return m_page; }
    void openProject(const Project& project);
    // The train dialog for the board's chosen rows (or every differing one); nullptr when
    // there is no service to ship.
    TrainDialog* openTrainDialog();

signals:
    void message(const QString& text, bool isError);

private:
    RepositoryLoader* m_loader;
    OptionsFor m_options;
    QWidget* m_window;
    BoardPage* m_page;
};

} // namespace berth::ui
