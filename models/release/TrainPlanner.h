#pragma once

// Plans a release train: for each service, the same plan a single promote shows (where the
// target environment points now, the build the source environment runs, the checks'
// warnings and refusals), read a few services at once. Adds what only a train asks: a
// target environment that moved since Berth last saw it (someone else is at work on it),
// and a service with nothing to ship (both environments run the same build).

#include "core/Callback.h"
#include "release/ReleasePlanner.h"
#include "release/Train.h"

#include <QObject>

#include <functional>
#include <memory>

namespace berth {

class HistoryStore;
class ManifestCache;
class RegistryClient;

inline const QString kMovedSinceSeenNote = QStringLiteral("MOVED_SINCE_SEEN");

// The services of a train, as asked.
struct TrainService {
    QString registry;
    QString repository;
};

struct PlannedTrain {
    // Services to move, in the order asked; one whose plan refused it or could not be read
    // is held back (heldBack says why) and still recorded with the train.
    QList<TrainCar> cars;
    QList<TrainCar> unchanged; // services whose environments already run the same build

    // Cars that will move when confirmed.
    int runnable() const;

    bool needsAcknowledgement() const;
    // Every warning needing acknowledgement, "repository: text", one per line.
    QStringList acknowledgementsNeeded() const;
};

// The planner a train uses: promotions checked against dev → staging → production (so a
// train from dev to production warns that staging is skipped), plus the moved-since check.
ReleasePlanner trainPlanner();

// The warning for a plan whose tag is not where the history last saw it: nobody has read
// it since it moved, so the person confirming has not seen what the train replaces.
PlanCheck movedSinceSeenCheck();

class TrainPlanner : public QObject {
    Q_OBJECT
public:
    // The client for a registry; one per registry, its connections shared by its services.
    using ClientFor = std::function<RegistryClient*(const QString& registry)>;

    // Reads with the store and cache of this thread (berthctl, tests).
    TrainPlanner(ClientFor clients, HistoryStore* store, ManifestCache* cache,
                 QObject* parent = nullptr);

    // Each service's move of `to` onto the build `from` runs, `concurrency` services at a
    // time. Never fails: a service that cannot be planned is held back with why.
    void plan(const QList<TrainService>& services, const QString& from, const QString& to,
              const QString& reason, int concurrency, QObject* context,
              Callback<PlannedTrain> done);

signals:
    void servicePlanned(int index, int count);

private:
    struct Job;
    // Starts plans until `concurrency` are under way; answers once all have.
    void planMore(const std::shared_ptr<Job>& job);

    ClientFor m_clients;
    HistoryStore* m_store;
    ManifestCache* m_cache;
    ReleasePlanner m_planner;
};

} // namespace berth
