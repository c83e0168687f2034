#pragma once

// One line per environment tag above the timeline: the build it runs now and the
// builds it ran before, newest first, each a button that selects that build. Answers
// "what was production yesterday?" without a query.

#include "engine/RunningReport.h"
#include "timeline/EnvironmentLane.h"

#include <QFrame>

class QGridLayout;

namespace berth {
class TimelineModel;
}

namespace berth::ui {

class EnvironmentLanes : public QFrame {
    Q_OBJECT
public:
    explicit EnvironmentLanes(QWidget* parent = nullptr);

    // `timeline` names the builds (by version tag where there is one).
    void setLanes(const QList<EnvironmentLane>& lanes, const TimelineModel* timeline);
    int laneCount() const { return int(m_lanes.size()); }
    // What the environments' engines run: a "running" line under each lane that has
    // containers or an engine that did not answer, with the drift from the tag in warning
    // colours. Empty: no line (no engine was read).
    void setRunning(const QList<EnvironmentRunning>& running);
    // The running line's text for `environment`, empty when it has none.
    QString runningText(const QString& environment) const;

    // Past positions given a button each; those the width cannot hold are hidden.
    static constexpr int kPastPositionsShown = 6;

signals:
    void buildRequested(const QString& digest);
    // The lane's "Roll back" button: the window picks the target from history.
    void rollbackRequested(const QString& environment);
    // The same button's menu: roll back and mark the build being left bad, as one action.
    void rollbackAndMarkBadRequested(const QString& environment);

private:
    QWidget* rollbackButton(const EnvironmentLane& lane);
    // The positions before the current one, from `firstPast` on, as many as fit whole.
    QWidget* pastPositions(const EnvironmentLane& lane, int firstPast,
                           const TimelineModel* timeline);
    // `until`: when the lane moved away (past positions only).
    QWidget* positionButton(const LanePosition& position, const QDateTime& until, bool current,
                            const QString& lane, const TimelineModel* timeline);

    QWidget* runningLine(const EnvironmentRunning& running, const TimelineModel* timeline);

    QGridLayout* m_grid;
    QList<EnvironmentLane> m_lanes;
    const TimelineModel* m_timeline = nullptr;
    QList<EnvironmentRunning> m_running;
};

} // namespace berth::ui
