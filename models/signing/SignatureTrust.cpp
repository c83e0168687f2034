#include "signing/SignatureTrust.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

constexpr qint64 kMaxBundleFileBytes = 1024 * 1024; // a CA bundle is a few kilobytes

} // namespace

Result<CertificateAuthorities> CertificateAuthorities::fromPem(const QByteArray& pem,
                                                               const QString& name) {
    const std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem.constData(), int(pem.size())), &BIO_free);
    CertificateAuthorities authorities;
    authorities.m_name = name;
    while (bio) {
        X509* certificate = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
        if (!certificate)
            break;
        unsigned char* der = nullptr;
        const int length = i2d_X509(certificate, &der);
        if (length > 0)
            authorities.m_certificates.append(
                QByteArray(reinterpret_cast<const char*>(der), length));
        OPENSSL_free(der);
        X509_free(certificate);
    }
    ERR_clear_error(); // the end of the blocks reads as an error
    if (authorities.m_certificates.isEmpty())
        return Error::make(
            u"%1 holds no PEM certificate (a \"BEGIN CERTIFICATE\" block)."_s.arg(name));
    return authorities;
}

Result<CertificateAuthorities> CertificateAuthorities::fromFile(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::make(
            u"Cannot read the certificate authorities %1: %2."_s.arg(path, file.errorString()));
    if (file.size() > kMaxBundleFileBytes)
        return Error::make(u"%1 is too large to be a certificate bundle."_s.arg(path));
    return fromPem(file.readAll(), QFileInfo(path).fileName());
}

QString SignatureTrust::fingerprint() const {
    QStringList parts;
    for (const VerificationKey& key : keys)
        parts.append(u"key "_s + key.fingerprint());
    for (const VerificationKey& key : logKeys)
        parts.append(u"log "_s + key.fingerprint());
    for (const CertificateAuthorities& authority : authorities)
        for (const QByteArray& der : authority.certificates())
            parts.append(u"ca "_s +
                         QString::fromLatin1(
                             QCryptographicHash::hash(der, QCryptographicHash::Sha256).toHex()));
    for (const CertificateIdentity& identity : identities)
        parts.append(u"id "_s + identity.text());
    parts.sort();
    return u"sha256:"_s + QString::fromLatin1(QCryptographicHash::hash(parts.join(u'\n').toUtf8(),
                                                                       QCryptographicHash::Sha256)
                                                  .toHex());
}

} // namespace berth
