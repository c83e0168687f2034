#include "core/PemCertificate.h"

#include <QFile>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace berth {

namespace {

// The system bundle is about 200 KB; anything past this is not a CA file.
constexpr qint64 kMaxCaFileBytes = 16 * 1024 * 1024;

} // namespace

bool holdsPemCertificate(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || file.size() > kMaxCaFileBytes)
        return false;
    const QByteArray pem = file.readAll();
    const std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem.constData(), static_cast<int>(pem.size())), &BIO_free);
    if (!bio)
        return false;
    const std::unique_ptr<X509, decltype(&X509_free)> certificate(
        PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
    // A file without one leaves "no start line" on this thread's error queue; it must not
    // surface later as the cause of some unrelated TLS failure.
    ERR_clear_error();
    return certificate != nullptr;
}

} // namespace berth
