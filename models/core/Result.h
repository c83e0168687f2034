#pragma once

// The one way Berth reports failure: a value or an Error a person can read.

#include <QString>

#include <utility>
#include <variant>

namespace berth {

struct Error {
    QString message;    // one sentence, names what failed and why
    int httpStatus = 0; // HTTP status when a server answered, else 0
    QString code;       // registry error code (MANIFEST_UNKNOWN, ...) when one was given

    static Error make(QString message, int httpStatus = 0, QString code = {}) {
        return Error{std::move(message), httpStatus, std::move(code)};
    }
};

// Stands in for "no value" in Result<Unit>.
struct Unit {};

template <typename T> class Result {
public:
    Result(T value)
        : m_state(std::move(value)) {}
    Result(Error error)
        : m_state(std::move(error)) {}

    static Result failure(QString message, int httpStatus = 0, QString code = {}) {
        return Result(Error::make(std::move(message), httpStatus, std::move(code)));
    }

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    const T& value() const& { return std::get<T>(m_state); }
    T& value() & { return std::get<T>(m_state); }
    T&& value() && { return std::get<T>(std::move(m_state)); }
    const T& operator*() const& { return value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const { return std::get<Error>(m_state); }
    QString errorMessage() const { return ok() ? QString() : error().message; }

private:
    std::variant<T, Error> m_state;
};

using Status = Result<Unit>;

inline Status success() {
    return Status(Unit{});
}

} // namespace berth
