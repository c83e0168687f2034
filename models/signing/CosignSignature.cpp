#include "signing/CosignSignature.h"

#include "signing/KeylessSignature.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

const QString kSignatureAnnotation = u"dev.cosignproject.cosign/signature"_s;
const QString kCertificateAnnotation = u"dev.sigstore.cosign/certificate"_s;
const QString kChainAnnotation = u"dev.sigstore.cosign/chain"_s;
const QString kBundleAnnotation = u"dev.sigstore.cosign/bundle"_s;
const QString kCosignPayloadType = u"cosign container image signature"_s;

SignatureFinding finding(const SignatureLayer& layer, SignatureVerdictKind kind, QString detail) {
    return SignatureFinding{layer.digest, kind, std::move(detail), {}};
}

QString shortFingerprint(const QString& fingerprint) {
    return fingerprint.left(19) + u"…"_s; // "sha256:" and 12 hex digits
}

} // namespace

QString signatureVerdictName(SignatureVerdictKind kind) {
    switch (kind) {
    case SignatureVerdictKind::Unsigned:
        return u"unsigned"_s;
    case SignatureVerdictKind::SignedUnverified:
        return u"signed-unverified"_s;
    case SignatureVerdictKind::Invalid:
        return u"invalid"_s;
    case SignatureVerdictKind::Verified:
        return u"verified"_s;
    }
    return {};
}

Result<QList<SignatureLayer>> parseSignatureManifest(const QByteArray& manifest) {
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(manifest, &error);
    if (!document.isObject() || !document[u"layers"_s].isArray())
        return Error::make(u"The signature manifest is not an image manifest with layers."_s);
    QList<SignatureLayer> layers;
    for (const QJsonValue& value : document[u"layers"_s].toArray()) {
        const QJsonObject descriptor = value.toObject();
        const QJsonObject annotations = descriptor[u"annotations"_s].toObject();
        layers.append(SignatureLayer{
            descriptor[u"digest"_s].toString(),
            descriptor[u"mediaType"_s].toString(),
            descriptor[u"size"_s].toInteger(),
            annotations[kSignatureAnnotation].toString(),
            annotations[kCertificateAnnotation].toString(),
            annotations[kChainAnnotation].toString(),
            annotations[kBundleAnnotation].toString(),
            annotations[u"predicateType"_s].toString(),
        });
    }
    return layers;
}

QByteArray simpleSigningPayload(const QString& repository, const QString& digest) {
    // Go's encoding/json of cosign's payload struct: fields in declaration order, no spaces.
    return QStringLiteral(
               R"({"critical":{"identity":{"docker-reference":"%1"},"image":{"docker-manifest-digest":"%2"},"type":"%3"},"optional":null})")
        .arg(repository, digest, kCosignPayloadType)
        .toUtf8();
}

QString repositoryOfReference(const QString& reference) {
    QString repository = reference.section(u'@', 0, 0);
    const qsizetype slash = repository.lastIndexOf(u'/');
    const qsizetype colon = repository.lastIndexOf(u':');
    if (colon > slash && slash >= 0)
        repository.truncate(colon); // a tag; a colon before the last slash is a port
    return repository;
}

SignatureFinding checkSignature(const SignatureLayer& layer, const QByteArray& payload,
                                const QString& subjectDigest, const QString& repository,
                                const SignatureTrust& trust) {
    const QJsonDocument document = QJsonDocument::fromJson(payload);
    const QJsonObject critical = document[u"critical"_s].toObject();
    if (!document.isObject() || critical[u"type"_s].toString() != kCosignPayloadType)
        return finding(layer, SignatureVerdictKind::Invalid,
                       u"its payload is not a cosign simple-signing payload"_s);
    const QString signedDigest = critical[u"image"_s][u"docker-manifest-digest"_s].toString();
    if (signedDigest != subjectDigest)
        return finding(layer, SignatureVerdictKind::Invalid,
                       u"it signs %1, not this build (%2)"_s.arg(
                           signedDigest.isEmpty() ? u"no digest"_s : signedDigest, subjectDigest));
    const QString named =
        repositoryOfReference(critical[u"identity"_s][u"docker-reference"_s].toString());
    if (named != repository)
        return finding(layer, SignatureVerdictKind::Invalid,
                       u"its payload names the repository %1, not %2"_s.arg(
                           named.isEmpty() ? u"(none)"_s : named, repository));
    const auto decoded = QByteArray::fromBase64Encoding(layer.signature.toLatin1(),
                                                        QByteArray::AbortOnBase64DecodingErrors);
    if (layer.signature.isEmpty() || !decoded)
        return finding(layer, SignatureVerdictKind::Invalid,
                       u"its signature annotation is missing or not base64"_s);
    for (const VerificationKey& key : trust.keys) {
        if (key.verifies(payload, *decoded)) {
            SignatureFinding verified = finding(
                layer, SignatureVerdictKind::Verified,
                u"verified by %1 (%2)"_s.arg(key.name(), shortFingerprint(key.fingerprint())));
            verified.keyFingerprint = key.fingerprint();
            return verified;
        }
    }
    if (!layer.certificate.isEmpty())
        return checkKeylessSignature(layer, payload, *decoded, trust);
    return finding(layer, SignatureVerdictKind::SignedUnverified,
                   trust.keys.isEmpty()
                       ? u"no key is configured to verify it"_s
                       : u"no configured key verifies it (made with another key, or "
                         u"damaged)"_s);
}

SignatureVerdict combineFindings(const QList<SignatureFinding>& findings) {
    SignatureVerdict verdict;
    verdict.findings = findings;
    if (findings.isEmpty()) {
        verdict.summary = u"unsigned: no signature is attached"_s;
        return verdict;
    }
    for (const SignatureVerdictKind kind :
         {SignatureVerdictKind::Verified, SignatureVerdictKind::Invalid,
          SignatureVerdictKind::SignedUnverified}) {
        QStringList details;
        for (const SignatureFinding& found : findings) {
            if (found.kind == kind)
                details.append(found.detail);
        }
        if (details.isEmpty())
            continue;
        verdict.kind = kind;
        verdict.summary =
            signatureVerdictName(kind) + u": "_s +
            (kind == SignatureVerdictKind::Verified ? details.first() : details.join(u"; "_s));
        return verdict;
    }
    return verdict;
}

} // namespace berth
