#pragma once

// Plain value types exchanged with a registry. They cross threads freely.

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace berth {

namespace MediaTypes {
inline const QString OciIndex = QStringLiteral("application/vnd.oci.image.index.v1+json");
inline const QString DockerManifestList =
    QStringLiteral("application/vnd.docker.distribution.manifest.list.v2+json");
inline const QString OciManifest = QStringLiteral("application/vnd.oci.image.manifest.v1+json");
inline const QString DockerManifest =
    QStringLiteral("application/vnd.docker.distribution.manifest.v2+json");
inline const QString DockerSchema1 =
    QStringLiteral("application/vnd.docker.distribution.manifest.v1+json");
inline const QString DockerSchema1Signed =
    QStringLiteral("application/vnd.docker.distribution.manifest.v1+prettyjws");

// The Accept list every manifest HEAD and GET sends: index types first, or a
// registry silently answers with one platform's child manifest.
inline QStringList acceptedManifestTypes() {
    return {OciIndex, DockerManifestList, OciManifest, DockerManifest};
}
inline bool isIndex(const QString& mediaType) {
    return mediaType == OciIndex || mediaType == DockerManifestList;
}
inline bool isImageManifest(const QString& mediaType) {
    return mediaType == OciManifest || mediaType == DockerManifest;
}
inline bool isSchema1(const QString& mediaType) {
    return mediaType == DockerSchema1 || mediaType == DockerSchema1Signed;
}
} // namespace MediaTypes

struct Platform {
    QString os;
    QString architecture;
    QString variant;
    QString digest; // the child manifest's digest inside an index
    qint64 size = 0;

    QString toString() const {
        QString text = os + QLatin1Char('/') + architecture;
        if (!variant.isEmpty())
            text += QLatin1Char('/') + variant;
        return text;
    }
    bool operator==(const Platform&) const = default;
};

// What a manifest HEAD tells: enough to know whether the cache already has it.
struct ManifestHead {
    QString digest;
    QString mediaType;
    qint64 size = 0;
};

// What a manifest PUT answered. A registry that names the digest it stored under the tag
// (Docker-Content-Digest) has said where the tag points now, which is what a read-back
// would learn; one that does not leaves only the digest of the bytes sent.
struct ManifestPut {
    QString digest;
    bool confirmedByRegistry = false;
};

// A manifest exactly as the registry sent it; the digest is verified over bytes.
struct ManifestBlob {
    QString digest;
    QString mediaType;
    QByteArray bytes;
};

} // namespace berth
