#pragma once

// Reads a build's cosign accessories from its registry and judges them: the signatures
// under sha256-<hex>.sig and those cosign stores as OCI 1.1 referrers (CosignSignature.h),
// and the attestations under sha256-<hex>.att (Attestation.h); each accessory manifest,
// then every layer blob at once. Nothing but the
// registry is asked: verification is offline.

#include "core/Callback.h"
#include "registry/Accessory.h"
#include "signing/Attestation.h"
#include "signing/CosignSignature.h"

#include <QHash>
#include <QObject>
#include <QSet>

#include <functional>
#include <memory>
#include <optional>

namespace berth {

class ReferrersLister;
class RegistryClient;

class SignatureReader : public QObject {
    Q_OBJECT
public:
    // `client` reads the registry `registryHost` (host[:port]) and must outlive the reads.
    SignatureReader(RegistryClient* client, QString registryHost, SignatureTrust trust,
                    QObject* parent = nullptr);

    // The verdict on `subjectDigest` in `repository` (the path inside the registry), from
    // its .sig manifest and its referrers of cosign's signature artifact type, together.
    // No signature manifest is "unsigned"; a registry that cannot answer is an error.
    void verify(const QString& repository, const QString& subjectDigest, QObject* context,
                Callback<SignatureVerdict> done);

    // Verdicts this reader's trust earned before, by subject digest, each naming the
    // signature manifests it judged (SignatureVerdict::evidence): verify answers one judged
    // on the .sig manifest alone again when the registry still holds that manifest and
    // lists no signature referrers, without fetching or checking its layers.
    void setKnownVerdicts(QHash<QString, SignatureVerdict> bySubject);

    // The repository's tags, for a caller that has read them: where the registry has no
    // referrers API, a build whose fallback tag they lack is not asked about.
    void setListedTags(const QStringList& tags);
    // Referrers read through `lister` (which must outlive the reader), so what it learnt
    // of the registry's API serves every reader; by default each reader has its own.
    void useReferrersLister(ReferrersLister* lister);

    // What each attestation of `subjectDigest` proves and says; none when there are none.
    void attestations(const QString& repository, const QString& subjectDigest, QObject* context,
                      Callback<QList<AttestationFinding>> done);

    // What each accessory of a build is, for the details panel: its manifest's digest and
    // what its layers hold (an attestation's predicate types, else the media types), from
    // one manifest read each; an accessory that cannot be read says why.
    struct AccessoryDescription {
        Accessory accessory;
        QString manifestDigest;
        QStringList contents;
        QString problem;
    };
    void describe(const QString& repository, const QList<Accessory>& accessories, QObject* context,
                  Callback<QList<AccessoryDescription>> done);

    // The tag cosign keeps a digest's accessories of `suffix` under: sha256-<hex>.sig.
    static QString accessoryTag(const QString& subjectDigest, const QString& suffix);

private:
    struct FetchedLayer {
        SignatureLayer descriptor;
        QByteArray blob;
    };
    struct FetchedManifest {
        QString digest; // empty when the registry has no such manifest
        QList<FetchedLayer> layers;
        bool known = false; // it was `knownManifest`: no layer was read
    };
    using LayersDone = std::shared_ptr<GuardedCallback<FetchedManifest>>;
    // The layers of `mediaType` in the manifest under `tag`, each with its blob (at most
    // `maxBytes`), in the manifest's order; none when the registry has no such manifest.
    // A blob whose bytes `expected` names (their digest is the layer's) is not fetched;
    // nor is any when the manifest's digest is `knownManifest`.
    void readLayers(const QString& repository, const QString& tag, const QString& mediaType,
                    qint64 maxBytes, const QByteArray& expected, const QString& knownManifest,
                    LayersDone done);

    // The signature layers of the manifest `reference` (.sig tag or referrer digest).
    void readSignatureLayers(const QString& repository, const QString& reference,
                             const QString& subjectDigest, const QString& knownManifest,
                             std::function<void(Result<FetchedManifest>)> done);
    // The verdict over the .sig manifest `tagged` and the referrers `signatureManifests`.
    void judgeSignatures(const QString& repository, const QString& subjectDigest,
                         const Result<FetchedManifest>& tagged,
                         const QStringList& signatureManifests,
                         std::shared_ptr<GuardedCallback<SignatureVerdict>> deliver);
    ReferrersLister* referrers();

    RegistryClient* m_client;
    ReferrersLister* m_referrers = nullptr;
    std::optional<QSet<QString>> m_listedTags;
    QString m_registryHost;
    SignatureTrust m_trust;
    QHash<QString, SignatureVerdict> m_known; // by subject digest
};

} // namespace berth
