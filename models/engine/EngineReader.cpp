#include "engine/EngineReader.h"

#include <QPointer>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace berth {

EngineClient& EngineReader::clientOf(const QString& host) {
    auto found = m_clients.find(host);
    if (found == m_clients.end())
        found = m_clients.emplace(host, std::make_unique<EngineClient>(host)).first;
    return *found->second;
}

void EngineReader::read(const QStringList& hosts, QObject* context,
                        std::function<void(QList<EngineRead>)> done, int timeoutMs) {
    struct Gathering {
        QList<EngineRead> reads;
        int pending = 0;
        std::function<void(QList<EngineRead>)> done;
    };
    auto gathering = std::make_shared<Gathering>();
    gathering->done = std::move(done);
    gathering->pending = int(hosts.size());
    for (const QString& host : hosts)
        gathering->reads.append({host, Error::make(u"not read yet"_s)});
    if (hosts.isEmpty())
        return gathering->done({});
    for (qsizetype index = 0; index < hosts.size(); ++index) {
        auto answered = std::make_shared<bool>(false);
        const auto deliver = [gathering, index, answered](Result<QList<RunningContainer>> result) {
            if (*answered)
                return;
            *answered = true;
            gathering->reads[index].containers = std::move(result);
            if (--gathering->pending == 0)
                gathering->done(gathering->reads);
        };
        const EngineOperation operation =
            clientOf(hosts[index])
                .run<QList<RunningContainer>>(
                    context, {}, deliver,
                    [](EngineConnection& connection, const EngineConnection::ProgressSink&) {
                        return readContainers(connection);
                    });
        QTimer::singleShot(timeoutMs, context, [deliver, operation, timeoutMs] {
            operation.cancel();
            deliver(Error::make(u"no answer within %1 s"_s.arg(timeoutMs / 1000)));
        });
    }
}

} // namespace berth
