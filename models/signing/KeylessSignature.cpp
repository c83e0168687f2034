#include "signing/KeylessSignature.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QRegularExpression>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

using X509Pointer = std::unique_ptr<X509, decltype(&X509_free)>;

// Fulcio's OIDC issuer extensions: the DER UTF8String form, and the raw bytes it replaced.
constexpr char kIssuerOid[] = "1.3.6.1.4.1.57264.1.8";
constexpr char kLegacyIssuerOid[] = "1.3.6.1.4.1.57264.1.1";

X509Pointer noCertificate() {
    return X509Pointer(nullptr, &X509_free);
}

std::vector<X509Pointer> readCertificates(const QByteArray& pem) {
    std::vector<X509Pointer> certificates;
    const std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem.constData(), int(pem.size())), &BIO_free);
    while (bio) {
        X509Pointer certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr),
                                &X509_free);
        if (!certificate)
            break;
        certificates.push_back(std::move(certificate));
    }
    ERR_clear_error(); // the end of the blocks reads as an error
    return certificates;
}

X509Pointer readCertificate(const QByteArray& pem) {
    std::vector<X509Pointer> all = readCertificates(pem);
    return all.empty() ? noCertificate() : std::move(all.front());
}

QString asn1Text(const ASN1_STRING* text) {
    return QString::fromUtf8(reinterpret_cast<const char*>(ASN1_STRING_get0_data(text)),
                             ASN1_STRING_length(text));
}

// The raw value of the extension `oid`, or nothing.
std::optional<QByteArray> extensionValue(X509* certificate, const char* oid) {
    const std::unique_ptr<ASN1_OBJECT, decltype(&ASN1_OBJECT_free)> object(OBJ_txt2obj(oid, 1),
                                                                           &ASN1_OBJECT_free);
    const int index = object ? X509_get_ext_by_OBJ(certificate, object.get(), -1) : -1;
    if (index < 0)
        return std::nullopt;
    const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(certificate, index));
    return QByteArray(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                      ASN1_STRING_length(data));
}

QString issuerOf(X509* certificate) {
    if (const auto value = extensionValue(certificate, kIssuerOid)) {
        const auto* cursor = reinterpret_cast<const unsigned char*>(value->constData());
        const std::unique_ptr<ASN1_UTF8STRING, decltype(&ASN1_UTF8STRING_free)> text(
            d2i_ASN1_UTF8STRING(nullptr, &cursor, long(value->size())), &ASN1_UTF8STRING_free);
        ERR_clear_error();
        if (text)
            return asn1Text(text.get());
    }
    if (const auto value = extensionValue(certificate, kLegacyIssuerOid))
        return QString::fromUtf8(*value);
    return {};
}

QStringList subjectsOf(X509* certificate) {
    QStringList subjects;
    auto* names = static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
    for (int index = 0; names && index < sk_GENERAL_NAME_num(names); ++index) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, index);
        if (name->type == GEN_EMAIL || name->type == GEN_URI)
            subjects.append(asn1Text(name->d.ia5));
    }
    GENERAL_NAMES_free(names);
    return subjects;
}

// The certificate's public key as a key Berth verifies with.
Result<VerificationKey> keyOf(X509* certificate) {
    const std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
    EVP_PKEY* key = X509_get0_pubkey(certificate);
    if (!bio || !key || PEM_write_bio_PUBKEY(bio.get(), key) != 1) {
        ERR_clear_error();
        return Error::make(u"its certificate holds no public key"_s);
    }
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return VerificationKey::fromPem(QByteArray(data, int(length)), u"its certificate's key"_s);
}

// The transparency log's bundle: the entry it recorded and its promise (the SET).
struct LogBundle {
    QByteArray body; // the entry, decoded
    qint64 integratedTime = 0;
    QString logId; // hex SHA-256 of the log key
    QByteArray signedEntryTimestamp;
    QByteArray signedBytes; // what the SET signs: the payload's canonical JSON
};

Result<LogBundle> parseBundle(const QString& text) {
    const QJsonObject bundle = QJsonDocument::fromJson(text.toUtf8()).object();
    const QJsonObject payload = bundle[u"Payload"_s].toObject();
    const QString body = payload[u"body"_s].toString();
    const QString logId = payload[u"logID"_s].toString();
    const QJsonValue time = payload[u"integratedTime"_s];
    const QJsonValue index = payload[u"logIndex"_s];
    // Canonical JSON is written here, not re-serialised: only values that need no escaping
    // (base64, hex, integers) are accepted, so the bytes are exactly the log's.
    static const QRegularExpression base64(u"^[A-Za-z0-9+/=]+$"_s);
    static const QRegularExpression hex(u"^[0-9a-f]+$"_s);
    const auto set =
        QByteArray::fromBase64Encoding(bundle[u"SignedEntryTimestamp"_s].toString().toLatin1(),
                                       QByteArray::AbortOnBase64DecodingErrors);
    const auto decodedBody =
        QByteArray::fromBase64Encoding(body.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!base64.match(body).hasMatch() || !hex.match(logId).hasMatch() || !time.isDouble() ||
        !index.isDouble() || !set || (*set).isEmpty() || !decodedBody)
        return Error::make(u"its transparency-log bundle is malformed"_s);
    LogBundle parsed;
    parsed.body = *decodedBody;
    parsed.integratedTime = time.toInteger();
    parsed.logId = logId;
    parsed.signedEntryTimestamp = *set;
    parsed.signedBytes =
        u"{\"body\":\"%1\",\"integratedTime\":%2,\"logID\":\"%3\",\"logIndex\":%4}"_s
            .arg(body, QString::number(parsed.integratedTime), logId,
                 QString::number(index.toInteger()))
            .toUtf8();
    return parsed;
}

// Whether the logged entry is this signature: the payload's hash, the signature and the
// certificate, as a hashedrekord entry records them.
bool entryIsThisSignature(const QByteArray& body, const QByteArray& payload,
                          const QByteArray& signature, X509* certificate) {
    const QJsonObject entry = QJsonDocument::fromJson(body).object();
    const QJsonObject spec = entry[u"spec"_s].toObject();
    const QJsonObject hash = spec[u"data"_s][u"hash"_s].toObject();
    const QString payloadHash =
        QString::fromLatin1(QCryptographicHash::hash(payload, QCryptographicHash::Sha256).toHex());
    if (entry[u"kind"_s].toString() != u"hashedrekord"_s ||
        hash[u"algorithm"_s].toString() != u"sha256"_s ||
        hash[u"value"_s].toString() != payloadHash)
        return false;
    const QJsonObject logged = spec[u"signature"_s].toObject();
    if (QByteArray::fromBase64(logged[u"content"_s].toString().toLatin1()) != signature)
        return false;
    const X509Pointer loggedCertificate = readCertificate(
        QByteArray::fromBase64(logged[u"publicKey"_s][u"content"_s].toString().toLatin1()));
    return loggedCertificate && X509_cmp(loggedCertificate.get(), certificate) == 0;
}

// Empty when `certificate` chains through `chain` to one of `authorities` at `time`;
// else OpenSSL's reason, and whether it was the certificate's validity that failed.
QString chainProblem(X509* certificate, const QByteArray& chainPem,
                     const QList<CertificateAuthorities>& authorities, qint64 time,
                     bool* outsideValidity) {
    const std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(),
                                                                        &X509_STORE_free);
    // The stack only borrows its certificates: `chain` below owns them.
    const auto freeStack = [](STACK_OF(X509) * stack) { sk_X509_free(stack); };
    const std::unique_ptr<STACK_OF(X509), decltype(freeStack)> untrusted(sk_X509_new_null(),
                                                                         freeStack);
    const std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> context(
        X509_STORE_CTX_new(), &X509_STORE_CTX_free);
    if (!store || !untrusted || !context)
        return u"out of memory"_s;
    for (const CertificateAuthorities& authority : authorities) {
        for (const QByteArray& der : authority.certificates()) {
            const auto* cursor = reinterpret_cast<const unsigned char*>(der.constData());
            const X509Pointer root(d2i_X509(nullptr, &cursor, long(der.size())), &X509_free);
            if (root)
                X509_STORE_add_cert(store.get(), root.get()); // the store keeps its own
        }
    }
    const std::vector<X509Pointer> chain = readCertificates(chainPem);
    for (const X509Pointer& link : chain)
        sk_X509_push(untrusted.get(), link.get());
    if (X509_STORE_CTX_init(context.get(), store.get(), certificate, untrusted.get()) != 1) {
        ERR_clear_error();
        return u"the chain could not be checked"_s;
    }
    X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(context.get()), time_t(time));
    const bool verified = X509_verify_cert(context.get()) == 1;
    const int error = X509_STORE_CTX_get_error(context.get());
    ERR_clear_error();
    if (verified)
        return {};
    *outsideValidity =
        error == X509_V_ERR_CERT_HAS_EXPIRED || error == X509_V_ERR_CERT_NOT_YET_VALID;
    return QString::fromLatin1(X509_verify_cert_error_string(error));
}

bool isForCodeSigning(X509* certificate) {
    return (X509_get_extension_flags(certificate) & EXFLAG_XKUSAGE) != 0 &&
           (X509_get_extended_key_usage(certificate) & XKU_CODE_SIGN) != 0;
}

QString dayOf(qint64 seconds) {
    return QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC).toString(Qt::ISODate);
}

} // namespace

Result<CertificateHolder> certificateHolder(const QByteArray& certificatePem) {
    const X509Pointer certificate = readCertificate(certificatePem);
    if (!certificate)
        return Error::make(u"no PEM certificate"_s);
    return CertificateHolder{issuerOf(certificate.get()), subjectsOf(certificate.get())};
}

SignatureFinding checkKeylessSignature(const SignatureLayer& layer, const QByteArray& payload,
                                       const QByteArray& signature, const SignatureTrust& trust) {
    const auto found = [&layer](SignatureVerdictKind kind, const QString& detail) {
        return SignatureFinding{layer.digest, kind, detail, {}};
    };
    const X509Pointer certificate = readCertificate(layer.certificate.toUtf8());
    if (!certificate)
        return found(SignatureVerdictKind::Invalid,
                     u"its certificate annotation holds no PEM certificate"_s);
    const Result<VerificationKey> key = keyOf(certificate.get());
    if (!key)
        return found(SignatureVerdictKind::Invalid, u"keyless: "_s + key.errorMessage());
    if (!key->verifies(payload, signature))
        return found(SignatureVerdictKind::Invalid,
                     u"its signature does not verify with its own certificate's key"_s);
    const QStringList subjects = subjectsOf(certificate.get());
    const QString issuer = issuerOf(certificate.get());
    const QString holder =
        u"%1 from %2"_s.arg(subjects.isEmpty() ? u"(no subject)"_s : subjects.join(u", "_s),
                            issuer.isEmpty() ? u"(no issuer)"_s : issuer);
    if (!trust.verifiesKeyless())
        return found(SignatureVerdictKind::SignedUnverified,
                     u"signed keyless by %1; no certificate authority, log key and identity are "
                     u"configured to verify keyless signatures"_s.arg(holder));
    if (layer.bundle.isEmpty())
        return found(SignatureVerdictKind::SignedUnverified,
                     u"signed keyless by %1 without a transparency-log bundle, so when it was "
                     u"signed cannot be proven offline"_s.arg(holder));
    const Result<LogBundle> bundle = parseBundle(layer.bundle);
    if (!bundle)
        return found(SignatureVerdictKind::Invalid, bundle.errorMessage());
    const auto logKey =
        std::find_if(trust.logKeys.cbegin(), trust.logKeys.cend(), [&](const VerificationKey& k) {
            return k.fingerprint() == u"sha256:"_s + bundle->logId;
        });
    if (logKey == trust.logKeys.cend())
        return found(SignatureVerdictKind::SignedUnverified,
                     u"signed keyless by %1, logged in a transparency log that is not configured "
                     u"(log %2…)"_s.arg(holder, bundle->logId.left(12)));
    if (!logKey->verifies(bundle->signedBytes, bundle->signedEntryTimestamp))
        return found(
            SignatureVerdictKind::Invalid,
            u"its transparency-log timestamp does not verify with %1"_s.arg(logKey->name()));
    if (!entryIsThisSignature(bundle->body, payload, signature, certificate.get()))
        return found(SignatureVerdictKind::Invalid,
                     u"its transparency-log entry records another signature"_s);
    bool outsideValidity = false;
    const QString chain = chainProblem(certificate.get(), layer.chain.toUtf8(), trust.authorities,
                                       bundle->integratedTime, &outsideValidity);
    if (!chain.isEmpty() && outsideValidity)
        return found(SignatureVerdictKind::Invalid,
                     u"its certificate was not valid when the log recorded it (%1: %2)"_s.arg(
                         dayOf(bundle->integratedTime), chain));
    if (!chain.isEmpty())
        return found(SignatureVerdictKind::SignedUnverified,
                     u"signed keyless by %1 with a certificate that does not chain to a "
                     u"configured authority (%2)"_s.arg(holder, chain));
    if (!isForCodeSigning(certificate.get()))
        return found(SignatureVerdictKind::Invalid, u"its certificate is not for code signing"_s);
    const auto identity = std::find_if(
        trust.identities.cbegin(), trust.identities.cend(),
        [&](const CertificateIdentity& each) { return each.matches(issuer, subjects); });
    if (identity == trust.identities.cend())
        return found(SignatureVerdictKind::SignedUnverified,
                     u"signed keyless by %1, which is not a configured identity"_s.arg(holder));
    SignatureFinding verified = found(SignatureVerdictKind::Verified,
                                      u"verified keyless: %1 (logged %2 in %3)"_s.arg(
                                          holder, dayOf(bundle->integratedTime), logKey->name()));
    verified.keyFingerprint = u"identity: "_s + identity->text();
    return verified;
}

} // namespace berth
