#pragma once

// What the hostile-registry suites (tst_hostileanswers, tst_hostileretries, tst_hostilehosts)
// share: the repository and paths they script, a manifest to serve, client options that keep
// them fast, a waiter for one asynchronous result, and the assertions they all use.

#include "core/Callback.h"
#include "core/Result.h"
#include "registry/RegistryOptions.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QString>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

namespace berth::test {

// Far above any case's expected duration: only a hang hits it.
inline constexpr int kWaitMs = 15000;
extern const QString Repository; // "acme/app"
extern const QString TagsPath;   // "/v2/acme/app/tags/list"

QString manifestPath(const QString& reference);

extern const QByteArray ImageManifest; // an OCI image manifest with no layers
extern const QByteArray OciManifestType;

// Waits for one asynchronous result; declared before the client so it outlives it.
template <typename T> class Pending {
public:
    Pending() { m_clock.start(); }

    Callback<T> callback() {
        return [this](Result<T> result) {
            ++m_calls;
            m_elapsedMs = m_clock.elapsed();
            m_result.emplace(std::move(result));
        };
    }
    bool isDone() const { return m_result.has_value(); }
    const Result<T>& result() const { return *m_result; }
    QString message() const { return m_result ? m_result->errorMessage() : QString(); }
    int calls() const { return m_calls; }
    qint64 elapsedMs() const { return m_elapsedMs; } // from construction to the callback
    void restartClock() { m_clock.restart(); }

private:
    QElapsedTimer m_clock;
    std::optional<Result<T>> m_result;
    int m_calls = 0;
    qint64 m_elapsedMs = -1;
};

// Options that keep the suite fast and never read the developer's own docker login.
RegistryOptions hostileOptions(const QTemporaryDir& configDir, int maxRetries = 2,
                               int transferTimeoutMs = 5000);

} // namespace berth::test

#define WAIT_FOR(pending) QTRY_VERIFY_WITH_TIMEOUT((pending).isDone(), berth::test::kWaitMs)
#define VERIFY_OK(pending) QVERIFY2((pending).result().ok(), qPrintable((pending).message()))
#define VERIFY_FAILED(pending) QVERIFY2(!(pending).result().ok(), "expected an error, got a value")
#define VERIFY_MENTIONS(text, fragment)                                                            \
    QVERIFY2((text).contains(fragment),                                                            \
             qPrintable(QStringLiteral("\"%1\" does not mention \"%2\"").arg(text, fragment)))
