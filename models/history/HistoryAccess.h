#pragma once

// Database work, run where the history store lives, with each answer handed back to the
// thread that asked (and to nobody once the asking object is gone). Work runs in the order
// it was asked for, so an audit row is always begun before it is finished.
//
// - InlineHistory: a store the caller opened on its own thread (berthctl, benchmarks,
//   tests). The work runs at once and answers before run() returns.
// - HistoryThread: a store on a thread of its own (the window). A PostgreSQL connect, a
//   keychain prompt or a table another session holds locked waits there, never on the GUI
//   thread.

#include "core/Callback.h"

#include <QObject>
#include <QString>
#include <QThread>

#include <functional>
#include <memory>
#include <optional>

namespace berth {

class HistoryStore;

class HistoryAccess {
public:
    virtual ~HistoryAccess() = default;

    // `work` runs with the open store; when the store cannot be opened, `done` gets why.
    template <typename T>
    void run(QObject* context, std::function<Result<T>(HistoryStore&)> work, Callback<T> done) {
        // Touched only on the asking thread: the worker merely carries it back.
        auto callback = std::make_shared<GuardedCallback<T>>(context, std::move(done));
        post([work = std::move(work), callback](HistoryStore* store, const Error& unavailable) {
            auto result = std::make_shared<Result<T>>(store ? work(*store) : unavailable);
            return Delivery([callback, result] { (*callback)(std::move(*result)); });
        });
    }

protected:
    using Delivery = std::function<void()>; // runs on the asking thread
    // Runs where the store lives, with the store or (nullptr and) why it is not open.
    using Task = std::function<Delivery(HistoryStore* store, const Error& unavailable)>;
    virtual void post(Task task) = 0;
};

class InlineHistory final : public HistoryAccess {
public:
    // The store must outlive this and be used from this thread; nullptr: no history.
    explicit InlineHistory(HistoryStore* store)
        : m_store(store) {}

private:
    void post(Task task) override;

    HistoryStore* m_store;
};

class HistoryThread final : public QObject, public HistoryAccess {
    Q_OBJECT
public:
    // `location` as HistoryStore::open takes it. Nothing is opened until work arrives.
    explicit HistoryThread(QString location, QObject* parent = nullptr);
    // Finishes the work already asked for, closes the store on its thread, then returns.
    ~HistoryThread() override;

    const QString& location() const { return m_location; }
    // A failed open is not retried for every piece of work (a database that is down would
    // cost each its connect timeout): work asked after this call tries again.
    void retryOpen();
    // Runs `work` on the history thread after the work already asked, without the store
    // (to cancel what `start` began there, say).
    void runOnThread(std::function<void()> work);

    // For work that goes on asynchronously on the history thread (a registry read whose
    // manifest cache is the store): `work` gets the store, an object living on the thread
    // to parent what it makes, and `finish`, which it calls once, on the history thread.
    template <typename T>
    void start(QObject* context,
               std::function<void(HistoryStore* store, const Error& unavailable,
                                  QObject* threadContext, Callback<T> finish)>
                   work,
               Callback<T> done) {
        auto callback = std::make_shared<GuardedCallback<T>>(context, std::move(done));
        dispatch([this, work = std::move(work), callback](HistoryStore* store,
                                                          const Error& unavailable) {
            work(store, unavailable, m_worker, [this, callback](Result<T> result) {
                auto answer = std::make_shared<Result<T>>(std::move(result));
                deliver([callback, answer] { (*callback)(std::move(*answer)); });
            });
        });
    }

private:
    void post(Task task) override;
    // Runs `work` on the history thread, after opening the store if it is not open.
    void dispatch(std::function<void(HistoryStore* store, const Error& unavailable)> work);
    // Queues `delivery` to run on this object's (the asking) thread.
    void deliver(Delivery delivery);
    HistoryStore* openStore(); // on the history thread

    QString m_location;
    QThread m_thread;
    QObject* m_worker; // lives on m_thread; deleted there when it stops
    // Both touched only on m_thread.
    std::unique_ptr<HistoryStore> m_store;
    std::optional<Error> m_openFailure;
};

} // namespace berth
