#pragma once

// Hands a worker's result to a receiver on the receiver's thread, and to nobody once
// the receiver is gone.
//
// QFuture::then(context, …) is not safe for this in Qt 6.4: when the context dies
// before the worker finishes, the continuation asserts on the null context (and in a
// release build leaves the continuation's promise unfinished). A watcher owned by the
// receiver dies with it, which disconnects the delivery instead.

#include <QFuture>
#include <QFutureWatcher>
#include <QObject>

#include <utility>

namespace berth {

template <typename T, typename Deliver>
void whenFinished(QObject* receiver, QFuture<T> future, Deliver&& deliver) {
    auto* watcher = new QFutureWatcher<T>(receiver);
    QObject::connect(watcher, &QFutureWatcherBase::finished, receiver,
                     [watcher, deliver = std::forward<Deliver>(deliver)]() mutable {
                         watcher->deleteLater();
                         deliver(watcher->result());
                     });
    watcher->setFuture(std::move(future));
}

} // namespace berth
