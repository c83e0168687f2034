#pragma once

// Reads the containers of several engines at once, each on its own worker and within a
// time limit: one engine that hangs or is gone is answered for as such, and never holds
// up the others. Keeps one client per engine for the reads that follow.

#include "engine/EngineClient.h"
#include "engine/RunningReport.h"

#include <functional>
#include <map>

namespace berth {

class EngineReader {
public:
    static constexpr int kDefaultTimeoutMs = 10000;

    // `done` gets one EngineRead per host, in the order given, on the calling thread and
    // only while `context` lives.
    void read(const QStringList& hosts, QObject* context,
              std::function<void(QList<EngineRead>)> done, int timeoutMs = kDefaultTimeoutMs);

private:
    EngineClient& clientOf(const QString& host);

    std::map<QString, std::unique_ptr<EngineClient>> m_clients;
};

} // namespace berth
