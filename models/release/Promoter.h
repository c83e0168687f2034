#pragma once

// Points a mutable tag at a build, guarded and audited: validate, compare before
// swap, write the pending audit row, retag, verify, record. Each step is reported
// so a window or a terminal can show where it is.

#include "core/Callback.h"
#include "history/HistoryTypes.h"
#include "registry/TagClassifier.h"
#include "release/ReleaseTypes.h"

#include <QObject>

#include <functional>
#include <memory>
#include <optional>

namespace berth {

class HistoryAccess;
class HistoryStore;
class InlineHistory;
class RegistryClient;

// Moves a tag through some transport other than the registry API (the engine);
// answers the digest the tag received.
using RetagFunction =
    std::function<void(const ReleaseRequest& request, const QString& digest,
                       const QString& mediaType, QObject* context, Callback<QString> done)>;

class Promoter : public QObject {
    Q_OBJECT
public:
    // Audits through `history`, which may run the database work on a thread of its own
    // (the window); nullptr: no history, and every release is refused.
    Promoter(RegistryClient* client, HistoryAccess* history, TagClassifier classifier = {},
             QObject* parent = nullptr);
    // With a store on this thread (berthctl): its work runs inline.
    Promoter(RegistryClient* client, HistoryStore* store, TagClassifier classifier = {},
             QObject* parent = nullptr);
    ~Promoter() override;

    void setEngineRetag(RetagFunction retag) { m_engineRetag = std::move(retag); }

    void run(const ReleaseRequest& request, QObject* context, Callback<ReleaseOutcome> done);

    // Readies the registry for `request` while a person reads the confirmation: connects,
    // fetches the authorization the retag needs and answers where the tag points now, so
    // that confirming pays only for the move itself. Changes nothing anywhere.
    void prepare(const ReleaseRequest& request, QObject* context, Callback<QString> current);

    // Where `tag` points now ("" when absent); the compare-before-swap's first half.
    void currentDigest(const QString& repository, const QString& tag, QObject* context,
                       Callback<QString> done);

signals:
    void stepStarted(const QString& description);

private:
    struct Job;
    using JobPtr = std::shared_ptr<Job>;

    void resolveSource(const JobPtr& job);
    void loadManifest(const JobPtr& job);
    void useCachedManifest(const JobPtr& job, const ManifestBlob& cached);
    void fetchManifest(const JobPtr& job);
    void compareBeforeSwap(const JobPtr& job);
    // The tag is not where the person who asked saw it: says who moved it, refuses.
    void refuseMovedSinceSeen(const JobPtr& job, const QString& current);
    // Writes the pending audit row, then retagAudited moves the tag.
    void retag(const JobPtr& job);
    void retagAudited(const JobPtr& job);
    // Another move of the tag is pending: settles it from the registry when it is older than
    // any move can take (its process is gone), then retags; refuses while it may still run.
    void settleAbandonedOrRefuse(const JobPtr& job, const QString& inProgress);
    void settlePending(const JobPtr& job, const QString& inProgress,
                       const std::optional<Action>& pending);
    // How long after its start a pending move of `transport` can no longer be at work.
    qint64 abandonedAfterMs(const QString& transport) const;
    void verify(const JobPtr& job, const QString& pushedDigest);
    // Finishes the audit row and records the tag's position before and after the move.
    void recordSuccess(const JobPtr& job, const QString& now);
    // Finishes the audit row (if one was begun) as failed, then answers.
    void fail(const JobPtr& job, const QString& message, Outcome outcome = Outcome::Failed);
    void leavePending(const JobPtr& job, const QString& cause);

    RegistryClient* m_client;
    std::unique_ptr<InlineHistory> m_ownHistory; // when given a store
    HistoryAccess* m_history;
    TagClassifier m_classifier;
    RetagFunction m_engineRetag;
};

} // namespace berth
