#include "TestCertificates.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace berth::test {

namespace {

constexpr int kToolTimeoutMs = 30000;

const QStringList kEcKey = {u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s, u"ec_paramgen_curve:prime256v1"_s,
                            u"-nodes"_s};

} // namespace

TestCertificates::TestCertificates(QString folder)
    : m_folder(std::move(folder)) {
}

QString TestCertificates::path(const QString& file) const {
    return QDir(m_folder).filePath(file);
}

bool TestCertificates::fail(const QString& message) {
    m_error = message;
    return false;
}

bool TestCertificates::openssl(const QStringList& arguments) {
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setWorkingDirectory(m_folder);
    process.start(u"openssl"_s, arguments);
    if (!process.waitForStarted(kToolTimeoutMs))
        return fail(u"could not run openssl: %1"_s.arg(process.errorString()));
    process.closeWriteChannel();
    if (!process.waitForFinished(kToolTimeoutMs) || process.exitStatus() != QProcess::NormalExit ||
        process.exitCode() != 0)
        return fail(u"openssl %1 failed: %2"_s.arg(arguments.join(u' '),
                                                   QString::fromUtf8(process.readAll()).trimmed()));
    return true;
}

bool TestCertificates::createAuthority() {
    return openssl(QStringList{u"req"_s, u"-x509"_s}
                   << kEcKey
                   << QStringList{u"-keyout"_s, path(u"ca.key"_s), u"-out"_s, path(u"ca.pem"_s),
                                  u"-days"_s, u"7"_s, u"-subj"_s, u"/CN=Berth Test CA"_s,
                                  u"-addext"_s, u"basicConstraints=critical,CA:TRUE"_s,
                                  u"-addext"_s, u"keyUsage=critical,keyCertSign,cRLSign"_s});
}

bool TestCertificates::issue(const QString& name, Use use) {
    const QString key = path(name + u".key"_s);
    const QString request = path(name + u".csr"_s);
    const QString subject = use == Use::Server ? u"/CN=127.0.0.1"_s : u"/CN=berth-test-client"_s;
    if (!openssl(QStringList{u"req"_s}
                 << kEcKey
                 << QStringList{u"-keyout"_s, key, u"-out"_s, request, u"-subj"_s, subject}))
        return false;
    // Clients check the SAN, not the CN; name both ways a test may reach the server.
    const QByteArray extensions = use == Use::Server
                                      ? QByteArray("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                                   "basicConstraints=critical,CA:FALSE\n"
                                                   "keyUsage=critical,digitalSignature\n"
                                                   "extendedKeyUsage=serverAuth\n")
                                      : QByteArray("basicConstraints=critical,CA:FALSE\n"
                                                   "keyUsage=critical,digitalSignature\n"
                                                   "extendedKeyUsage=clientAuth\n");
    const QString extensionFile = path(name + u".ext"_s);
    QFile file(extensionFile);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        file.write(extensions) != extensions.size())
        return fail(u"could not write %1"_s.arg(extensionFile));
    file.close();
    const QString serial = QString::number(QRandomGenerator::global()->generate64() >> 2);
    return openssl({u"x509"_s, u"-req"_s, u"-in"_s, request, u"-CA"_s, path(u"ca.pem"_s),
                    u"-CAkey"_s, path(u"ca.key"_s), u"-set_serial"_s, serial, u"-days"_s, u"7"_s,
                    u"-extfile"_s, extensionFile, u"-out"_s, path(name + u".pem"_s)});
}

} // namespace berth::test
