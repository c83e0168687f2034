#pragma once

// News for a user whose window is behind others (an environment moved by someone else):
// a tray message that brings the window back when clicked. In front the window's banner
// is enough, so nothing is shown then, nor where there is no system tray.

#include <QObject>
#include <QStringList>

class QSystemTrayIcon;
class QWidget;

namespace berth::ui {

class TrayNotifier : public QObject {
    Q_OBJECT
public:
    explicit TrayNotifier(QWidget* window);

    void notify(const QString& title, const QStringList& lines);

private:
    QWidget* m_window;
    QSystemTrayIcon* m_tray = nullptr; // created on the first notification
};

} // namespace berth::ui
