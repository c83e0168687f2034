#pragma once

// A strip below the timeline for what went wrong or what changed, with the registry's
// own words. Never modal: the user keeps working and closes it when read. Each message
// is one line of plain text, elided to the width it has (a registry's error body may be
// a page of HTML); the whole text is its tooltip. It never asks for more width.

#include <QFrame>
#include <QStringList>

class QLabel;
class QToolButton;

namespace berth::ui {

class ErrorBanner : public QFrame {
    Q_OBJECT
public:
    enum class Level { Error, Warning, Information };

    explicit ErrorBanner(QWidget* parent = nullptr);

    void showMessage(const QString& text, Level level = Level::Error);
    // Adds a line to what is shown (several warnings of one load).
    void appendMessage(const QString& text, Level level = Level::Warning);
    // Every message in full, one per line.
    QString text() const;
    Level level() const { return m_level; }

protected:
    void changeEvent(QEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void applyColours();
    // The messages, one elided line each, for the label's current width.
    void showLines();

    QLabel* m_icon;
    QLabel* m_label;
    QToolButton* m_close;
    Level m_level = Level::Error;
    QStringList m_messages;
};

} // namespace berth::ui
