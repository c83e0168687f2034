#include "HostileRegistry.h"

#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace berth::test {

namespace {

constexpr qsizetype kMaxRequestHead = 64 * 1024;
constexpr char kTlsHandshakeRecord = 0x16; // first byte of every TLS ClientHello

QString answerKey(const QByteArray& method, const QString& path) {
    return QString::fromLatin1(method.toUpper()) + u' ' + path;
}

QByteArray reasonPhrase(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 408:
        return "Request Timeout";
    case 413:
        return "Payload Too Large";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "Whatever";
    }
}

bool hasHeaderNamed(const HeaderList& headers, const QByteArray& name) {
    for (const auto& [key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

HostileAnswer HostileAnswer::json(int status, const QByteArray& body, HeaderList headers) {
    HostileAnswer answer;
    answer.status = status;
    answer.body = body;
    answer.headers = std::move(headers);
    if (!hasHeaderNamed(answer.headers, "Content-Type"))
        answer.headers.emplaceBack("Content-Type", "application/json; charset=utf-8");
    return answer;
}

HostileAnswer HostileAnswer::registryError(int status, const QByteArray& code,
                                           const QByteArray& message) {
    return json(status, R"({"errors":[{"code":")" + code + R"(","message":")" + message +
                            R"(","detail":null}]})");
}

QByteArray RecordedRequest::header(const QByteArray& name) const {
    for (const auto& [key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

bool RecordedRequest::hasHeader(const QByteArray& name) const {
    return hasHeaderNamed(headers, name);
}

struct HostileRegistry::Connection {
    int id = 0;
    QByteArray buffer;
    bool sawFirstBytes = false;
    bool tls = false;  // began with a ClientHello: never spoken to as HTTP
    bool busy = false; // an answer is pending (delayed) or stalled on this connection
};

HostileRegistry::HostileRegistry(QObject* parent)
    : QObject(parent)
    , m_server(new QTcpServer(this)) {
    connect(m_server, &QTcpServer::newConnection, this, &HostileRegistry::onNewConnection);
    setAnswer(
        "GET", u"/v2/"_s,
        HostileAnswer::json(200, "{}", {{"Docker-Distribution-API-Version", "registry/2.0"}}));
}

HostileRegistry::~HostileRegistry() {
    m_server->close();
    for (auto it = m_connections.cbegin(); it != m_connections.cend(); ++it) {
        it.key()->disconnect(this);
        it.key()->abort();
        delete it.value();
    }
    m_connections.clear();
}

bool HostileRegistry::listen() {
    if (!m_server->listen(QHostAddress::LocalHost, 0))
        return false;
    m_clock.start();
    return true;
}

quint16 HostileRegistry::port() const {
    return m_server->serverPort();
}

QString HostileRegistry::hostPort() const {
    return u"127.0.0.1:%1"_s.arg(port());
}

QUrl HostileRegistry::baseUrl() const {
    return QUrl(u"http://"_s + hostPort());
}

void HostileRegistry::setAnswer(const QByteArray& method, const QString& path,
                                HostileAnswer answer) {
    setAnswers(method, path, {std::move(answer)});
}

void HostileRegistry::setAnswers(const QByteArray& method, const QString& path,
                                 QList<HostileAnswer> answers) {
    const QString key = answerKey(method, path);
    m_answers.insert(key, std::move(answers));
    m_answerIndex.insert(key, 0);
}

void HostileRegistry::requireAuthorization(const QByteArray& authorization,
                                           const QByteArray& challenge, const QString& pathPrefix) {
    m_authRequired = true;
    m_requiredAuthorization = authorization;
    m_challenge = challenge;
    m_protectedPrefix = pathPrefix;
}

QList<RecordedRequest> HostileRegistry::requestsFor(const QByteArray& method,
                                                    const QString& path) const {
    QList<RecordedRequest> matching;
    for (const RecordedRequest& request : m_requests) {
        if (request.method == method && request.path == path)
            matching.append(request);
    }
    return matching;
}

int HostileRegistry::hitCount(const QByteArray& method, const QString& path) const {
    return int(requestsFor(method, path).size());
}

void HostileRegistry::onNewConnection() {
    while (QTcpSocket* socket = m_server->nextPendingConnection()) {
        auto* connection = new Connection;
        connection->id = ++m_connectionCount;
        m_connections.insert(socket, connection);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            delete m_connections.take(socket);
            socket->deleteLater();
        });
    }
}

void HostileRegistry::onReadyRead(QTcpSocket* socket) {
    Connection* connection = m_connections.value(socket);
    if (!connection)
        return;
    const QByteArray incoming = socket->readAll();
    if (connection->tls)
        return; // Silent: whatever the TLS client sends goes nowhere
    connection->buffer += incoming;
    if (!connection->sawFirstBytes && !connection->buffer.isEmpty()) {
        connection->sawFirstBytes = true;
        if (connection->buffer.front() == kTlsHandshakeRecord) {
            ++m_tlsHellos;
            connection->tls = true;
            connection->buffer.clear();
            switch (m_tlsProbe) {
            case TlsProbe::Close:
                socket->disconnectFromHost();
                break;
            case TlsProbe::Garbage:
                socket->write("SSH-2.0-certainly-not-tls\r\n\r\n");
                socket->disconnectFromHost();
                break;
            case TlsProbe::Silent:
                break;
            }
            return;
        }
    }
    processBuffer(socket);
}

void HostileRegistry::processBuffer(QTcpSocket* socket) {
    Connection* connection = m_connections.value(socket);
    if (!connection || connection->busy || socket->state() != QAbstractSocket::ConnectedState)
        return;
    const qsizetype headEnd = connection->buffer.indexOf("\r\n\r\n");
    if (headEnd < 0) {
        if (connection->buffer.size() > kMaxRequestHead) {
            connection->busy = true;
            socket->write("HTTP/1.1 431 Request Header Fields Too Large\r\n"
                          "Content-Length: 0\r\nConnection: close\r\n\r\n");
            socket->disconnectFromHost();
        }
        return;
    }

    const QList<QByteArray> lines = connection->buffer.left(headEnd).split('\n');
    const QList<QByteArray> requestLine = lines.front().trimmed().split(' ');
    RecordedRequest request;
    request.method = requestLine.value(0);
    request.target = requestLine.value(1);
    const qsizetype question = request.target.indexOf('?');
    request.path =
        QUrl::fromPercentEncoding(question < 0 ? request.target : request.target.left(question));
    if (question >= 0)
        request.query = QString::fromLatin1(request.target.mid(question + 1));
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            request.headers.emplaceBack(line.left(colon).trimmed(), line.mid(colon + 1).trimmed());
    }
    const qint64 bodyLength = request.header("Content-Length").toLongLong();
    if (connection->buffer.size() < headEnd + 4 + bodyLength)
        return; // the rest of the body is still on its way
    request.body = connection->buffer.mid(headEnd + 4, bodyLength);
    connection->buffer.remove(0, headEnd + 4 + bodyLength);
    request.receivedAtMs = m_clock.elapsed();
    request.receivedAtUtc = QDateTime::currentDateTimeUtc();
    request.connection = connection->id;

    m_requests.append(request);
    connection->busy = true;
    emit requestReceived(request.method, request.path);
    answer(socket, request);
}

HostileAnswer HostileRegistry::answerFor(const RecordedRequest& request) {
    if (m_authRequired && request.path.startsWith(m_protectedPrefix) &&
        request.header("Authorization") != m_requiredAuthorization) {
        HostileAnswer refusal =
            HostileAnswer::registryError(401, "UNAUTHORIZED", "authentication required");
        refusal.headers.emplaceBack("WWW-Authenticate", m_challenge);
        return refusal;
    }
    const QString key = answerKey(request.method, request.path);
    const auto found = m_answers.constFind(key);
    if (found == m_answers.constEnd() || found->isEmpty())
        return HostileAnswer::registryError(
            404, "NOT_FOUND", "nothing scripted for " + key.toUtf8().replace('"', '\''));
    int& index = m_answerIndex[key];
    const HostileAnswer chosen = found->at(std::min<qsizetype>(index, found->size() - 1));
    ++index;
    return chosen;
}

void HostileRegistry::holdAnswersUntilOpen(int open, int expected, const QString& pathPrefix) {
    m_holdUntilOpen = open;
    m_heldPrefix = pathPrefix;
    m_expectedRequests = expected;
    m_releasedAnswers = 0;
    m_mostOpen = 0;
}

void HostileRegistry::releaseHeldAnswers() {
    m_releaseScheduled = false;
    const QList<HeldAnswer> held = std::exchange(m_held, {});
    m_releasedAnswers += int(held.size());
    for (const HeldAnswer& one : held) {
        if (one.socket)
            writeAnswer(one.socket, one.request, one.answer);
    }
}

void HostileRegistry::answer(QTcpSocket* socket, const RecordedRequest& request) {
    const HostileAnswer chosen = answerFor(request);
    if (m_holdUntilOpen > 0 && request.path.startsWith(m_heldPrefix)) {
        m_held.append({socket, request, chosen});
        m_mostOpen = std::max(m_mostOpen, int(m_held.size()));
        const int awaited =
            std::min(m_holdUntilOpen, std::max(1, m_expectedRequests - m_releasedAnswers));
        // From the event loop, so requests already on their way are counted as open first.
        if (int(m_held.size()) >= awaited && !m_releaseScheduled) {
            m_releaseScheduled = true;
            QTimer::singleShot(0, this, &HostileRegistry::releaseHeldAnswers);
        }
        return;
    }
    if (chosen.delayMs <= 0)
        return writeAnswer(socket, request, chosen);
    // The socket is the timer's context: a client that gave up takes the answer with it.
    QTimer::singleShot(chosen.delayMs, socket,
                       [this, socket, request, chosen] { writeAnswer(socket, request, chosen); });
}

void HostileRegistry::writeAnswer(QTcpSocket* socket, const RecordedRequest& request,
                                  const HostileAnswer& answer) {
    Connection* connection = m_connections.value(socket);
    if (!connection || socket->state() != QAbstractSocket::ConnectedState)
        return;
    const bool isHead = request.method == "HEAD";
    const bool close = !m_keepAlive || answer.closeAfterBody || answer.omitContentLength ||
                       request.header("Connection").compare("close", Qt::CaseInsensitive) == 0;
    const qint64 announced = answer.contentLength >= 0 ? answer.contentLength : answer.body.size();

    QByteArray head = "HTTP/1.1 " + QByteArray::number(answer.status) + ' ' +
                      reasonPhrase(answer.status) + "\r\n";
    for (const auto& [name, value] : answer.headers)
        head += name + ": " + value + "\r\n";
    if (!answer.omitContentLength)
        head += "Content-Length: " + QByteArray::number(announced) + "\r\n";
    head += close ? "Connection: close\r\n" : "Connection: keep-alive\r\n";
    head += "\r\n";
    socket->write(head);

    qint64 sent = 0;
    if (!isHead) {
        const qint64 wanted = answer.sendBodyBytes >= 0 ? answer.sendBodyBytes : answer.body.size();
        const QByteArray body = answer.body.left(wanted);
        socket->write(body);
        sent = body.size();
    }
    if (close) {
        socket->disconnectFromHost(); // after what was written has gone out
        return;
    }
    if (!isHead && sent < announced)
        return; // stalled: the client waits for bytes this connection will never carry
    connection->busy = false;
    // A client may have sent its next request while this one was delayed.
    QTimer::singleShot(0, socket, [this, socket] { processBuffer(socket); });
}

} // namespace berth::test
