#pragma once

// Which tags a refresh asks the registry about. A HEAD for every tag is at the `curl` floor
// already, but a board of many repositories refreshed every few seconds needs fewer
// requests, not faster ones. Tags that move by design (environments, floating versions,
// latest, and tags that fit no scheme) are always asked about, as are tags the history does
// not know; immutable ones (exact versions, SHAs, branch-SHAs) are taken from the history
// while their last check is recent, and re-checked in a rolling sweep: every one at least
// once per sweep period, and on every refresh the longest-unchecked share of them, so the
// checks spread over the period instead of falling due together.

#include "registry/TagClassifier.h"

#include <QDateTime>
#include <QMap>
#include <QString>
#include <QStringList>

namespace berth {

struct KnownTag {
    QString digest;
    QDateTime lastChecked; // UTC; when the registry last answered for it
};

struct RefreshRule {
    bool full = false;          // ask about every tag (berthctl --full)
    qint64 sweepSeconds = 3600; // no immutable tag goes longer unchecked
    int sweepShare = 12;        // 1/sweepShare of the resting immutable tags per refresh
};

struct RefreshPlan {
    QStringList toCheck;                // tags to HEAD, in the listing's order
    QMap<QString, QString> fromHistory; // tag -> the digest the history last saw
};

// Each tag's last sighting from a repository's positions (newest first within a tag, as
// the history store answers them).
template <typename Position> QMap<QString, KnownTag> knownTagsOf(const QList<Position>& positions) {
    QMap<QString, KnownTag> known;
    for (const Position& position : positions) {
        if (!known.contains(position.tag))
            known.insert(position.tag, KnownTag{position.digest, position.lastSeen});
    }
    return known;
}

// An immutable tag (exact version, SHA, branch-SHA) the registry now answers for with
// another digest than the history last saw: someone overwrote a release. An alarm.
struct MovedImmutableTag {
    QString tag;
    QString wasDigest;
    QString nowDigest;
};

// The immutable tags of `read` (tag -> digest asked just now) that moved since `known`.
QList<MovedImmutableTag> movedImmutableTags(const QMap<QString, KnownTag>& known,
                                            const QMap<QString, QString>& read,
                                            const TagClassifier& classifier = {});

// "acme/api:v1.2.3 was overwritten: it was sha256:…, it is now sha256:…; an immutable
// tag must never move (berthctl lint lists every such finding)."
QString immutableMoveText(const QString& repository, const MovedImmutableTag& moved);

RefreshPlan planRefresh(const QStringList& listed, const QMap<QString, KnownTag>& known,
                        const TagClassifier& classifier, const RefreshRule& rule,
                        const QDateTime& now);

} // namespace berth
