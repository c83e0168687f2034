#pragma once

// Runs a confirmed release train: writes the train's record, then moves every car through
// the same guarded Promoter a single promote uses, several at once. A car whose tag moved
// since the plan is refused by the compare-before-swap and the others go on. Once every car
// has answered, each that left no audit row (refused before its move began, or held back by
// its plan) gets a finished one, so the train's record names every service it was asked to
// move, and nothing is hidden.

#include "core/Callback.h"
#include "history/HistoryTypes.h"
#include "release/Train.h"

#include <QObject>

#include <functional>
#include <memory>

namespace berth {

class HistoryAccess;
class Promoter;

class TrainRunner : public QObject {
    Q_OBJECT
public:
    // The promoter that moves tags in `registry` (one per registry, shared by its services).
    using PromoterFor = std::function<Promoter*(const QString& registry)>;

    TrainRunner(PromoterFor promoters, HistoryAccess* history, QObject* parent = nullptr);
    ~TrainRunner() override;

    // Fails only when the train's record cannot be written (then nothing was moved); every
    // car's own refusal or failure is in the outcome.
    void run(Train train, QList<TrainCar> cars, int concurrency, QObject* context,
             Callback<TrainOutcome> done);

signals:
    void carFinished(int index, const berth::CarOutcome& outcome);

private:
    struct Job;
    using JobPtr = std::shared_ptr<Job>;

    void startNextCars(const JobPtr& job);
    void moveCar(const JobPtr& job, int index);
    void finishCar(const JobPtr& job, int index, CarOutcome outcome);
    // Writes the rows of the cars that left none, then answers.
    void completeRecord(const JobPtr& job);

    PromoterFor m_promoters;
    HistoryAccess* m_history;
};

} // namespace berth
