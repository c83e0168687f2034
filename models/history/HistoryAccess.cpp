#include "history/HistoryAccess.h"

#include "history/HistoryStore.h"

#include <QMetaObject>

using namespace Qt::StringLiterals;

namespace berth {

void InlineHistory::post(Task task) {
    static const Error unavailable =
        Error::make(u"No history database is open, so nothing could be read or recorded."_s);
    task(m_store, unavailable)();
}

HistoryThread::HistoryThread(QString location, QObject* parent)
    : QObject(parent)
    , m_location(std::move(location))
    , m_worker(new QObject) {
    m_thread.setObjectName(u"berth-history"_s);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

HistoryThread::~HistoryThread() {
    // Queued after all work asked so far: the store closes on the thread that opened it.
    QMetaObject::invokeMethod(m_worker, [this] {
        // Work still going on (a registry read) goes first: its cache refers to the store.
        qDeleteAll(m_worker->findChildren<QObject*>(Qt::FindDirectChildrenOnly));
        m_store.reset();
        m_thread.quit();
    });
    m_thread.wait();
}

void HistoryThread::retryOpen() {
    QMetaObject::invokeMethod(m_worker, [this] { m_openFailure.reset(); });
}

void HistoryThread::runOnThread(std::function<void()> work) {
    QMetaObject::invokeMethod(m_worker, std::move(work));
}

void HistoryThread::post(Task task) {
    dispatch([this, task = std::move(task)](HistoryStore* store, const Error& unavailable) {
        deliver(task(store, unavailable));
    });
}

void HistoryThread::dispatch(std::function<void(HistoryStore*, const Error&)> work) {
    QMetaObject::invokeMethod(m_worker, [this, work = std::move(work)] {
        HistoryStore* store = openStore();
        work(store, store ? Error() : *m_openFailure);
    });
}

void HistoryThread::deliver(Delivery delivery) {
    // This object lives on the asking thread; if it is gone, so is everyone who asked.
    QMetaObject::invokeMethod(this, std::move(delivery), Qt::QueuedConnection);
}

HistoryStore* HistoryThread::openStore() {
    if (m_store)
        return m_store.get();
    if (m_openFailure)
        return nullptr;
    auto store = std::make_unique<HistoryStore>();
    if (const Status opened = store->open(m_location); !opened) {
        m_openFailure = opened.error();
        return nullptr;
    }
    m_store = std::move(store);
    return m_store.get();
}

} // namespace berth
