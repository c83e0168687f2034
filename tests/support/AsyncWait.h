#pragma once

// Waits for one asynchronous Berth callback in a test, spinning the event loop,
// with a timeout instead of a fixed sleep.

#include "core/Result.h"

#include <QObject>
#include <QTest>

#include <functional>
#include <optional>

namespace berth::test {

// start(context, callback) begins the operation. Returns nullopt on timeout.
template <typename T>
std::optional<Result<T>>
waitForResult(const std::function<void(QObject*, std::function<void(Result<T>)>)>& start,
              int timeoutMs = 60000) {
    std::optional<Result<T>> result;
    QObject context;
    start(&context, [&result](Result<T> value) { result.emplace(std::move(value)); });
    // A timeout shows as nullopt, which the caller asserts on.
    static_cast<void>(QTest::qWaitFor([&result] { return result.has_value(); }, timeoutMs));
    return result;
}

} // namespace berth::test
