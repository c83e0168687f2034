#include "release/RollbackPlanner.h"

#include "release/ReleaseTypes.h"

using namespace Qt::StringLiterals;

namespace berth {

namespace {

QString shortDigest(const QString& digest) {
    return digest.section(u':', 1).left(12);
}

QString timeText(const QDateTime& time) {
    return time.toUTC().toString(u"yyyy-MM-dd HH:mm"_s) + u" UTC"_s;
}

// The rollback that ended `position`: one that moved the tag away from its digest after
// it got there and no later than the next position began. A position the tag reached
// again by a deliberate promotion after that starts later, so it is not matched.
const Action* rollbackLeaving(const TagPosition& position, const QDateTime& nextBegan,
                              const QString& environment, const QList<Action>& actions) {
    for (const Action& action : actions) {
        if (action.kind != ActionKind::Rollback || action.state != ActionState::Succeeded ||
            action.tag != environment || action.fromDigest != position.digest)
            continue;
        if (action.time < position.firstSeen)
            continue;
        if (nextBegan.isValid() && action.time > nextBegan)
            continue;
        return &action;
    }
    return nullptr;
}

} // namespace

RollbackTarget findRollbackTarget(const QString& environment, const QString& currentDigest,
                                  const RollbackFacts& facts) {
    const QHash<QString, Verdict> verdicts = latestVerdictsFor(facts.verdicts, environment);
    RollbackTarget target;
    QDateTime nextBegan; // when the position after the one looked at began
    for (const TagPosition& position : facts.history) {
        const QDateTime began = position.firstSeen;
        const auto skip = [&](SkipReason reason, const QString& why) {
            target.skipped.append({position.digest, began, reason, why});
            nextBegan = began;
        };
        if (position.digest == currentDigest) {
            skip(SkipReason::Current, u"the build being rolled back from"_s);
            continue;
        }
        const auto verdict = verdicts.constFind(position.digest);
        if (verdict != verdicts.constEnd() && verdict->verdict == VerdictKind::Bad) {
            ++target.skippedBad;
            skip(SkipReason::MarkedBad, describeVerdict(*verdict));
            continue;
        }
        if (const Action* left = rollbackLeaving(position, nextBegan, environment, facts.actions)) {
            skip(SkipReason::LeftByRollback,
                 u"rolled back from by %1 at %2%3"_s.arg(
                     left->user, timeText(left->time),
                     left->reason.isEmpty() ? QString() : u": "_s + left->reason));
            continue;
        }
        target.digest = position.digest;
        target.since = position.firstSeen;
        target.until = position.lastSeen;
        return target;
    }
    return target;
}

Result<RollbackTarget> chooseRollbackTarget(const QString& environment,
                                            const QString& currentDigest,
                                            const RollbackFacts& facts) {
    RollbackTarget target = findRollbackTarget(environment, currentDigest, facts);
    if (!target.digest.isEmpty())
        return target;
    QString why = u"Berth has not seen %1 point anywhere else"_s.arg(environment);
    if (!target.skipped.isEmpty()) {
        QStringList passed;
        for (const SkippedBuild& skipped : std::as_const(target.skipped)) {
            if (skipped.reason != SkipReason::Current)
                passed.append(u"%1 (%2)"_s.arg(shortDigest(skipped.digest), skipped.why));
        }
        if (!passed.isEmpty())
            why = u"every earlier position was passed over: %1"_s.arg(passed.join(u"; "_s));
    }
    return Result<RollbackTarget>::failure(
        Outcome::Refused, u"No rollback target for %1: %2."_s.arg(environment, why));
}

QHash<QString, Verdict> latestVerdictsFor(const QList<Verdict>& verdicts,
                                          const QString& environment) {
    QHash<QString, Verdict> latest;
    for (const Verdict& verdict : verdicts) {
        if (verdict.environment != environment)
            continue;
        const auto found = latest.constFind(verdict.digest);
        if (found == latest.constEnd() || found->time <= verdict.time)
            latest.insert(verdict.digest, verdict);
    }
    return latest;
}

QSet<QString> badDigestsFor(const QList<Verdict>& verdicts, const QString& environment) {
    QSet<QString> bad;
    for (const Verdict& verdict : latestVerdictsFor(verdicts, environment)) {
        if (verdict.verdict == VerdictKind::Bad)
            bad.insert(verdict.digest);
    }
    return bad;
}

QString describeVerdict(const Verdict& verdict) {
    QString text = u"marked %1 for %2"_s.arg(verdictKindName(verdict.verdict), verdict.environment);
    if (!verdict.user.isEmpty())
        text += u" by "_s + verdict.user;
    if (verdict.time.isValid())
        text += u" at "_s + timeText(verdict.time);
    if (!verdict.reason.isEmpty())
        text += u": "_s + verdict.reason;
    return text;
}

} // namespace berth
