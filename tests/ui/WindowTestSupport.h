#pragma once

// What the window tests share: a shown main window on a history database of its own,
// and waiting for its loads without sleeps.

#include "MainWindow.h"

#include "timeline/RepositoryLoader.h"

#include <QSignalSpy>

#include <memory>

namespace berth::test {

// A shown window recording into `historyPath`, so every test starts cold.
inline std::unique_ptr<ui::MainWindow> openWindow(const QString& historyPath, const QSize& size) {
    auto window = std::make_unique<ui::MainWindow>();
    window->loader()->setHistoryLocation(historyPath);
    window->resize(size);
    window->show();
    return window;
}

// Opens `repository` and waits until the load finished.
inline bool load(ui::MainWindow& window, const QString& repository) {
    QSignalSpy finished(window.loader(), &RepositoryLoader::finished);
    window.openRepository(repository);
    return finished.count() > 0 || finished.wait(60000);
}

// Refreshes the open repository and waits until the load finished.
inline bool refresh(ui::MainWindow& window) {
    QSignalSpy finished(window.loader(), &RepositoryLoader::finished);
    window.refresh();
    return finished.count() > 0 || finished.wait(60000);
}

} // namespace berth::test
