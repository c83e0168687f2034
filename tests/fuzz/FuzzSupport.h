#pragma once

// What every fuzz target needs: the input as Qt types, and a way to fail loudly when a
// parser's documented promise does not hold (libFuzzer keeps the input of an abort).

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace berth::fuzz {

inline QByteArray bytesOf(const uint8_t* data, size_t size) {
    return QByteArray(reinterpret_cast<const char*>(data), qsizetype(size));
}

// Header values arrive one per line: a response may carry several of the same header.
inline QList<QByteArray> linesOf(const QByteArray& bytes) {
    return bytes.split('\n');
}

[[noreturn]] inline void promiseBroken(const char* promise, const QString& detail) {
    std::fprintf(stderr, "promise broken: %s\n%s\n", promise, detail.toUtf8().constData());
    std::abort();
}

#define BERTH_FUZZ_EXPECT(condition, detail)                                                       \
    do {                                                                                           \
        if (!(condition))                                                                          \
            ::berth::fuzz::promiseBroken(#condition, detail);                                      \
    } while (false)

} // namespace berth::fuzz
