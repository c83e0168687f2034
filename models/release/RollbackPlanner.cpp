#include "release/RollbackPlanner.h"

#include "release/ReleaseTypes.h"

#include <QHash>

using namespace Qt::StringLiterals;

namespace berth {

Result<RollbackTarget> chooseRollbackTarget(const QList<TagPosition>& history,
                                            const QString& currentDigest,
                                            const QSet<QString>& badDigests) {
    RollbackTarget target;
    for (const TagPosition& position : history) {
        if (position.digest == currentDigest)
            continue;
        if (badDigests.contains(position.digest)) {
            ++target.skippedBad;
            continue;
        }
        target.digest = position.digest;
        target.since = position.firstSeen;
        target.until = position.lastSeen;
        return target;
    }
    const QString why = target.skippedBad > 0
                            ? u"every earlier position (%1) is marked bad"_s.arg(target.skippedBad)
                            : u"Berth has not seen it point anywhere else"_s;
    return Result<RollbackTarget>::failure(
        u"No rollback target: %1. Choose the build explicitly (--to <tag or digest>)."_s.arg(why),
        0, kRefusedCode);
}

QSet<QString> badDigestsFor(const QList<Verdict>& verdicts, const QString& environment) {
    QHash<QString, Verdict> latest;
    for (const Verdict& verdict : verdicts) {
        if (verdict.environment != environment)
            continue;
        const auto found = latest.constFind(verdict.digest);
        if (found == latest.constEnd() || found->time <= verdict.time)
            latest.insert(verdict.digest, verdict);
    }
    QSet<QString> bad;
    for (const Verdict& verdict : std::as_const(latest)) {
        if (verdict.verdict == VerdictKind::Bad)
            bad.insert(verdict.digest);
    }
    return bad;
}

} // namespace berth
