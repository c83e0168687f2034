#include "signing/Attestation.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

const QString kInTotoPayloadType = u"application/vnd.in-toto+json"_s;

std::optional<QByteArray> base64(const QString& text) {
    auto decoded =
        QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    return *decoded;
}

// SLSA provenance v1 (buildDefinition/runDetails) and v0.2 (builder/materials) name the
// builder and the source differently; both are read.
void readProvenance(const QJsonObject& predicate, AttestationFinding& finding) {
    const QJsonObject runDetails = predicate[u"runDetails"_s].toObject();
    if (!runDetails.isEmpty()) {
        finding.builderId = runDetails[u"builder"_s][u"id"_s].toString();
        const QJsonArray dependencies =
            predicate[u"buildDefinition"_s][u"resolvedDependencies"_s].toArray();
        if (!dependencies.isEmpty()) {
            const QJsonObject source = dependencies.first().toObject();
            finding.sourceRepository = source[u"uri"_s].toString();
            finding.sourceCommit = source[u"digest"_s][u"gitCommit"_s].toString();
            if (finding.sourceCommit.isEmpty())
                finding.sourceCommit = source[u"digest"_s][u"sha1"_s].toString();
        }
        return;
    }
    finding.builderId = predicate[u"builder"_s][u"id"_s].toString();
    const QJsonObject configSource = predicate[u"invocation"_s][u"configSource"_s].toObject();
    const QJsonArray materials = predicate[u"materials"_s].toArray();
    const QJsonObject source =
        !configSource.isEmpty()
            ? configSource
            : (materials.isEmpty() ? QJsonObject() : materials.first().toObject());
    finding.sourceRepository = source[u"uri"_s].toString();
    finding.sourceCommit = source[u"digest"_s][u"sha1"_s].toString();
}

} // namespace

QByteArray dssePreAuthEncoding(const QByteArray& payloadType, const QByteArray& payload) {
    return "DSSEv1 " + QByteArray::number(payloadType.size()) + ' ' + payloadType + ' ' +
           QByteArray::number(payload.size()) + ' ' + payload;
}

AttestationFinding checkAttestation(const QString& layerDigest, const QByteArray& envelope,
                                    const QString& subjectDigest, const VerificationKeys& keys) {
    AttestationFinding finding;
    finding.layerDigest = layerDigest;
    const auto invalid = [&finding](const QString& why) {
        finding.kind = SignatureVerdictKind::Invalid;
        finding.detail = why;
        return finding;
    };
    const QJsonDocument document = QJsonDocument::fromJson(envelope);
    const QString payloadType = document[u"payloadType"_s].toString();
    const std::optional<QByteArray> payload = base64(document[u"payload"_s].toString());
    if (!document.isObject() || payloadType != kInTotoPayloadType || !payload)
        return invalid(u"it is not a DSSE envelope of an in-toto statement"_s);

    const QJsonDocument statement = QJsonDocument::fromJson(*payload);
    finding.predicateType = statement[u"predicateType"_s].toString();
    for (const QJsonValue& subject : statement[u"subject"_s].toArray()) {
        const QJsonObject digests = subject[u"digest"_s].toObject();
        for (auto it = digests.constBegin(); it != digests.constEnd(); ++it)
            finding.subjects.append(it.key() + u':' + it.value().toString());
    }
    if (finding.predicateType.startsWith(u"https://slsa.dev/provenance/"_s))
        readProvenance(statement[u"predicate"_s].toObject(), finding);
    if (!finding.subjects.contains(subjectDigest))
        return invalid(u"it attests %1, not this build (%2)"_s.arg(
            finding.subjects.isEmpty() ? u"no subject"_s : finding.subjects.join(u", "_s),
            subjectDigest));

    const QByteArray signedBytes = dssePreAuthEncoding(payloadType.toUtf8(), *payload);
    for (const QJsonValue& entry : document[u"signatures"_s].toArray()) {
        const std::optional<QByteArray> signature = base64(entry[u"sig"_s].toString());
        if (!signature)
            return invalid(u"one of its signatures is not base64"_s);
        for (const VerificationKey& key : keys) {
            if (key.verifies(signedBytes, *signature)) {
                finding.kind = SignatureVerdictKind::Verified;
                finding.keyFingerprint = key.fingerprint();
                finding.detail =
                    u"verified by %1 (%2…)"_s.arg(key.name(), key.fingerprint().left(19));
                return finding;
            }
        }
    }
    finding.detail = keys.isEmpty() ? u"no key is configured to verify it"_s
                                    : u"no configured key verifies it (made with another key, or "
                                      u"damaged)"_s;
    return finding;
}

QString provenanceMismatch(const AttestationFinding& finding, const QString& buildRevision) {
    if (finding.sourceCommit.isEmpty() || buildRevision.isEmpty())
        return {};
    // Either may be abbreviated: they agree when one begins the other.
    if (finding.sourceCommit.startsWith(buildRevision) ||
        buildRevision.startsWith(finding.sourceCommit))
        return {};
    return u"the provenance names commit %1, the build's revision label %2"_s.arg(
        finding.sourceCommit.left(12), buildRevision.left(12));
}

} // namespace berth
