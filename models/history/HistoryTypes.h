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
    qint64 trainId = 0; // the release train it belongs to; 0: a move on its own
};

// One step of replacing a running container with the same container on another build
// (a redeploy), written pending before the engine is asked.
// The step name of a redeploy's own row, pending until its outcome.
inline const QString kWholeRedeployStep = QStringLiteral("redeploy");

struct RedeployStep {
    qint64 id = 0;
    QDateTime time;       // UTC; now when left invalid
    QString user;         // the current actor when left empty
    QString host;         // the current machine when left empty
    qint64 processId = 0; // this process when left 0
    QString registry;
    QString repository;
    QString environment; // the environment tag whose build is deployed
    QString engineHost;  // the engine, as DOCKER_HOST names it
    QString container;   // the container's name
    QString fromDigest;  // the build it ran; empty when not known
    QString toDigest;    // the build it is to run
    // "redeploy" (the whole, until its outcome), then "pull", "stop", "rename", "create",
    // "start", "wait", "remove", and "restore" after a failure
    QString step;
    QString reason;
    ActionState state = ActionState::Pending;
    QString result;     // what came of it, one sentence
    QDateTime finished; // UTC; invalid while pending
};

// A release train: several services moved between two environments as one confirmed
// action. Each service's move is an Action naming the train.
struct Train {
    qint64 id = 0;
    QDateTime time;                        // UTC; now when left invalid
    QString user;                          // the current login name when left empty
    QString host;                          // the current machine when left empty
    ActionKind kind = ActionKind::Promote; // Promote, or Rollback of another train
    QString fromEnvironment;               // promote: the environment the builds come from
    QString toEnvironment;                 // the environment every service's tag is moved in
    QString reason;
    qint64 rollsBack = 0; // a rollback: the train it undoes
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

// A move refused by a precondition (the tag moved since it was seen, say) is a failed
// action whose error starts "refused: ", so the log tells refused from failed without
// another column.
QString refusedActionError(const QString& message);
bool isRefusedAction(const Action& action);

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

// What a build's signatures earned when last judged (signing/RememberedVerdicts.h turns it
// back into a verdict). Judging again is needed only when the signature manifest
// (`evidence`, its digest) or what is trusted (`trust`, a fingerprint) changed.
struct StoredSignatureVerdict {
    QString registry;
    QString repository;
    QString digest;
    QString trust;
    QString evidence;
    QString verdict; // "verified", "invalid", ... (signatureVerdictName)
    QString summary;
    QByteArray findings; // JSON, as RememberedVerdicts writes it
    QDateTime checkedAt; // UTC; now when left invalid
};

// A manifest with what the timeline shows of it, parsed once when it was stored.
struct ManifestRecord {
    ManifestBlob blob;
    QString configDigest; // empty for an index
    qint64 size = 0;
    QList<Platform> platforms;
};

} // namespace berth
