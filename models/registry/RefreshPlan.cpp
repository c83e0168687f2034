#include "registry/RefreshPlan.h"

#include <QSet>

#include <algorithm>

namespace berth {

QList<MovedImmutableTag> movedImmutableTags(const QMap<QString, KnownTag>& known,
                                            const QMap<QString, QString>& read,
                                            const TagClassifier& classifier) {
    QList<MovedImmutableTag> moved;
    for (auto it = read.cbegin(); it != read.cend(); ++it) {
        const auto was = known.constFind(it.key());
        if (was == known.cend() || was->digest.isEmpty() || was->digest == it.value())
            continue;
        const TagKind kind = classifier.classify(it.key());
        if (isMutableKind(kind) || kind == TagKind::Other)
            continue;
        moved.append(MovedImmutableTag{it.key(), was->digest, it.value()});
    }
    return moved;
}

QString immutableMoveText(const QString& repository, const MovedImmutableTag& moved) {
    return QStringLiteral("%1:%2 was overwritten: it was %3, it is now %4; an immutable tag "
                          "must never move (berthctl lint lists every such finding).")
        .arg(repository, moved.tag, moved.wasDigest.left(19), moved.nowDigest.left(19));
}

RefreshPlan planRefresh(const QStringList& listed, const QMap<QString, KnownTag>& known,
                        const TagClassifier& classifier, const RefreshRule& rule,
                        const QDateTime& now) {
    RefreshPlan plan;
    QStringList resting; // immutable, known, checked within the sweep period
    for (const QString& tag : listed) {
        const auto found = known.constFind(tag);
        const TagKind kind = classifier.classify(tag);
        const bool movesByDesign = isMutableKind(kind) || kind == TagKind::Other;
        const bool due = found == known.constEnd() || found->digest.isEmpty() ||
                         !found->lastChecked.isValid() ||
                         found->lastChecked.secsTo(now) >= rule.sweepSeconds;
        if (rule.full || movesByDesign || due)
            plan.toCheck.append(tag);
        else
            resting.append(tag);
    }
    // The longest unchecked first; the share is rounded up, so a small repository still
    // sweeps.
    std::stable_sort(resting.begin(), resting.end(), [&known](const QString& a, const QString& b) {
        return known.value(a).lastChecked < known.value(b).lastChecked;
    });
    const qsizetype share =
        rule.sweepShare <= 0 ? 0 : (resting.size() + rule.sweepShare - 1) / rule.sweepShare;
    QSet<QString> checked(plan.toCheck.cbegin(), plan.toCheck.cend());
    for (qsizetype i = 0; i < resting.size(); ++i) {
        if (i < share)
            checked.insert(resting[i]);
        else
            plan.fromHistory.insert(resting[i], known.value(resting[i]).digest);
    }
    // In the listing's order, as a person reading the requests would expect.
    plan.toCheck.clear();
    for (const QString& tag : listed) {
        if (checked.contains(tag))
            plan.toCheck.append(tag);
    }
    return plan;
}

} // namespace berth
