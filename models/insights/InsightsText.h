#pragma once

// The insights in words, shared by berthctl and the window: durations at a glance
// ("2d 3h"), and each figure's definition for a tooltip.

#include <QString>

#include <optional>

namespace berth {

struct InsightsReport;

// The two largest units: "2d 3h", "5h 12m", "4m 10s", "30s"; "-" for none.
QString durationText(std::optional<qint64> seconds);

// What each figure counts, as the README defines it.
QString deploymentFrequencyDefinition();
QString leadTimeDefinition();
QString changeFailureRateDefinition(qint64 failureWindowSeconds);
QString timeToRestoreDefinition();

// The four figures, one line each, for a terminal or a summary label.
QString deploymentFrequencyText(const InsightsReport& report);
QString leadTimeText(const InsightsReport& report);
QString changeFailureRateText(const InsightsReport& report);
QString timeToRestoreText(const InsightsReport& report);

} // namespace berth
