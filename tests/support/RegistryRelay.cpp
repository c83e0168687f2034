#include "RegistryRelay.h"

#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>

#include <algorithm>
#include <utility>

using namespace Qt::StringLiterals;

namespace berth::test {

namespace {

// Enough of the bytes already forwarded to find a request line split across two reads.
constexpr qsizetype kTailBytes = 512;

} // namespace

// One client connection and the relay's own connection to the registry for it. Both
// sockets are children of the relay.
struct RegistryRelay::Pipe {
    QTcpSocket* client = nullptr;
    QTcpSocket* upstream = nullptr;
    QByteArray unsent; // client bytes waiting for the registry connection
    QByteArray tail;   // the last bytes forwarded
    QByteArray held;   // the held PUT and whatever the client sent after it
    bool holding = false;
    bool delivered = false;
};

RegistryRelay::RegistryRelay(quint16 upstreamPort, QObject* parent)
    : QObject(parent)
    , m_upstreamPort(upstreamPort)
    , m_server(new QTcpServer(this)) {
    connect(m_server, &QTcpServer::newConnection, this, &RegistryRelay::onNewConnection);
}

RegistryRelay::~RegistryRelay() {
    // The sockets outlive the pipes by a moment (QObject deletes children last): their
    // signals must not reach lambdas holding the freed pipes.
    m_server->close();
    for (const auto& pipe : m_pipes) {
        pipe->client->disconnect(this);
        pipe->upstream->disconnect(this);
        pipe->client->abort();
        pipe->upstream->abort();
    }
}

bool RegistryRelay::listen() {
    return m_server->listen(QHostAddress::LocalHost, 0);
}

QString RegistryRelay::hostPort() const {
    return u"127.0.0.1:%1"_s.arg(m_server->serverPort());
}

void RegistryRelay::holdNextManifestPut(const QString& repository) {
    m_marker = "PUT /v2/" + repository.toUtf8() + "/manifests/";
}

bool RegistryRelay::isHolding() const {
    return m_held != nullptr;
}

void RegistryRelay::onNewConnection() {
    while (QTcpSocket* client = m_server->nextPendingConnection()) {
        auto owned = std::make_unique<Pipe>();
        Pipe* pipe = owned.get();
        m_pipes.push_back(std::move(owned));
        pipe->client = client;
        pipe->upstream = new QTcpSocket(this);

        connect(pipe->upstream, &QTcpSocket::connected, this, [pipe] {
            if (!pipe->unsent.isEmpty())
                pipe->upstream->write(std::exchange(pipe->unsent, {}));
        });
        connect(client, &QTcpSocket::readyRead, this, [this, pipe] { onClientData(pipe); });
        connect(pipe->upstream, &QTcpSocket::readyRead, this, [this, pipe] {
            const QByteArray answer = pipe->upstream->readAll();
            if (pipe->delivered)
                m_deliveredAnswered = true;
            if (pipe->client->state() == QAbstractSocket::ConnectedState)
                pipe->client->write(answer);
            else
                pipe->upstream->disconnectFromHost(); // nobody left to tell
        });
        connect(client, &QTcpSocket::disconnected, this, [pipe] {
            // A held or delivered PUT keeps its registry connection: its fate is the
            // test's to decide, and the registry must be able to answer it.
            if (!pipe->holding && !pipe->delivered)
                pipe->upstream->disconnectFromHost();
        });
        connect(pipe->upstream, &QTcpSocket::disconnected, this,
                [pipe] { pipe->client->disconnectFromHost(); });

        pipe->upstream->connectToHost(QHostAddress::LocalHost, m_upstreamPort);
        if (client->bytesAvailable() > 0)
            onClientData(pipe);
    }
}

void RegistryRelay::onClientData(Pipe* pipe) {
    const QByteArray data = pipe->client->readAll();
    if (data.isEmpty())
        return;
    if (pipe->holding) {
        pipe->held += data;
        return;
    }
    if (!m_marker.isEmpty()) {
        const qsizetype at = QByteArray(pipe->tail + data).indexOf(m_marker);
        if (at >= 0) {
            // A request line split across reads had its start forwarded already; the
            // registry then waits for the rest, which is as good as never seeing it.
            const qsizetype split = std::max<qsizetype>(0, at - pipe->tail.size());
            forward(pipe, data.left(split));
            pipe->held = data.mid(split);
            pipe->holding = true;
            m_held = pipe;
            m_marker.clear();
            return;
        }
    }
    forward(pipe, data);
    pipe->tail = QByteArray(pipe->tail + data).right(kTailBytes);
}

void RegistryRelay::forward(Pipe* pipe, const QByteArray& data) {
    if (data.isEmpty())
        return;
    if (pipe->upstream->state() == QAbstractSocket::ConnectedState)
        pipe->upstream->write(data);
    else
        pipe->unsent += data;
}

void RegistryRelay::release(Fate fate) {
    Pipe* pipe = std::exchange(m_held, nullptr);
    if (!pipe)
        return;
    pipe->holding = false;
    if (fate == Fate::Drop) {
        pipe->held.clear();
        pipe->upstream->abort();
        pipe->client->abort();
        return;
    }
    pipe->delivered = true;
    forward(pipe, std::exchange(pipe->held, {}));
}

} // namespace berth::test
