#pragma once

// In the details panel, the proof that an immutable tag moved: for each such tag on the
// selected build (or moved off it), every move the history recorded, when, from which
// build to which, who saw it first, and whether Berth made it or it happened outside
// Berth. Hidden for a build no moved tag concerns.

#include "timeline/TagHealth.h"

#include <QWidget>

class QLabel;
class QTreeWidget;

namespace berth::ui {

class TagMovesView : public QWidget {
    Q_OBJECT
public:
    enum Column { WhenColumn, TagColumn, FromColumn, ToColumn, SeenByColumn, MadeByColumn };

    explicit TagMovesView(QWidget* parent = nullptr);

    void showAlarms(const QList<TagAlarm>& alarms);
    void clear() { showAlarms({}); }

    // "⚠ v1.0.0 moved onto this build", one line per tag; empty when hidden.
    QString headline() const;
    QTreeWidget* list() const { return m_list; }

    // How a move's time reads: local time, or that only this read has seen it.
    static QString whenText(const TagLintMove& move);
    // Who made the move: the audit's "promote by alice", else "outside Berth".
    static QString madeByText(const TagLintMove& move);

private:
    void fitRows();

    QLabel* m_headline;
    QTreeWidget* m_list;
};

} // namespace berth::ui
