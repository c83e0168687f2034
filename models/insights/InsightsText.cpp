#include "insights/InsightsText.h"

#include "insights/DeliveryInsights.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace berth {

QString durationText(std::optional<qint64> seconds) {
    if (!seconds)
        return u"-"_s;
    const qint64 total = std::max<qint64>(0, *seconds);
    const qint64 days = total / 86400;
    const qint64 hours = total % 86400 / 3600;
    const qint64 minutes = total % 3600 / 60;
    if (days > 0)
        return hours > 0 ? u"%1d %2h"_s.arg(days).arg(hours) : u"%1d"_s.arg(days);
    if (hours > 0)
        return minutes > 0 ? u"%1h %2m"_s.arg(hours).arg(minutes) : u"%1h"_s.arg(hours);
    if (minutes > 0)
        return total % 60 > 0 ? u"%1m %2s"_s.arg(minutes).arg(total % 60) : u"%1m"_s.arg(minutes);
    return u"%1s"_s.arg(total);
}

QString deploymentFrequencyDefinition() {
    return u"Deployments: moves of the environment onto a build it had never run, dated when "
           "first seen there. Rollbacks and returns to an earlier build are not deployments."_s;
}

QString leadTimeDefinition() {
    return u"Lead time for changes: for each commit that reached the environment, from its "
           "author date to the first deployment whose build contains it (needs the linked "
           "clone). A commit shipped twice counts once. Median, and p90 by nearest rank."_s;
}

QString changeFailureRateDefinition(qint64 failureWindowSeconds) {
    return u"Change failure rate: the share of deployments followed within %1 by a rollback "
           "away from them or a \"bad\" verdict on them in this environment."_s.arg(
               durationText(failureWindowSeconds));
}

QString timeToRestoreDefinition() {
    return u"Time to restore: from the rollback or bad verdict (whichever came first) to the "
           "first time the environment was seen on a build not marked bad. Median and worst; "
           "failures not yet restored are counted apart."_s;
}

QString deploymentFrequencyText(const InsightsReport& report) {
    return u"%1 deployments, %2 per week"_s.arg(report.deployments())
        .arg(report.deploymentsPerWeek(), 0, 'f', 1);
}

QString leadTimeText(const InsightsReport& report) {
    if (report.needsClone)
        return u"needs the service's git clone"_s;
    const DurationSummary lead = report.leadTime();
    if (lead.count == 0)
        return u"no commit reached it in the period"_s;
    return u"median %1, p90 %2 (%3 commits)"_s
        .arg(durationText(lead.median), durationText(lead.p90))
        .arg(lead.count);
}

QString changeFailureRateText(const InsightsReport& report) {
    const std::optional<double> rate = report.changeFailureRate();
    if (!rate)
        return u"no deployments in the period"_s;
    return u"%1% (%2 of %3)"_s.arg(std::lround(*rate * 100))
        .arg(report.failures())
        .arg(report.deployments());
}

QString timeToRestoreText(const InsightsReport& report) {
    const DurationSummary restore = report.timeToRestore();
    const int open = report.unrestoredFailures();
    if (restore.count == 0)
        return open > 0 ? u"%1 failures not restored yet"_s.arg(open) : u"no failures"_s;
    QString text = u"median %1, worst %2 (%3 restored)"_s
                       .arg(durationText(restore.median), durationText(restore.worst))
                       .arg(restore.count);
    if (open > 0)
        text += u", %1 not yet"_s.arg(open);
    return text;
}

} // namespace berth
