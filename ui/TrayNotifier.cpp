#include "TrayNotifier.h"

#include <QStyle>
#include <QSystemTrayIcon>
#include <QWidget>

using namespace Qt::StringLiterals;

namespace berth::ui {

TrayNotifier::TrayNotifier(QWidget* window)
    : QObject(window)
    , m_window(window) {
}

void TrayNotifier::notify(const QString& title, const QStringList& lines) {
    if (lines.isEmpty() || m_window->isActiveWindow() || !QSystemTrayIcon::isSystemTrayAvailable())
        return;
    if (!m_tray) {
        m_tray = new QSystemTrayIcon(this);
        QIcon icon = m_window->windowIcon();
        if (icon.isNull())
            icon = m_window->style()->standardIcon(QStyle::SP_MessageBoxInformation);
        m_tray->setIcon(icon);
        m_tray->setToolTip(u"Berth"_s);
        connect(m_tray, &QSystemTrayIcon::messageClicked, m_window, [window = m_window] {
            window->showNormal();
            window->raise();
            window->activateWindow();
        });
    }
    m_tray->show();
    m_tray->showMessage(title, lines.join(u'\n'), QSystemTrayIcon::Information);
}

} // namespace berth::ui
