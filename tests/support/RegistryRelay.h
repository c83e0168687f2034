#pragma once

// A TCP relay on 127.0.0.1 in front of a registry that can hold back one manifest PUT,
// the request that moves a tag at the very end of a push. While it is held, the pushing
// engine is provably in the middle of its push and a test can kill it; afterwards the
// held bytes are either dropped (the registry never saw the PUT) or delivered (the
// registry carries it out although its sender is gone). Everything else passes through
// untouched, so clients use hostPort() as the registry's domain.

#include <QByteArray>
#include <QObject>
#include <QString>

#include <memory>
#include <vector>

class QTcpServer;
class QTcpSocket;

namespace berth::test {

class RegistryRelay : public QObject {
    Q_OBJECT
public:
    enum class Fate { Drop, Deliver };

    explicit RegistryRelay(quint16 upstreamPort, QObject* parent = nullptr);
    ~RegistryRelay() override;

    // Listens on 127.0.0.1 on a free port.
    bool listen();
    QString hostPort() const;

    // The next "PUT /v2/<repository>/manifests/…" stops here: none of its bytes reach
    // the registry until release(). isHolding() says when it has arrived.
    void holdNextManifestPut(const QString& repository);
    bool isHolding() const;

    // Drop: the held connection to the registry is cut before any byte of the PUT
    // went out. Deliver: the PUT goes out; the registry's answer is read and discarded
    // if the client is gone.
    void release(Fate fate);
    // Whether the registry has answered the delivered PUT.
    bool deliveredPutAnswered() const { return m_deliveredAnswered; }

private:
    struct Pipe;

    void onNewConnection();
    void onClientData(Pipe* pipe);
    void forward(Pipe* pipe, const QByteArray& data);

    quint16 m_upstreamPort;
    QTcpServer* m_server;
    std::vector<std::unique_ptr<Pipe>> m_pipes;
    QByteArray m_marker; // the request line prefix to hold; empty when not armed
    Pipe* m_held = nullptr;
    bool m_deliveredAnswered = false;
};

} // namespace berth::test
