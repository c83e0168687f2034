#include "insights/DeliveryInsights.h"

#include "timeline/TimelineModel.h"

#include <QSet>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

// An audit row and the observation it produced are written a moment apart; Berth
// records the verified position after the move's audit row begins.
constexpr qint64 kActionToObservationSlackSeconds = 60;

QDateTime startOfWeek(const QDateTime& time) {
    const QDate day = time.toUTC().date();
    return QDateTime(day.addDays(1 - day.dayOfWeek()), QTime(0, 0), Qt::UTC);
}

bool inPeriod(const QDateTime& time, const QDateTime& since, const QDateTime& until) {
    return time >= since && time < until;
}

std::optional<qint64> medianOf(QList<qint64> values) {
    if (values.isEmpty())
        return std::nullopt;
    std::sort(values.begin(), values.end());
    const qsizetype middle = values.size() / 2;
    if (values.size() % 2 == 1)
        return values[middle];
    return (values[middle - 1] + values[middle]) / 2;
}

// The audit row of Berth's move onto `move`, if Berth made it.
const Action* actionOf(const QList<const Action*>& moves, const ProductionMove& move,
                       const QDateTime& previousFirstSeen, QSet<qint64>& used) {
    const Action* best = nullptr;
    for (const Action* action : moves) {
        if (used.contains(action->id) || action->toDigest != move.digest ||
            action->fromDigest != move.fromDigest)
            continue;
        if (action->time > move.time.addSecs(kActionToObservationSlackSeconds) ||
            (previousFirstSeen.isValid() && action->time < previousFirstSeen))
            continue;
        if (!best || action->time > best->time)
            best = action;
    }
    if (best)
        used.insert(best->id);
    return best;
}

// Every position of the tag in time order, each a move from the one before.
QList<ProductionMove> movesOf(const InsightsInput& input, const QString& environment,
                              QList<QDateTime>* lastSeen) {
    QList<TagPosition> positions = input.positions;
    std::sort(positions.begin(), positions.end(), [](const TagPosition& a, const TagPosition& b) {
        return a.firstSeen != b.firstSeen ? a.firstSeen < b.firstSeen : a.lastSeen < b.lastSeen;
    });
    QList<const Action*> berthMoves;
    for (const Action& action : input.actions)
        if (action.tag == environment && action.state == ActionState::Succeeded &&
            (action.kind == ActionKind::Promote || action.kind == ActionKind::Rollback))
            berthMoves.append(&action);

    QList<ProductionMove> moves;
    QSet<QString> ranBefore;
    QSet<qint64> usedActions;
    for (const TagPosition& position : positions) {
        if (position.tag != environment)
            continue;
        if (!moves.isEmpty() && moves.constLast().digest == position.digest) {
            lastSeen->last() = std::max(lastSeen->constLast(), position.lastSeen);
            continue;
        }
        ProductionMove move;
        move.repository = input.repository;
        move.time = position.firstSeen.toUTC();
        move.digest = position.digest;
        move.revision = input.revisions.value(position.digest);
        QDateTime previousFirstSeen;
        if (!moves.isEmpty()) {
            move.fromDigest = moves.constLast().digest;
            move.unseenSince = lastSeen->constLast();
            previousFirstSeen = moves.constLast().time;
            const Action* action = actionOf(berthMoves, move, previousFirstSeen, usedActions);
            move.actionId = action ? action->id : 0;
            const bool berthRollback = action && action->kind == ActionKind::Rollback;
            move.rollback = berthRollback || ranBefore.contains(move.digest);
            move.deployment = !move.rollback;
        }
        ranBefore.insert(move.digest);
        moves.append(move);
        lastSeen->append(position.lastSeen.toUTC());
    }
    return moves;
}

// The rollback or bad verdict within the failure window that makes deployment `index`
// a failure, and when production was next seen on a build not marked bad.
void judgeFailure(QList<ProductionMove>& moves, qsizetype index,
                  const QHash<QString, QDateTime>& markedBad, const QList<Action>& actions,
                  qint64 windowSeconds) {
    ProductionMove& deployed = moves[index];
    const QDateTime windowEnd = deployed.time.addSecs(windowSeconds);
    QStringList why;
    QDateTime failedAt;
    if (index + 1 < moves.size() && moves[index + 1].rollback &&
        moves[index + 1].time <= windowEnd) {
        QDateTime rolledBack = moves[index + 1].time;
        for (const Action& action : actions)
            if (action.id == moves[index + 1].actionId)
                rolledBack = std::min(rolledBack, action.time.toUTC());
        failedAt = rolledBack;
        why.append(u"rolled back"_s);
    }
    const auto bad = markedBad.constFind(deployed.digest);
    if (bad != markedBad.cend() && *bad >= deployed.time && *bad <= windowEnd) {
        failedAt = failedAt.isValid() ? std::min(failedAt, *bad) : *bad;
        why.append(u"marked bad"_s);
    }
    if (!failedAt.isValid())
        return;
    deployed.failedAt = failedAt;
    deployed.failure = why.join(u" and "_s);
    // Where production stood when the failure was known: already on a sound build, the
    // restore took no time; else the first move after it onto one.
    qsizetype current = index;
    while (current + 1 < moves.size() && moves[current + 1].time <= failedAt)
        ++current;
    if (current != index && !markedBad.contains(moves[current].digest)) {
        deployed.restoredAt = failedAt;
        return;
    }
    for (qsizetype later = current + 1; later < moves.size(); ++later)
        if (!markedBad.contains(moves[later].digest)) {
            deployed.restoredAt = moves[later].time;
            return;
        }
}

QList<ObservationGap> gapsOf(const QList<ProductionMove>& moves, const QList<QDateTime>& lastSeen,
                             const QDateTime& since, const QDateTime& until,
                             qint64 toleranceSeconds) {
    QList<ObservationGap> gaps;
    const auto addGap = [&](QDateTime from, QDateTime to) {
        from = std::max(from, since);
        to = std::min(to, until);
        if (from.secsTo(to) > toleranceSeconds)
            gaps.append({from, to});
    };
    if (moves.isEmpty()) {
        addGap(since, until);
        return gaps;
    }
    addGap(since, moves.constFirst().time);
    QDateTime coveredUntil = lastSeen.constFirst();
    for (qsizetype i = 1; i < moves.size(); ++i) {
        addGap(coveredUntil, moves[i].time);
        coveredUntil = std::max(coveredUntil, lastSeen[i]);
    }
    addGap(coveredUntil, until);
    return gaps;
}

QString isoUtc(const QDateTime& time) {
    return time.toUTC().toString(Qt::ISODate);
}

QString shortRevision(const QString& revision) {
    return revision.left(12);
}

// Lead times of every move's newly shipped commits, walking from the first move ever
// recorded so that commits shipped before the period are known as shipped.
void countLeadTimes(InsightsReport& report, QList<ProductionMove>& moves,
                    const ShippedCommitsOf& shipped) {
    QDateTime uncertainUntil; // commits authored before this may have shipped unseen
    int uncertain = 0;
    QStringList unreadable;
    for (ProductionMove& move : moves) {
        const bool counted = inPeriod(move.time, report.since, report.until) &&
                             move.time.isValid() && !move.fromDigest.isEmpty();
        if (move.revision.isEmpty()) {
            move.leadProblem = u"the build names no revision"_s;
            uncertainUntil = move.time;
            if (counted && move.deployment)
                unreadable.append(shortDigestOf(move.digest) + u": names no revision"_s);
            continue;
        }
        const Result<QList<ShippedCommit>> commits = shipped(move.revision);
        if (!commits) {
            move.leadProblem = commits.error().message;
            uncertainUntil = move.time;
            if (counted && move.deployment)
                unreadable.append(u"%1: %2 is not in the clone"_s.arg(
                    shortDigestOf(move.digest), shortRevision(move.revision)));
            continue;
        }
        if (!counted)
            continue;
        for (const ShippedCommit& commit : *commits) {
            if (uncertainUntil.isValid() && commit.authored <= uncertainUntil) {
                ++uncertain;
                continue;
            }
            LeadTime lead;
            lead.repository = move.repository;
            lead.commit = commit.id.toHex();
            lead.digest = move.digest;
            lead.authored = commit.authored;
            lead.deployed = move.time;
            lead.seconds = std::max<qint64>(0, commit.authored.secsTo(move.time));
            report.leadTimes.append(lead);
            ++move.commitsShipped;
        }
    }
    if (!unreadable.isEmpty())
        report.notes.append(
            u"Lead time leaves out deployments whose commits cannot be read (%1)"_s.arg(
                unreadable.join(u"; "_s)));
    if (uncertain > 0)
        report.notes.append(
            u"%1 commits are left out of lead time: they may have shipped with a build whose "
            "commits cannot be read, earlier than the history can prove"_s.arg(uncertain));
}

// A few gaps are named one by one; many, in one sentence with the longest.
void noteGaps(InsightsReport& report, const QString& repository) {
    constexpr qsizetype kNamedGaps = 3;
    const QString consequence = u"a move in that time is dated when it was first seen"_s;
    if (report.gaps.size() <= kNamedGaps) {
        for (const ObservationGap& gap : std::as_const(report.gaps))
            report.notes.append(u"Nobody looked at %1 in %2 from %3 to %4: %5"_s.arg(
                report.environment, repository, isoUtc(gap.from), isoUtc(gap.to), consequence));
        return;
    }
    const auto longest = std::max_element(report.gaps.cbegin(), report.gaps.cend(),
                                          [](const ObservationGap& a, const ObservationGap& b) {
                                              return a.from.secsTo(a.to) < b.from.secsTo(b.to);
                                          });
    report.notes.append(u"Nobody looked at %1 in %2 during %3 stretches of more than a day (the "
                        "longest from %4 to %5): %6"_s.arg(report.environment, repository)
                            .arg(report.gaps.size())
                            .arg(isoUtc(longest->from), isoUtc(longest->to), consequence));
}

// Every move, lead time and gap lands in its week in one pass: a long history has
// hundreds of weeks and hundreds of thousands of commits.
void countWeeks(InsightsReport& report) {
    report.weeks.clear();
    if (!report.since.isValid() || !report.until.isValid() || report.since >= report.until)
        return;
    const QDateTime first = startOfWeek(report.since);
    const qint64 firstSecond = first.toSecsSinceEpoch();
    constexpr qint64 kWeekSeconds = 7 * 24 * 3600;
    const qint64 count =
        (report.until.toSecsSinceEpoch() - firstSecond + kWeekSeconds - 1) / kWeekSeconds;
    const auto weekOf = [&](const QDateTime& time) -> qint64 {
        const qint64 week = (time.toSecsSinceEpoch() - firstSecond) / kWeekSeconds;
        return time.isValid() && time >= first && week < count ? week : -1;
    };
    report.weeks.resize(count);
    for (qint64 week = 0; week < count; ++week)
        report.weeks[week].monday = first.addDays(7 * week).date();
    for (const ProductionMove& move : std::as_const(report.moves)) {
        if (const qint64 week = weekOf(move.time); move.deployment && week >= 0) {
            ++report.weeks[week].deployments;
            report.weeks[week].failures += move.failed() ? 1 : 0;
        }
        if (const qint64 week = weekOf(move.restoredAt); week >= 0)
            ++report.weeks[week].restores;
    }
    QList<QList<qint64>> leads(count);
    for (const LeadTime& lead : std::as_const(report.leadTimes))
        if (const qint64 week = weekOf(lead.deployed); week >= 0)
            leads[week].append(lead.seconds);
    for (qint64 week = 0; week < count; ++week)
        report.weeks[week].medianLeadSeconds = medianOf(std::move(leads[week]));
    for (const ObservationGap& gap : std::as_const(report.gaps)) {
        const qint64 from = std::max<qint64>(0, weekOf(gap.from));
        // A gap ending exactly on a Monday does not touch the week that starts then.
        const bool endsOnWeekStart = (gap.to.toSecsSinceEpoch() - firstSecond) % kWeekSeconds == 0;
        const qint64 to =
            gap.to >= report.until ? count - 1 : weekOf(gap.to) - (endsOnWeekStart ? 1 : 0);
        for (qint64 week = from; week <= to; ++week)
            report.weeks[week].hasGap = true;
    }
}

} // namespace

std::optional<qint64> ProductionMove::restoreSeconds() const {
    if (!failedAt.isValid() || !restoredAt.isValid())
        return std::nullopt;
    return failedAt.secsTo(restoredAt);
}

int InsightsReport::deployments() const {
    return static_cast<int>(std::count_if(
        moves.cbegin(), moves.cend(), [](const ProductionMove& move) { return move.deployment; }));
}

int InsightsReport::failures() const {
    return static_cast<int>(
        std::count_if(moves.cbegin(), moves.cend(),
                      [](const ProductionMove& move) { return move.deployment && move.failed(); }));
}

double InsightsReport::deploymentsPerWeek() const {
    const double weeks = since.secsTo(until) / (7.0 * 24 * 3600);
    return weeks > 0 ? deployments() / weeks : 0.0;
}

std::optional<double> InsightsReport::changeFailureRate() const {
    const int deployed = deployments();
    if (deployed == 0)
        return std::nullopt;
    return static_cast<double>(failures()) / deployed;
}

DurationSummary InsightsReport::leadTime() const {
    QList<qint64> seconds;
    seconds.reserve(leadTimes.size());
    for (const LeadTime& lead : leadTimes)
        seconds.append(lead.seconds);
    return summarizeDurations(seconds);
}

DurationSummary InsightsReport::timeToRestore() const {
    QList<qint64> seconds;
    for (const ProductionMove& move : moves)
        if (move.deployment)
            if (const std::optional<qint64> restore = move.restoreSeconds())
                seconds.append(*restore);
    return summarizeDurations(seconds);
}

int InsightsReport::unrestoredFailures() const {
    return static_cast<int>(
        std::count_if(moves.cbegin(), moves.cend(), [](const ProductionMove& move) {
            return move.deployment && move.failed() && !move.restoredAt.isValid();
        }));
}

DurationSummary summarizeDurations(QList<qint64> seconds) {
    DurationSummary summary;
    summary.count = static_cast<int>(seconds.size());
    if (seconds.isEmpty())
        return summary;
    std::sort(seconds.begin(), seconds.end());
    summary.median = medianOf(seconds);
    const auto rank = static_cast<qsizetype>(std::ceil(0.9 * static_cast<double>(seconds.size())));
    summary.p90 = seconds[std::max<qsizetype>(rank, 1) - 1];
    summary.worst = seconds.constLast();
    return summary;
}

InsightsReport computeInsights(const InsightsInput& input, const InsightsOptions& options,
                               const ShippedCommitsOf& shipped) {
    InsightsReport report;
    report.repositories = {input.repository};
    report.environment = options.environment;
    report.failureWindowSeconds = options.failureWindowSeconds;
    QList<QDateTime> lastSeen;
    QList<ProductionMove> moves = movesOf(input, options.environment, &lastSeen);
    report.until =
        options.until.isValid() ? options.until.toUTC() : QDateTime::currentDateTimeUtc();
    report.since = options.since.isValid() ? options.since.toUTC()
                   : !moves.isEmpty()      ? moves.constFirst().time
                                           : report.until.addDays(-7);
    if (moves.isEmpty()) {
        report.notes.append(
            u"The history has never seen %1 in %2"_s.arg(options.environment, input.repository));
        report.gaps =
            gapsOf(moves, lastSeen, report.since, report.until, options.gapToleranceSeconds);
        countWeeks(report);
        return report;
    }

    QHash<QString, QDateTime> markedBad;
    for (const Verdict& verdict : input.verdicts)
        if (verdict.environment == options.environment && verdict.verdict == VerdictKind::Bad)
            markedBad.insert(verdict.digest, verdict.time.toUTC());
    for (qsizetype i = 0; i < moves.size(); ++i)
        if (moves[i].deployment)
            judgeFailure(moves, i, markedBad, input.actions, options.failureWindowSeconds);

    if (shipped) {
        countLeadTimes(report, moves, shipped);
    } else {
        report.needsClone = true;
        report.notes.append(u"Lead time needs the service's git clone (link one, or berthctl "
                            "insights --git <clone>)"_s);
    }
    if (moves.constFirst().time > report.since)
        report.notes.append(u"%1 was first seen in %2 on %3; what ran before is unknown"_s.arg(
            options.environment, input.repository, isoUtc(moves.constFirst().time)));

    report.gaps = gapsOf(moves, lastSeen, report.since, report.until, options.gapToleranceSeconds);
    noteGaps(report, input.repository);
    // The first position is where the history begins, not a move anyone saw happen.
    for (qsizetype i = 1; i < moves.size(); ++i)
        if (inPeriod(moves[i].time, report.since, report.until))
            report.moves.append(moves[i]);
    const int unrestored = report.unrestoredFailures();
    if (unrestored > 0)
        report.notes.append(u"%1 failed deployments are not restored yet and are not in the time "
                            "to restore"_s.arg(unrestored));
    countWeeks(report);
    return report;
}

InsightsReport combineInsights(const QList<InsightsReport>& reports) {
    InsightsReport combined;
    if (reports.isEmpty())
        return combined;
    combined.environment = reports.constFirst().environment;
    combined.since = reports.constFirst().since;
    combined.until = reports.constFirst().until;
    combined.failureWindowSeconds = reports.constFirst().failureWindowSeconds;
    for (const InsightsReport& report : reports) {
        combined.repositories += report.repositories;
        combined.moves += report.moves;
        combined.leadTimes += report.leadTimes;
        combined.gaps += report.gaps;
        combined.notes += report.notes;
        combined.needsClone = combined.needsClone || report.needsClone;
    }
    std::stable_sort(
        combined.moves.begin(), combined.moves.end(),
        [](const ProductionMove& a, const ProductionMove& b) { return a.time < b.time; });
    countWeeks(combined);
    return combined;
}

} // namespace berth
