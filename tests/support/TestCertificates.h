#pragma once

// A throwaway PKI for the TLS servers the tests start, made with the openssl command
// line: one CA, and certificates it issues for 127.0.0.1 (a server) or for a client.

#include <QString>

namespace berth::test {

class TestCertificates {
public:
    // Files go into `folder`, which must exist.
    explicit TestCertificates(QString folder);

    // ca.pem and ca.key.
    bool createAuthority();
    // <name>.pem and <name>.key, issued by the authority: a server certificate names
    // 127.0.0.1 and localhost in its subjectAltName; a client one is for clientAuth.
    enum class Use { Server, Client };
    bool issue(const QString& name, Use use);

    QString path(const QString& file) const;
    QString errorString() const { return m_error; }

private:
    bool openssl(const QStringList& arguments);
    bool fail(const QString& message);

    QString m_folder;
    QString m_error;
};

} // namespace berth::test
