#pragma once

// OCI 1.1 referrers: the artifacts (signatures, attestations, SBOMs) whose manifest names
// a build as its `subject`. A registry that offers the referrers API lists them at
// /v2/<name>/referrers/<digest> as an image index; one that does not gets the same index
// from the pushing tool under the fallback tag sha256-<hex>. Either way each entry is a
// descriptor whose artifactType says what the artifact is (the manifest's own
// artifactType, else its config's media type).

#include "core/Result.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>

namespace berth {

// What cosign writes for a key-based or keyless signature stored as a referrer
// (`--registry-referrers-mode=oci-1-1`): a manifest whose config has this media type and
// whose layers are simple-signing payloads annotated as under a .sig tag.
inline constexpr char kCosignSignatureArtifactType[] =
    "application/vnd.dev.cosign.artifact.sig.v1+json";

struct Referrer {
    QString digest; // of the artifact's manifest
    QString mediaType;
    QString artifactType; // empty when neither the registry nor the pusher said
    qint64 size = 0;
    QMap<QString, QString> annotations;

    bool operator==(const Referrer&) const = default;
};

// The entries of a referrers index (the API's answer or the fallback tag's manifest).
// Fails, saying why, on anything that is not an image index of well-formed descriptors.
Result<QList<Referrer>> parseReferrersIndex(const QByteArray& bytes);

// The tag the OCI distribution spec keeps the referrers of `subjectDigest` under when the
// registry has no referrers API: sha256:<hex> becomes sha256-<hex>.
QString referrersFallbackTag(const QString& subjectDigest);

} // namespace berth
