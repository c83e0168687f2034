#include "signing/SignatureReader.h"

#include "registry/RegistryClient.h"

#include <memory>
#include <optional>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

// A simple-signing payload is a few hundred bytes; a "payload" past this is not one.
constexpr qint64 kMaxPayloadBytes = 64 * 1024;

} // namespace

SignatureReader::SignatureReader(RegistryClient* client, QString registryHost,
                                 VerificationKeys keys, QObject* parent)
    : QObject(parent)
    , m_client(client)
    , m_registryHost(std::move(registryHost))
    , m_keys(std::move(keys)) {
}

QString SignatureReader::signatureTag(const QString& subjectDigest) {
    QString tag = subjectDigest;
    return tag.replace(u':', u'-') + u".sig"_s;
}

void SignatureReader::verify(const QString& repository, const QString& subjectDigest,
                             QObject* context, Callback<SignatureVerdict> done) {
    auto deliver = std::make_shared<GuardedCallback<SignatureVerdict>>(context, std::move(done));
    const QString fullName = m_registryHost + u'/' + repository;
    m_client->getManifest(
        repository, signatureTag(subjectDigest), this,
        [this, deliver, repository, subjectDigest, fullName](Result<ManifestBlob> manifest) {
            if (!manifest) {
                if (manifest.error().httpStatus == 404)
                    return (*deliver)(combineFindings({}));
                return (*deliver)(
                    manifest.error().withMessage(u"Reading the signatures of %1: %2"_s.arg(
                        subjectDigest, manifest.errorMessage())));
            }
            const Result<QList<SignatureLayer>> layers = parseSignatureManifest(manifest->bytes);
            if (!layers)
                return (*deliver)(combineFindings({SignatureFinding{
                    manifest->digest, SignatureVerdictKind::Invalid, layers.errorMessage(), {}}}));
            struct Pending {
                QList<SignatureFinding> findings;
                int waiting = 0;
                std::optional<Error> failure;
            };
            auto pending = std::make_shared<Pending>();
            QList<SignatureLayer> signatures;
            for (const SignatureLayer& layer : layers.value()) {
                if (layer.mediaType == QLatin1StringView(kSimpleSigningMediaType))
                    signatures.append(layer);
            }
            if (signatures.isEmpty())
                return (*deliver)(combineFindings({}));
            pending->waiting = int(signatures.size());
            pending->findings.resize(signatures.size()); // in the manifest's order
            for (qsizetype i = 0; i < signatures.size(); ++i) {
                const SignatureLayer& layer = signatures.at(i);
                m_client->getBlob(repository, layer.digest, kMaxPayloadBytes, this,
                                  [this, deliver, pending, layer, i, subjectDigest,
                                   fullName](Result<QByteArray> payload) {
                                      if (payload)
                                          pending->findings[i] =
                                              checkSignature(layer, payload.value(), subjectDigest,
                                                             fullName, m_keys);
                                      else if (!pending->failure)
                                          pending->failure = payload.error().withMessage(
                                              u"Reading the signature payload %1: %2"_s.arg(
                                                  layer.digest, payload.errorMessage()));
                                      if (--pending->waiting > 0)
                                          return;
                                      if (pending->failure)
                                          return (*deliver)(*pending->failure);
                                      (*deliver)(combineFindings(pending->findings));
                                  });
            }
        });
}

} // namespace berth
