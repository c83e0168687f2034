#pragma once

// The insights report for machines: berthctl insights --json and --csv.

#include <QJsonObject>
#include <QString>

namespace berth {

struct InsightsReport;

// Every figure with its definition, the weeks, the moves behind them, the lead time of
// each commit, the gaps and the notes. Times are ISO-8601 UTC, durations in seconds.
QJsonObject insightsToJson(const InsightsReport& report);

// One row per week: week,deployments,failures,restores,median_lead_seconds,observed.
QString insightsWeeksCsv(const InsightsReport& report);

} // namespace berth
