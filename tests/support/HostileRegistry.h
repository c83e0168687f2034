#pragma once

// A misbehaving registry for client tests: a small HTTP/1.1 server on 127.0.0.1 that
// answers what each test scripts per "METHOD path" (lying Content-Length, cut bodies,
// stalls, delays, sequences such as 500 then 200) and records every request it got,
// so a test can check what the client sent, where, and how often.

#include <QByteArray>
#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QString>
#include <QUrl>

class QTcpServer;
class QTcpSocket;

namespace berth::test {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

struct HostileAnswer {
    int status = 200;
    HeaderList headers;
    QByteArray body; // a HEAD answer announces its length but sends none of it
    // Content-Length announced; -1 tells the truth. A value larger than what goes out
    // makes the client wait for bytes that never come (unless closeAfterBody).
    qint64 contentLength = -1;
    bool omitContentLength = false; // the body then ends when the connection closes
    qint64 sendBodyBytes = -1;      // body bytes actually written; -1 means all of them
    bool closeAfterBody = false;    // close the connection once the bytes are written
    int delayMs = 0;                // wait this long before answering at all

    static HostileAnswer json(int status, const QByteArray& body, HeaderList headers = {});
    // {"errors":[{"code":..., "message":...}]} as distribution sends it.
    static HostileAnswer registryError(int status, const QByteArray& code,
                                       const QByteArray& message);
};

struct RecordedRequest {
    QByteArray method;
    QByteArray target; // as on the request line, query included
    QString path;      // percent-decoded, without the query
    QString query;
    HeaderList headers;
    QByteArray body;
    qint64 receivedAtMs = 0; // since the server started listening
    QDateTime receivedAtUtc;
    int connection = 0; // which TCP connection carried it

    QByteArray header(const QByteArray& name) const;
    bool hasHeader(const QByteArray& name) const;
};

class HostileRegistry : public QObject {
    Q_OBJECT
public:
    // What a connection that opens with a TLS ClientHello (an https probe) gets.
    enum class TlsProbe { Close, Garbage, Silent };

    explicit HostileRegistry(QObject* parent = nullptr);
    ~HostileRegistry() override;

    // Listens on 127.0.0.1 on a free port.
    bool listen();
    quint16 port() const;
    QString hostPort() const; // "127.0.0.1:<port>", the registry domain for the client
    QUrl baseUrl() const;     // "http://127.0.0.1:<port>"

    // The answer to every request for `method` `path` (no query). A sequence is used
    // in order, one answer per request; its last answer then repeats.
    void setAnswer(const QByteArray& method, const QString& path, HostileAnswer answer);
    void setAnswers(const QByteArray& method, const QString& path, QList<HostileAnswer> answers);
    // Requests under `pathPrefix` without exactly this Authorization value get 401 and
    // `challenge` as WWW-Authenticate, before any scripted answer is looked at.
    void requireAuthorization(const QByteArray& authorization, const QByteArray& challenge,
                              const QString& pathPrefix = QStringLiteral("/v2/"));
    void setTlsProbe(TlsProbe behaviour) { m_tlsProbe = behaviour; }
    // false: every answer carries "Connection: close" and the connection ends after it.
    void setKeepAlive(bool keepAlive) { m_keepAlive = keepAlive; }

    // Holds the answers to requests under `pathPrefix` until `open` of them wait for one at
    // once (or all those still to come of `expected`, when fewer remain), then sends the
    // held ones together. How many requests a client keeps in flight then shows without
    // any clock: a client that cannot keep `open` in flight never gets its answers.
    void holdAnswersUntilOpen(int open, int expected, const QString& pathPrefix);
    // The most requests that waited for an answer at once while answers were held.
    int mostOpenAtOnce() const { return m_mostOpen; }

    const QList<RecordedRequest>& requests() const { return m_requests; }
    QList<RecordedRequest> requestsFor(const QByteArray& method, const QString& path) const;
    int hitCount(const QByteArray& method, const QString& path) const;
    int tlsHellos() const { return m_tlsHellos; } // connections that began with TLS
    int connectionCount() const { return m_connectionCount; }

signals:
    void requestReceived(const QByteArray& method, const QString& path);

private:
    struct Connection;

    void onNewConnection();
    void onReadyRead(QTcpSocket* socket);
    void processBuffer(QTcpSocket* socket);
    void answer(QTcpSocket* socket, const RecordedRequest& request);
    void writeAnswer(QTcpSocket* socket, const RecordedRequest& request,
                     const HostileAnswer& answer);
    HostileAnswer answerFor(const RecordedRequest& request);
    void releaseHeldAnswers();

    QTcpServer* m_server;
    QElapsedTimer m_clock;
    QHash<QTcpSocket*, Connection*> m_connections;
    QHash<QString, QList<HostileAnswer>> m_answers; // "METHOD path"
    QHash<QString, int> m_answerIndex;
    QByteArray m_requiredAuthorization;
    QByteArray m_challenge;
    QString m_protectedPrefix;
    bool m_authRequired = false;
    TlsProbe m_tlsProbe = TlsProbe::Close;
    bool m_keepAlive = true;
    QList<RecordedRequest> m_requests;
    int m_tlsHellos = 0;
    int m_connectionCount = 0;
    struct HeldAnswer {
        QPointer<QTcpSocket> socket;
        RecordedRequest request;
        HostileAnswer answer;
    };
    QList<HeldAnswer> m_held;
    int m_holdUntilOpen = 0; // 0: answers are not held
    QString m_heldPrefix;
    int m_expectedRequests = 0;
    int m_releasedAnswers = 0;
    int m_mostOpen = 0;
    bool m_releaseScheduled = false;
};

} // namespace berth::test
