#include "release/TrainPlanner.h"

#include "history/HistoryStore.h"
#include "policy/TagPolicy.h"
#include "release/StageOrderCheck.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace berth {

int PlannedTrain::runnable() const {
    return static_cast<int>(std::count_if(
        cars.cbegin(), cars.cend(), [](const TrainCar& car) { return car.heldBack.isEmpty(); }));
}

bool PlannedTrain::needsAcknowledgement() const {
    return std::any_of(cars.cbegin(), cars.cend(), [](const TrainCar& car) {
        return car.heldBack.isEmpty() && car.plan.needsAcknowledgement();
    });
}

QStringList PlannedTrain::acknowledgementsNeeded() const {
    QStringList lines;
    for (const TrainCar& car : cars) {
        if (!car.heldBack.isEmpty())
            continue;
        for (const QString& line : car.plan.acknowledgementsNeeded())
            lines.append(car.request.repository + u": "_s + line);
    }
    return lines;
}

PlanCheck movedSinceSeenCheck() {
    return [](ReleasePlan& plan, const RollbackFacts& facts) {
        if (facts.history.isEmpty())
            return;
        const TagPosition& last = facts.history.first();
        if (last.digest == plan.from.digest)
            return;
        plan.warnings.append(PlanNote{
            kMovedSinceSeenNote,
            u"%1 moved since Berth last saw it on %2 (%3); the build it replaces is %4."_s.arg(
                plan.tag, shortPlanDigest(last.digest),
                last.lastSeen.toUTC().toString(u"yyyy-MM-dd HH:mm"_s),
                shortPlanDigest(plan.from.digest)),
            false});
    };
}

ReleasePlanner trainPlanner() {
    const TagPolicy names = TagPolicy::defaults(u"built-in defaults"_s);
    // Only the order is added: every built-in environment name stays one.
    TagPolicy order = names;
    order.environments = {u"dev"_s, u"staging"_s, u"production"_s};
    order.promotionOrdered = true;
    ReleasePlanner planner(releaseClassifier(names, ActionKind::Promote));
    planner.addCheck(stageOrderCheck(order));
    planner.addCheck(movedSinceSeenCheck());
    return planner;
}

TrainPlanner::TrainPlanner(ClientFor clients, HistoryStore* store, ManifestCache* cache,
                           QObject* parent)
    : QObject(parent)
    , m_clients(std::move(clients))
    , m_store(store)
    , m_cache(cache)
    , m_planner(trainPlanner()) {
}

struct TrainPlanner::Job {
    QList<TrainService> services;
    QList<ReleaseRequest> requests;
    QList<std::optional<Result<ReleasePlan>>> plans;
    int next = 0;
    int finished = 0;
    int concurrency = 1;
    GuardedCallback<PlannedTrain> done;
};

namespace {

PlannedTrain sortPlans(const QList<ReleaseRequest>& requests,
                       const QList<std::optional<Result<ReleasePlan>>>& plans) {
    PlannedTrain train;
    for (qsizetype i = 0; i < requests.size(); ++i) {
        TrainCar car;
        car.request = requests[i];
        const Result<ReleasePlan>& plan = *plans[i];
        if (!plan) {
            car.heldBack = u"its plan could not be read: "_s + plan.errorMessage();
            train.cars.append(car);
            continue;
        }
        car.plan = plan.value();
        // The move the person confirms: exactly this build, and only while the tag is
        // where the plan saw it.
        car.request.source = car.plan.to.digest;
        car.request.expectedCurrent = car.plan.from.digest;
        car.request.reason = car.plan.auditReason(car.request.reason);
        if (car.plan.refused()) {
            car.heldBack = car.plan.refusalText();
        } else if (car.plan.from.digest == car.plan.to.digest) {
            train.unchanged.append(car);
            continue;
        }
        train.cars.append(car);
    }
    return train;
}

} // namespace

void TrainPlanner::plan(const QList<TrainService>& services, const QString& from, const QString& to,
                        const QString& reason, int concurrency, QObject* context,
                        Callback<PlannedTrain> done) {
    auto job = std::make_shared<Job>();
    job->services = services;
    job->concurrency = std::max(1, concurrency);
    job->done = GuardedCallback<PlannedTrain>(context, std::move(done));
    for (const TrainService& service : services) {
        ReleaseRequest request;
        request.kind = ActionKind::Promote;
        request.registry = service.registry;
        request.repository = service.repository;
        request.source = from;
        request.tag = to;
        request.reason = reason;
        job->requests.append(request);
    }
    job->plans.resize(services.size());
    if (services.isEmpty())
        return job->done(PlannedTrain{});
    planMore(job);
}

void TrainPlanner::planMore(const std::shared_ptr<Job>& job) {
    while (job->next < job->requests.size() && job->next - job->finished < job->concurrency) {
        const int index = job->next++;
        auto answer = [this, job, index](Result<ReleasePlan> plan) {
            job->plans[index] = std::move(plan);
            ++job->finished;
            emit servicePlanned(job->finished, static_cast<int>(job->requests.size()));
            if (job->finished == job->requests.size())
                return job->done(sortPlans(job->requests, job->plans));
            planMore(job);
        };
        const ReleaseRequest& request = job->requests[index];
        RegistryClient* client = m_clients(request.registry);
        // Two HEADs and the history describe a service Berth has looked at before; one it
        // never read is read whole, so the plan names its builds by their versions.
        const Result<QList<TagPosition>> known =
            m_store->positionsOfRepository(request.registry, request.repository);
        if (m_cache && known && !known->isEmpty())
            m_planner.planFromHistory(client, *m_cache, *m_store, request, this, answer);
        else
            m_planner.planFromRegistry(client, m_cache, *m_store, request, {}, this, answer);
    }
}

} // namespace berth
