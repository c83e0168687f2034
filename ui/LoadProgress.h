#pragma once

// Shows how far a repository load is (requests done of requests known) and offers to
// cancel it. Lives in the status bar; hidden when nothing is loading.

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace berth::ui {

class LoadProgress : public QWidget {
    Q_OBJECT
public:
    explicit LoadProgress(QWidget* parent = nullptr);

    void start(const QString& repository);
    void setProgress(int finished, int total);
    void stop();

    QProgressBar* bar() const { return m_bar; }
    QPushButton* cancelButton() const { return m_cancel; }

signals:
    void cancelRequested();

private:
    QLabel* m_label;
    QProgressBar* m_bar;
    QPushButton* m_cancel;
};

} // namespace berth::ui
