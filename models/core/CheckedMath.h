#pragma once

// Sums of numbers a server declared (layer sizes, lengths): signed overflow is undefined
// behaviour, so a hostile value must turn into "no answer" instead of a wrapped one.

#include <QtGlobal>

#include <optional>

namespace berth {

// a + b, or nullopt when the exact sum does not fit in 64 bits.
inline std::optional<qint64> checkedAdd(qint64 a, qint64 b) {
    qint64 sum = 0;
    if (__builtin_add_overflow(a, b, &sum))
        return std::nullopt;
    return sum;
}

} // namespace berth
