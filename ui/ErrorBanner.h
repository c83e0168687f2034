#pragma once

// A strip above the timeline for what went wrong or what changed, with the registry's
// own words. Never modal: the user keeps working and closes it when read.

#include <QFrame>

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
    QString text() const;
    Level level() const { return m_level; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyColours();

    QLabel* m_icon;
    QLabel* m_label;
    QToolButton* m_close;
    Level m_level = Level::Error;
};

} // namespace berth::ui
