#pragma once

// Reads a manifest or image index from its exact bytes: media type, config,
// layer sizes and, for an index, its platforms. Never re-serialises the JSON.

#include "core/Result.h"
#include "registry/RegistryTypes.h"

namespace berth {

struct ManifestInfo {
    QString mediaType;
    QString configDigest; // empty for an index
    // Never negative, and configSize + layersSize always fits in 64 bits: parse() refuses
    // a manifest declaring sizes that do not, so callers may add the two freely.
    qint64 configSize = 0;
    qint64 layersSize = 0;     // compressed layer bytes, as the manifest declares them
    QList<Platform> platforms; // an index's children (attestations excluded)
    QStringList layerDigests;

    bool isIndex() const { return MediaTypes::isIndex(mediaType); }
};

class ManifestParser {
public:
    // contentType is the response's Content-Type, already stripped of parameters
    // and lower-cased (may be empty or generic, then the body decides).
    static Result<ManifestInfo> parse(const QByteArray& bytes, const QString& contentType);

    // "application/vnd.oci.image.manifest.v1+json; charset=utf-8" -> lower-case type only.
    static QString normaliseContentType(const QByteArray& header);
};

} // namespace berth
