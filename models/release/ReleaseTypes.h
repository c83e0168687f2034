#pragma once

// What a promotion or rollback is asked to do, and what came of it.

#include "history/HistoryTypes.h"

#include <QString>

#include <optional>

namespace berth {

enum class RetagTransport { Registry, Engine };

QString transportName(RetagTransport transport); // "registry", "engine"
std::optional<RetagTransport> transportFromName(const QString& name);

// A refused precondition (an immutable tag, a tag that moved since the user looked, no
// rollback target) fails with Outcome::Refused, on which berthctl exits 3; a retag whose
// answer never came fails with Outcome::Unsettled, its audit row left pending.

struct ReleaseRequest {
    ActionKind kind = ActionKind::Promote; // Promote or Rollback
    QString registry;                      // domain, e.g. "localhost:5000"
    QString repository;                    // path inside it, e.g. "acme/payment-api"
    QString source;                        // tag or digest of the build to point at
    QString tag;                           // the tag to move
    // Where the user saw the tag point ("" = absent). nullopt: not checked.
    std::optional<QString> expectedCurrent;
    QString reason;
    RetagTransport transport = RetagTransport::Registry;
    qint64 trainId = 0; // the release train the move belongs to; 0: none
};

struct ReleaseOutcome {
    qint64 actionId = 0;  // the audit row; 0 when nothing needed doing
    QString fromDigest;   // where the tag pointed before ("" = absent)
    QString toDigest;     // the build asked for
    QString resultDigest; // where the tag points now
    bool alreadyThere = false;
    QString note; // something the user must read even on success
};

} // namespace berth
