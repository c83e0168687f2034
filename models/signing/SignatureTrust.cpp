#include "signing/SignatureTrust.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

constexpr qint64 kMaxBundleFileBytes = 1024 * 1024; // a CA bundle is a few kilobytes

QRegularExpression wholeMatch(const QString& pattern) {
    return QRegularExpression(QRegularExpression::anchoredPattern(pattern));
}

} // namespace

bool CertificateIdentity::matches(const QString& certificateIssuer,
                                  const QStringList& subjects) const {
    if (certificateIssuer != issuer)
        return false;
    if (!subjectPattern.isEmpty()) {
        const QRegularExpression expression = wholeMatch(subjectPattern);
        return std::any_of(subjects.cbegin(), subjects.cend(),
                           [&](const QString& each) { return expression.match(each).hasMatch(); });
    }
    return subjects.contains(subject);
}

QString CertificateIdentity::text() const {
    const QString who = subjectPattern.isEmpty() ? subject : u"/%1/"_s.arg(subjectPattern);
    return u"%1 from %2"_s.arg(who, issuer);
}

Status CertificateIdentity::check() const {
    if (issuer.isEmpty())
        return Error::make(u"an identity names no issuer"_s);
    if (subject.isEmpty() == subjectPattern.isEmpty())
        return Error::make(u"an identity names a subject or a subject pattern, one of the two"_s);
    if (!subjectPattern.isEmpty() && !wholeMatch(subjectPattern).isValid())
        return Error::make(u"the subject pattern %1 is no regular expression: %2"_s.arg(
            subjectPattern, wholeMatch(subjectPattern).errorString()));
    return success();
}

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

} // namespace berth
