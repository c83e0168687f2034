#pragma once

// The one way Berth reports failure: a value or an Error a person can read.

#include <QString>

#include <utility>
#include <variant>

namespace berth {

// What Berth itself concluded about a failure. It is kept apart from any code a server
// sent, so control flow never branches on a server's words: a registry may answer a PUT
// with any error code it likes, "NO_ANSWER" included.
enum class Outcome {
    Failed,      // it did not happen
    Refused,     // a precondition refused it and nothing was changed (berthctl exits 3)
    Unsettled,   // a move may or may not have happened; its audit row stays pending
    NoAnswer,    // the request went out and no answer came back: it may have been carried out
    Unreachable, // the request never left (connection refused, host unknown)
};

struct Error {
    QString message;    // one sentence, names what failed and why
    int httpStatus = 0; // HTTP status when a server answered, else 0
    QString code;       // the server's or the layer's error code (MANIFEST_UNKNOWN, ...)
    Outcome outcome = Outcome::Failed;

    static Error make(QString message, int httpStatus = 0, QString code = {}) {
        return Error{std::move(message), httpStatus, std::move(code)};
    }
    static Error make(Outcome outcome, QString message) {
        return Error{std::move(message), 0, {}, outcome};
    }
    // The same failure told in other words (a subject in front, say).
    Error withMessage(QString text) const {
        return Error{std::move(text), httpStatus, code, outcome};
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
    static Result failure(Outcome outcome, QString message) {
        return Result(Error::make(outcome, std::move(message)));
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
