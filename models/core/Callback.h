#pragma once

// Asynchronous completion with a context object, so a callback never runs after
// the object it touches is gone (Qt's lambda-connect rule, applied to callbacks).

#include "core/Result.h"

#include <QObject>
#include <QPointer>

#include <functional>

namespace berth {

template <typename T> using Callback = std::function<void(Result<T>)>;

template <typename T> class GuardedCallback {
public:
    GuardedCallback() = default;
    GuardedCallback(QObject* context, Callback<T> callback)
        : m_context(context)
        , m_hasContext(context != nullptr)
        , m_callback(std::move(callback)) {}

    // Delivers the result unless the context died; delivers at most once.
    void operator()(Result<T> result) {
        if (!m_callback || (m_hasContext && m_context.isNull()))
            return;
        auto callback = std::exchange(m_callback, nullptr);
        callback(std::move(result));
    }

    bool isPending() const { return static_cast<bool>(m_callback); }

private:
    QPointer<QObject> m_context;
    bool m_hasContext = false;
    Callback<T> m_callback;
};

} // namespace berth
