#pragma once

// Applies a publish plan (see PublishPlan.h) to the build CI just pushed, through the
// registry API: the manifest's own bytes PUT under each missing tag, so every tag names the
// same digest and no layer moves. Each tag it changes is guarded like a promotion: where
// the tag points is read first (every immutable tag of the set, and each floating one the
// tag list holds, is HEADed) and refused if an immutable tag names another build, an audit
// row (kind publish) is written before the PUT, the PUT's answer settles where the tag
// points (the digest the registry says it stored; read back when it says none), and both
// positions are recorded in the history.
//
// The registry has no conditional PUT: between the look and the PUT another pipeline may
// write the same tag and lose it to this one, which no later read could tell. Pending rows
// keep two Berths sharing a history database apart.

#include "core/Callback.h"
#include "release/PublishPlan.h"

#include <QObject>

#include <memory>

namespace berth {

class HistoryAccess;
class HistoryStore;
class InlineHistory;
class RegistryClient;
struct ManifestBlob;

struct PublishRequest {
    QString registry;       // domain, e.g. "localhost:5000"
    QString repository;     // path inside it
    QString builtRef;       // the build: its digest, or the tag CI pushed it under
    PublishSubject subject; // commit, branch and version; the digest is read from builtRef
    TagPolicy policy;
    QString reason; // for the audit rows: who published (a CI job's URL) or why
    bool dryRun = false;
};

struct PublishOutcome {
    PublishPlan plan;        // refused(): nothing was changed
    QStringList applied;     // tags the registry now has on the build because of this run
    QStringList failed;      // tags whose PUT or read-back failed, with why
    QList<qint64> actionIds; // the audit rows written
};

class Publisher : public QObject {
    Q_OBJECT
public:
    Publisher(RegistryClient* client, HistoryAccess* history, QObject* parent = nullptr);
    // With a store on this thread (berthctl): its work runs inline.
    Publisher(RegistryClient* client, HistoryStore* store, QObject* parent = nullptr);
    ~Publisher() override;

    // Fails only when the plan could not be made (registry unreachable, the build unknown);
    // a refused or partly failed publish answers an outcome that says so.
    void run(const PublishRequest& request, QObject* context, Callback<PublishOutcome> done);

signals:
    void stepStarted(const QString& description);

private:
    struct Job;
    using JobPtr = std::shared_ptr<Job>;

    void readBuild(const JobPtr& job);
    void readTagList(const JobPtr& job);
    void lookAt(const JobPtr& job, const QString& tag);
    // Every read answered: the plan, from the registry's tags and where the set's point.
    void settle(const JobPtr& job);
    void plan(const JobPtr& job);
    void beginAuditRows(const JobPtr& job);
    void putTags(const JobPtr& job);
    void readBack(const JobPtr& job);
    void finishAuditRows(const JobPtr& job);

    RegistryClient* m_client;
    std::unique_ptr<InlineHistory> m_ownHistory;
    HistoryAccess* m_history;
};

} // namespace berth
