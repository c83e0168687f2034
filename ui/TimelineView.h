#pragma once

// The centre of the window: the builds of one repository as a list of uniform rows
// painted by TimelineDelegate. Reports the build the user selects by digest, so the
// rest of the window never holds proxy indexes.

#include <QListView>

class QLabel;

namespace berth::ui {

class TimelineView : public QListView {
    Q_OBJECT
public:
    explicit TimelineView(QWidget* parent = nullptr);

    void setModel(QAbstractItemModel* model) override;
    QString currentDigest() const;
    // Selects and shows the build; false when it is not in the (filtered) list.
    bool selectDigest(const QString& digest);
    // Said in the middle of the list while it has no rows (e.g. "No builds match …");
    // empty says nothing.
    void setEmptyText(const QString& text);
    QString emptyText() const;

signals:
    void currentBuildChanged(const QString& digest); // empty when nothing is selected

protected:
    void changeEvent(QEvent* event) override;

private:
    void updateEmptyText();

    QLabel* m_empty;
};

} // namespace berth::ui
