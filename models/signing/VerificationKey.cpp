#include "signing/VerificationKey.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

constexpr qint64 kMaxKeyFileBytes = 64 * 1024; // a public key is a few hundred bytes
constexpr int kMinimumRsaBits = 2048;

using KeyPointer = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

// The algorithm's name, or empty when Berth does not verify with such keys.
QString algorithmOf(EVP_PKEY* key) {
    switch (EVP_PKEY_base_id(key)) {
    case EVP_PKEY_EC: {
        char curve[64] = {};
        size_t length = 0;
        if (EVP_PKEY_get_utf8_string_param(key, "group", curve, sizeof curve, &length) != 1)
            return {};
        const QByteArray name(curve, qsizetype(length));
        if (name == "prime256v1" || name == "P-256")
            return u"ECDSA P-256"_s;
        if (name == "secp384r1" || name == "P-384")
            return u"ECDSA P-384"_s;
        return {};
    }
    case EVP_PKEY_RSA:
        return EVP_PKEY_get_bits(key) >= kMinimumRsaBits ? u"RSA %1"_s.arg(EVP_PKEY_get_bits(key))
                                                         : QString();
    case EVP_PKEY_ED25519:
        return u"Ed25519"_s;
    default:
        return {};
    }
}

} // namespace

struct VerificationKey::Key {
    KeyPointer pointer{nullptr, &EVP_PKEY_free};
};

Result<VerificationKey> VerificationKey::fromPem(const QByteArray& pem, const QString& name) {
    const std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem.constData(), int(pem.size())), &BIO_free);
    auto key = std::make_shared<Key>();
    if (bio)
        key->pointer.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    ERR_clear_error(); // a failed read must not surface later as some TLS failure's cause
    if (!key->pointer)
        return Error::make(
            u"%1 holds no PEM public key (a \"BEGIN PUBLIC KEY\" block)."_s.arg(name));
    const QString algorithm = algorithmOf(key->pointer.get());
    if (algorithm.isEmpty())
        return Error::make(u"%1: Berth verifies with ECDSA P-256 or P-384, RSA of 2048 bits or "
                           u"more, or Ed25519 keys; this is none of them."_s.arg(name));
    unsigned char* der = nullptr;
    const int derLength = i2d_PUBKEY(key->pointer.get(), &der);
    if (derLength <= 0)
        return Error::make(u"%1: the public key cannot be encoded."_s.arg(name));
    const QByteArray encoded(reinterpret_cast<const char*>(der), derLength);
    OPENSSL_free(der);

    VerificationKey result;
    result.m_key = std::move(key);
    result.m_name = name;
    result.m_algorithm = algorithm;
    result.m_fingerprint =
        u"sha256:"_s +
        QString::fromLatin1(QCryptographicHash::hash(encoded, QCryptographicHash::Sha256).toHex());
    return result;
}

Result<VerificationKey> VerificationKey::fromFile(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::make(u"Cannot read the key %1: %2."_s.arg(path, file.errorString()));
    if (file.size() > kMaxKeyFileBytes)
        return Error::make(u"%1 is too large to be a public key."_s.arg(path));
    return fromPem(file.readAll(), QFileInfo(path).fileName());
}

bool VerificationKey::verifies(const QByteArray& message, const QByteArray& signature) const {
    if (!m_key)
        return false;
    const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                          &EVP_MD_CTX_free);
    if (!context)
        return false;
    EVP_PKEY* key = m_key->pointer.get();
    // Ed25519 hashes inside the scheme: no digest is named for it.
    const EVP_MD* digest = EVP_PKEY_base_id(key) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
    bool verified = false;
    if (EVP_DigestVerifyInit(context.get(), nullptr, digest, nullptr, key) == 1) {
        verified = EVP_DigestVerify(context.get(),
                                    reinterpret_cast<const unsigned char*>(signature.constData()),
                                    size_t(signature.size()),
                                    reinterpret_cast<const unsigned char*>(message.constData()),
                                    size_t(message.size())) == 1;
    }
    ERR_clear_error();
    return verified;
}

} // namespace berth
