#include "insights/InsightsJson.h"

#include "insights/DeliveryInsights.h"
#include "insights/InsightsText.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

QJsonValue timeValue(const QDateTime& time) {
    return time.isValid() ? QJsonValue(time.toUTC().toString(Qt::ISODate)) : QJsonValue();
}

QJsonValue secondsValue(std::optional<qint64> seconds) {
    return seconds ? QJsonValue(*seconds) : QJsonValue();
}

QJsonObject durationsJson(const DurationSummary& summary) {
    return {{u"count"_s, summary.count},
            {u"median_seconds"_s, secondsValue(summary.median)},
            {u"p90_seconds"_s, secondsValue(summary.p90)},
            {u"worst_seconds"_s, secondsValue(summary.worst)}};
}

QJsonObject moveJson(const ProductionMove& move) {
    QJsonObject object{{u"repository"_s, move.repository},
                       {u"time"_s, timeValue(move.time)},
                       {u"unseen_since"_s, timeValue(move.unseenSince)},
                       {u"from"_s, move.fromDigest},
                       {u"to"_s, move.digest},
                       {u"revision"_s, move.revision},
                       {u"deployment"_s, move.deployment},
                       {u"rollback"_s, move.rollback},
                       {u"by_berth"_s, move.actionId != 0},
                       {u"action_id"_s, move.actionId}};
    if (move.deployment) {
        object.insert(u"commits_shipped"_s, move.commitsShipped);
        object.insert(u"lead_problem"_s, move.leadProblem);
        object.insert(u"failed_at"_s, timeValue(move.failedAt));
        object.insert(u"failure"_s, move.failure);
        object.insert(u"restored_at"_s, timeValue(move.restoredAt));
        object.insert(u"restore_seconds"_s, secondsValue(move.restoreSeconds()));
    }
    return object;
}

} // namespace

QJsonObject insightsToJson(const InsightsReport& report) {
    QJsonArray weeks;
    for (const InsightsWeek& week : report.weeks)
        weeks.append(QJsonObject{{u"week"_s, week.monday.toString(Qt::ISODate)},
                                 {u"deployments"_s, week.deployments},
                                 {u"failures"_s, week.failures},
                                 {u"restores"_s, week.restores},
                                 {u"median_lead_seconds"_s, secondsValue(week.medianLeadSeconds)},
                                 {u"gap"_s, week.hasGap}});
    QJsonArray moves;
    for (const ProductionMove& move : report.moves)
        moves.append(moveJson(move));
    QJsonArray leads;
    for (const LeadTime& lead : report.leadTimes)
        leads.append(QJsonObject{{u"repository"_s, lead.repository},
                                 {u"commit"_s, lead.commit},
                                 {u"digest"_s, lead.digest},
                                 {u"authored"_s, timeValue(lead.authored)},
                                 {u"deployed"_s, timeValue(lead.deployed)},
                                 {u"seconds"_s, lead.seconds}});
    QJsonArray gaps;
    for (const ObservationGap& gap : report.gaps)
        gaps.append(QJsonObject{{u"from"_s, timeValue(gap.from)}, {u"to"_s, timeValue(gap.to)}});
    const std::optional<double> rate = report.changeFailureRate();
    return {
        {u"repositories"_s, QJsonArray::fromStringList(report.repositories)},
        {u"environment"_s, report.environment},
        {u"since"_s, timeValue(report.since)},
        {u"until"_s, timeValue(report.until)},
        {u"deployment_frequency"_s,
         QJsonObject{{u"deployments"_s, report.deployments()},
                     {u"per_week"_s, report.deploymentsPerWeek()},
                     {u"definition"_s, deploymentFrequencyDefinition()}}},
        {u"lead_time"_s,
         [&] {
             QJsonObject lead = durationsJson(report.leadTime());
             lead.insert(u"needs_clone"_s, report.needsClone);
             lead.insert(u"definition"_s, leadTimeDefinition());
             return lead;
         }()},
        {u"change_failure_rate"_s,
         QJsonObject{{u"failures"_s, report.failures()},
                     {u"deployments"_s, report.deployments()},
                     {u"rate"_s, rate ? QJsonValue(*rate) : QJsonValue()},
                     {u"window_seconds"_s, report.failureWindowSeconds},
                     {u"definition"_s, changeFailureRateDefinition(report.failureWindowSeconds)}}},
        {u"time_to_restore"_s,
         [&] {
             QJsonObject restore = durationsJson(report.timeToRestore());
             restore.insert(u"not_restored"_s, report.unrestoredFailures());
             restore.insert(u"definition"_s, timeToRestoreDefinition());
             return restore;
         }()},
        {u"weeks"_s, weeks},
        {u"moves"_s, moves},
        {u"lead_times"_s, leads},
        {u"gaps"_s, gaps},
        {u"notes"_s, QJsonArray::fromStringList(report.notes)},
    };
}

QString insightsWeeksCsv(const InsightsReport& report) {
    QString csv = u"week,deployments,failures,restores,median_lead_seconds,observed\n"_s;
    for (const InsightsWeek& week : report.weeks)
        csv +=
            u"%1,%2,%3,%4,%5,%6\n"_s.arg(week.monday.toString(Qt::ISODate))
                .arg(week.deployments)
                .arg(week.failures)
                .arg(week.restores)
                .arg(week.medianLeadSeconds ? QString::number(*week.medianLeadSeconds) : QString())
                .arg(week.hasGap ? u"partly"_s : u"fully"_s);
    return csv;
}

} // namespace berth
