#pragma once

// A handle on one running engine call: the caller keeps it to cancel the call.
// Copies share the same call; a default-constructed handle refers to none.

#include <atomic>
#include <memory>

namespace berth {

class EngineOperation {
public:
    EngineOperation() = default;
    explicit EngineOperation(std::shared_ptr<std::atomic_bool> cancelled)
        : m_cancelled(std::move(cancelled)) {}

    // The transfer notices within about a second (libcurl's progress callback) and the
    // callback then receives a "cancelled" error.
    void cancel() const {
        if (m_cancelled)
            m_cancelled->store(true);
    }
    bool isCancelled() const { return m_cancelled && m_cancelled->load(); }
    bool isValid() const { return static_cast<bool>(m_cancelled); }

private:
    std::shared_ptr<std::atomic_bool> m_cancelled;
};

} // namespace berth
