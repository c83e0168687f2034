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

namespace berth {

class HistoryStore;
class RegistryClient;

// Moves a tag through some transport other than the registry API (the engine);
// answers the digest the tag received.
using RetagFunction =
    std::function<void(const ReleaseRequest& request, const QString& digest,
                       const QString& mediaType, QObject* context, Callback<QString> done)>;

class Promoter : public QObject {
    Q_OBJECT
public:
    Promoter(RegistryClient* client, HistoryStore* store, TagClassifier classifier = {},
             QObject* parent = nullptr);

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
    void compareBeforeSwap(const JobPtr& job);
    void retag(const JobPtr& job);
    // Another move of the tag is pending: settles it from the registry when it is older than
    // any move can take (its process is gone), then retags; refuses while it may still run.
    void settleAbandonedOrRefuse(const JobPtr& job, const QString& inProgress);
    // How long after its start a pending move of `transport` can no longer be at work.
    qint64 abandonedAfterMs(const QString& transport) const;
    void verify(const JobPtr& job, const QString& pushedDigest);
    // Records the tag's position before and after the move in the history.
    Result<RecordSummary> recordMove(const JobPtr& job, const QString& now);
    // Finishes the job's audit row; a row already settled the same way counts as done.
    Status finishAction(const JobPtr& job, ActionState state, const QString& text);
    void fail(const JobPtr& job, const QString& message, Outcome outcome = Outcome::Failed);
    void leavePending(const JobPtr& job, const QString& cause);
    QString whoMoved(const ReleaseRequest& request, const QString& digest) const;

    RegistryClient* m_client;
    HistoryStore* m_store;
    TagClassifier m_classifier;
    RetagFunction m_engineRetag;
};

} // namespace berth
