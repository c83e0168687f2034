#include "signing/SignatureReader.h"

#include "registry/ReferrersLister.h"
#include "registry/RegistryClient.h"

#include <QCryptographicHash>

#include <optional>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

// A simple-signing payload is a few hundred bytes, an attestation a few kilobytes to a
// large SBOM's megabytes; anything past these is no such thing.
constexpr qint64 kMaxPayloadBytes = 64 * 1024;
constexpr qint64 kMaxEnvelopeBytes = 16 * 1024 * 1024;

// What an accessory's manifest holds, for a person: each referrer of a referrers index
// (its artifact type and digest), else each layer's predicate type or media type.
Result<QStringList> describeContents(AccessoryKind kind, const QByteArray& manifest) {
    QStringList contents;
    if (kind == AccessoryKind::Referrers) {
        const Result<QList<Referrer>> referrers = parseReferrersIndex(manifest);
        if (!referrers)
            return referrers.error();
        for (const Referrer& referrer : referrers.value())
            contents.append(u"%1 %2"_s.arg(referrer.artifactType.isEmpty() ? u"(no artifact type)"_s
                                                                           : referrer.artifactType,
                                           referrer.digest));
        return contents;
    }
    const Result<QList<SignatureLayer>> layers = parseSignatureManifest(manifest);
    if (!layers)
        return layers.error();
    for (const SignatureLayer& layer : layers.value()) {
        const QString content =
            layer.predicateType.isEmpty() ? layer.mediaType : layer.predicateType;
        if (!contents.contains(content))
            contents.append(content);
    }
    return contents;
}

} // namespace

SignatureReader::SignatureReader(RegistryClient* client, QString registryHost, SignatureTrust trust,
                                 QObject* parent)
    : QObject(parent)
    , m_client(client)
    , m_registryHost(std::move(registryHost))
    , m_trust(std::move(trust)) {
}

QString SignatureReader::accessoryTag(const QString& subjectDigest, const QString& suffix) {
    QString tag = subjectDigest;
    return tag.replace(u':', u'-') + u'.' + suffix;
}

void SignatureReader::readLayers(const QString& repository, const QString& tag,
                                 const QString& mediaType, qint64 maxBytes,
                                 const QByteArray& expected, const QString& knownManifest,
                                 LayersDone done) {
    const QString expectedDigest =
        expected.isEmpty()
            ? QString()
            : u"sha256:"_s +
                  QString::fromLatin1(
                      QCryptographicHash::hash(expected, QCryptographicHash::Sha256).toHex());
    m_client->getManifest(
        repository, tag, this,
        [this, done, repository, tag, mediaType, maxBytes, expected, expectedDigest,
         knownManifest](Result<ManifestBlob> manifest) {
            if (!manifest) {
                if (manifest.error().httpStatus == 404)
                    return (*done)(FetchedManifest());
                return (*done)(manifest.error().withMessage(
                    u"Reading %1: %2"_s.arg(tag, manifest.errorMessage())));
            }
            // Judged before, byte for byte: its layers need neither a fetch nor a check.
            if (!knownManifest.isEmpty() && manifest->digest == knownManifest)
                return (*done)(FetchedManifest{manifest->digest, {}, true});
            const Result<QList<SignatureLayer>> layers = parseSignatureManifest(manifest->bytes);
            if (!layers)
                return (*done)(
                    layers.error().withMessage(u"%1: %2"_s.arg(tag, layers.errorMessage())));
            struct Pending {
                FetchedManifest read;
                int waiting = 0;
                std::optional<Error> failure;
            };
            auto pending = std::make_shared<Pending>();
            pending->read.digest = manifest->digest;
            QList<qsizetype> toFetch;
            for (const SignatureLayer& layer : layers.value()) {
                if (layer.mediaType != mediaType)
                    continue;
                // The layer's digest binds its bytes: when they are the expected ones,
                // holding them is the same as fetching them.
                const bool known = !expectedDigest.isEmpty() && layer.digest == expectedDigest;
                if (!known)
                    toFetch.append(pending->read.layers.size());
                pending->read.layers.append(FetchedLayer{layer, known ? expected : QByteArray()});
            }
            pending->waiting = int(toFetch.size());
            if (pending->waiting == 0)
                return (*done)(pending->read);
            for (const qsizetype i : toFetch) {
                const QString digest = pending->read.layers.at(i).descriptor.digest;
                m_client->getBlob(repository, digest, maxBytes, this,
                                  [done, pending, i, digest](Result<QByteArray> blob) {
                                      if (blob)
                                          pending->read.layers[i].blob = blob.value();
                                      else if (!pending->failure)
                                          pending->failure = blob.error().withMessage(
                                              u"Reading %1: %2"_s.arg(digest, blob.errorMessage()));
                                      if (--pending->waiting > 0)
                                          return;
                                      if (pending->failure)
                                          return (*done)(*pending->failure);
                                      (*done)(pending->read);
                                  });
            }
        });
}

void SignatureReader::verify(const QString& repository, const QString& subjectDigest,
                             QObject* context, Callback<SignatureVerdict> done) {
    auto deliver = std::make_shared<GuardedCallback<SignatureVerdict>>(context, std::move(done));
    // Both at once: the signatures under the .sig tag, and those stored as referrers.
    struct Pending {
        std::optional<Result<FetchedManifest>> tagged;
        std::optional<Result<ReferrersLister::Listing>> referrers;
    };
    auto pending = std::make_shared<Pending>();
    const auto judgeWhenBoth = [this, deliver, pending, repository, subjectDigest] {
        if (!pending->tagged || !pending->referrers)
            return;
        if (!*pending->referrers)
            return (*deliver)(
                pending->referrers->error().withMessage(u"Reading the referrers of %1: %2"_s.arg(
                    subjectDigest, pending->referrers->errorMessage())));
        QStringList signatureManifests;
        for (const Referrer& referrer : pending->referrers->value().referrers) {
            if (referrer.artifactType == QLatin1StringView(kCosignSignatureArtifactType))
                signatureManifests.append(referrer.digest);
        }
        judgeSignatures(repository, subjectDigest, *pending->tagged, signatureManifests, deliver);
    };
    const auto known = m_known.constFind(subjectDigest);
    // A verdict judged on the .sig manifest alone names that one manifest.
    const QString knownManifest =
        known == m_known.cend() || known->evidence.contains(u' ') ? QString() : known->evidence;
    readSignatureLayers(repository, accessoryTag(subjectDigest, u"sig"_s), subjectDigest,
                        knownManifest, [pending, judgeWhenBoth](Result<FetchedManifest> read) {
                            pending->tagged = std::move(read);
                            judgeWhenBoth();
                        });
    const std::optional<bool> fallbackTagListed =
        m_listedTags ? std::optional(m_listedTags->contains(referrersFallbackTag(subjectDigest)))
                     : std::nullopt;
    referrers()->list(repository, subjectDigest, fallbackTagListed, this,
                      [pending, judgeWhenBoth](Result<ReferrersLister::Listing> listing) {
                          pending->referrers = std::move(listing);
                          judgeWhenBoth();
                      });
}

void SignatureReader::readSignatureLayers(const QString& repository, const QString& reference,
                                          const QString& subjectDigest,
                                          const QString& knownManifest,
                                          std::function<void(Result<FetchedManifest>)> done) {
    const QString fullName = m_registryHost + u'/' + repository;
    readLayers(repository, reference, QLatin1StringView(kSimpleSigningMediaType), kMaxPayloadBytes,
               simpleSigningPayload(fullName, subjectDigest), knownManifest,
               std::make_shared<GuardedCallback<FetchedManifest>>(this, std::move(done)));
}

void SignatureReader::judgeSignatures(const QString& repository, const QString& subjectDigest,
                                      const Result<FetchedManifest>& tagged,
                                      const QStringList& signatureManifests,
                                      std::shared_ptr<GuardedCallback<SignatureVerdict>> deliver) {
    const auto failed = [deliver, subjectDigest](const Error& error) {
        (*deliver)(error.withMessage(
            u"Reading the signatures of %1: %2"_s.arg(subjectDigest, error.message)));
    };
    if (!tagged)
        return failed(tagged.error());
    if (signatureManifests.isEmpty() && tagged->known)
        return (*deliver)(m_known.value(subjectDigest));
    // Judged on the .sig manifest before, and now there are referrers too: its layers are
    // needed after all.
    if (tagged->known)
        return readSignatureLayers(
            repository, accessoryTag(subjectDigest, u"sig"_s), subjectDigest, {},
            [this, repository, subjectDigest, signatureManifests,
             deliver](Result<FetchedManifest> read) {
                judgeSignatures(repository, subjectDigest, read, signatureManifests, deliver);
            });
    struct Pending {
        QList<FetchedManifest> read;
        int waiting = 0;
        std::optional<Error> failure;
    };
    auto pending = std::make_shared<Pending>();
    pending->read.append(tagged.value());
    pending->read.resize(1 + signatureManifests.size());
    pending->waiting = int(signatureManifests.size());
    const QString fullName = m_registryHost + u'/' + repository;
    const auto judge = [this, pending, deliver, failed, subjectDigest, fullName] {
        if (pending->failure)
            return failed(*pending->failure);
        QList<SignatureFinding> findings;
        QStringList evidence;
        for (const FetchedManifest& manifest : pending->read) {
            if (!manifest.digest.isEmpty())
                evidence.append(manifest.digest);
            for (const FetchedLayer& layer : manifest.layers)
                findings.append(
                    checkSignature(layer.descriptor, layer.blob, subjectDigest, fullName, m_trust));
        }
        SignatureVerdict verdict = combineFindings(findings);
        verdict.evidence = evidence.join(u' ');
        (*deliver)(verdict);
    };
    if (pending->waiting == 0)
        return judge();
    for (qsizetype i = 0; i < signatureManifests.size(); ++i) {
        readSignatureLayers(repository, signatureManifests.at(i), subjectDigest, {},
                            [pending, judge, i](Result<FetchedManifest> read) {
                                if (read)
                                    pending->read[i + 1] = read.value();
                                else if (!pending->failure)
                                    pending->failure = read.error();
                                if (--pending->waiting == 0)
                                    judge();
                            });
    }
}

ReferrersLister* SignatureReader::referrers() {
    if (!m_referrers)
        m_referrers = new ReferrersLister(m_client, this);
    return m_referrers;
}

void SignatureReader::useReferrersLister(ReferrersLister* lister) {
    m_referrers = lister;
}

void SignatureReader::setListedTags(const QStringList& tags) {
    m_listedTags = QSet<QString>(tags.cbegin(), tags.cend());
}

void SignatureReader::setKnownVerdicts(QHash<QString, SignatureVerdict> bySubject) {
    m_known = std::move(bySubject);
}

void SignatureReader::attestations(const QString& repository, const QString& subjectDigest,
                                   QObject* context, Callback<QList<AttestationFinding>> done) {
    auto deliver =
        std::make_shared<GuardedCallback<QList<AttestationFinding>>>(context, std::move(done));
    readLayers(repository, accessoryTag(subjectDigest, u"att"_s),
               QLatin1StringView(kDsseEnvelopeMediaType), kMaxEnvelopeBytes, {}, {},
               std::make_shared<GuardedCallback<FetchedManifest>>(
                   this, [this, deliver, subjectDigest](Result<FetchedManifest> read) {
                       if (!read)
                           return (*deliver)(
                               read.error().withMessage(u"Reading the attestations of %1: %2"_s.arg(
                                   subjectDigest, read.errorMessage())));
                       QList<AttestationFinding> findings;
                       for (const FetchedLayer& layer : read->layers)
                           findings.append(checkAttestation(layer.descriptor.digest, layer.blob,
                                                            subjectDigest, m_trust.keys));
                       (*deliver)(findings);
                   }));
}

} // namespace berth

namespace berth {

void SignatureReader::describe(const QString& repository, const QList<Accessory>& accessories,
                               QObject* context, Callback<QList<AccessoryDescription>> done) {
    auto deliver =
        std::make_shared<GuardedCallback<QList<AccessoryDescription>>>(context, std::move(done));
    struct Pending {
        QList<AccessoryDescription> descriptions;
        int waiting = 0;
    };
    auto pending = std::make_shared<Pending>();
    pending->waiting = int(accessories.size());
    if (accessories.isEmpty())
        return (*deliver)(QList<AccessoryDescription>());
    for (qsizetype i = 0; i < accessories.size(); ++i) {
        pending->descriptions.append(AccessoryDescription{accessories.at(i), {}, {}, {}});
        m_client->getManifest(repository, accessories.at(i).tag, this,
                              [deliver, pending, i](Result<ManifestBlob> manifest) {
                                  AccessoryDescription& description = pending->descriptions[i];
                                  const Result<QStringList> contents =
                                      manifest ? describeContents(description.accessory.kind,
                                                                  manifest->bytes)
                                               : Result<QStringList>(manifest.error());
                                  if (contents) {
                                      description.manifestDigest = manifest->digest;
                                      description.contents = contents.value();
                                  } else {
                                      description.problem = contents.errorMessage();
                                  }
                                  if (--pending->waiting == 0)
                                      (*deliver)(pending->descriptions);
                              });
    }
}

} // namespace berth
