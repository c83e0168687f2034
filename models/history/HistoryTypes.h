#pragma once

// Value types the history store reads and writes. They cross threads freely; the
// store itself does not (see HistoryStore.h).

#include "registry/RegistryTypes.h"

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>

namespace berth {

// One stretch of time during which a tag pointed at one digest.
struct TagPosition {
    QString tag;
    QString digest;
    QDateTime firstSeen; // UTC
    QDateTime lastSeen;  // UTC
    QString observedBy;  // who first saw it here, e.g. "alice@laptop (berthctl)"
};

struct RecordSummary {
    int newPositions = 0; // tags seen for the first time or on a new digest
    int unchanged = 0;    // tags still on the digest they were last seen on
};

enum class ActionKind { Promote, Rollback, MarkGood, MarkBad, Publish };
enum class ActionState { Pending, Succeeded, Failed };

// "promote", "rollback", "mark-good", "mark-bad", "publish"
QString actionKindName(ActionKind kind);
QString actionStateName(ActionState state); // "pending", "succeeded", "failed"
std::optional<ActionKind> actionKindFromName(const QString& name);
std::optional<ActionState> actionStateFromName(const QString& name);

// One entry of the audit log: written `pending` before the registry is touched.
struct Action {
    qint64 id = 0;
    QDateTime time; // UTC; now when left invalid
    QString user;   // login name; the current one when left empty
    QString host;   // the current machine when left empty
    QString registry;
    QString repository;
    QString tag;
    QString fromDigest; // empty when the tag did not exist before
    QString toDigest;
    ActionKind kind = ActionKind::Promote;
    QString transport; // "registry" or "engine"
    QString reason;
    ActionState state = ActionState::Pending;
    QString error;      // why it failed
    QDateTime finished; // UTC; invalid while pending
};

struct ActionFilter {
    QString registry;   // empty: any
    QString repository; // empty: any
    int limit = 0;      // 0: all

    // Every action on one repository.
    static ActionFilter ofRepository(const QString& registry, const QString& repository) {
        return ActionFilter{registry, repository, 0};
    }
};

enum class VerdictKind { Good, Bad };
QString verdictKindName(VerdictKind kind); // "good", "bad"

// A build judged good or bad in one environment; picks rollback targets.
struct Verdict {
    QString registry;
    QString repository;
    QString digest;
    QString environment;
    VerdictKind verdict = VerdictKind::Good;
    QDateTime time; // UTC; now when left invalid
    QString user;   // the current login name when left empty
    QString reason;
};

// A manifest with what the timeline shows of it, parsed once when it was stored.
struct ManifestRecord {
    ManifestBlob blob;
    QString configDigest; // empty for an index
    qint64 size = 0;
    QList<Platform> platforms;
};

} // namespace berth
