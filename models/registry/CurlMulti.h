#pragma once

// HTTP exchanges carried by libcurl's multi interface on this thread's Qt event loop:
// no thread of its own, no blocking call. Connections are kept and reused across
// exchanges. It carries bytes and reports what happened; RegistryTransport decides
// what to retry, authorise and follow.
//
// Why not QNetworkAccessManager: for plain HTTP it reads response headers one byte per
// read() system call (some 370 calls for a manifest HEAD) and spends about five times
// libcurl's instructions per request: most of a warm refresh of a 1,005-tag repository.

#include "registry/HttpMessage.h"

#include <QObject>

#include <functional>
#include <memory>

namespace berth {

struct CurlRequest {
    QByteArray method = QByteArrayLiteral("GET");
    QUrl url;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    qint64 maxBodyBytes = 4 * 1024 * 1024;
    int idleTimeoutMs = 30000; // no byte in either direction for this long: give up
    bool verifyPeer = true;    // TLS certificate and host name
    QString caFile;            // PEM CAs trusted besides the system's
};

// No registry sends a response header anywhere near this; a larger one is refused.
inline constexpr qint64 kMaxHeaderBytes = 64 * 1024;

struct CurlOutcome {
    enum class Failure {
        None,           // an HTTP answer arrived whole: see response
        NotTrusted,     // the TLS certificate did not verify
        NeverDelivered, // refused, unresolvable or no TLS session: nothing was sent
        Interrupted,    // timed out or cut off: worth retrying, may have been carried out
        TooLarge,       // the answer was larger than maxBodyBytes
        HeaderTooLarge, // the response header was larger than kMaxHeaderBytes
        Other,          // anything else libcurl reports
    };
    Failure failure = Failure::None;
    QString detail; // libcurl's words when failure != None
    HttpResponse response;
};

class CurlMulti : public QObject {
    Q_OBJECT
public:
    using TransferId = quint64;
    using Done = std::function<void(CurlOutcome)>;

    // maxIdleConnections: connections kept open for reuse once their exchanges ended.
    explicit CurlMulti(int maxIdleConnections, QObject* parent = nullptr);
    ~CurlMulti() override; // running transfers end without calling back

    // done is called exactly once, from the event loop, unless abort() comes first.
    TransferId start(CurlRequest request, Done done);
    // Stops a running transfer; its done is never called. Unknown ids are ignored.
    void abort(TransferId id);

private:
    struct State; // libcurl's handles and callbacks; curl's types stay out of this header
    std::unique_ptr<State> m_state;
};

} // namespace berth
