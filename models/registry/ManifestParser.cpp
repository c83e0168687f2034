#include "registry/ManifestParser.h"

#include "core/CheckedMath.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtNumeric>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

bool isGenericJsonType(const QString& type) {
    return type.isEmpty() || type == u"application/json"_s || type == u"text/plain"_s ||
           type == u"application/octet-stream"_s;
}

// OCI allows manifests without a mediaType field; their shape tells which they are.
QString inferMediaType(const QJsonObject& root) {
    if (root.value(u"schemaVersion"_s).toInt() == 1)
        return MediaTypes::DockerSchema1;
    if (root.contains(u"manifests"_s))
        return MediaTypes::OciIndex;
    if (root.contains(u"config"_s))
        return MediaTypes::OciManifest;
    return {};
}

bool isAttestation(const QJsonObject& descriptor) {
    // BuildKit stores provenance as "unknown/unknown" children with this annotation.
    const QJsonObject annotations = descriptor.value(u"annotations"_s).toObject();
    return annotations.contains(u"vnd.docker.reference.type"_s);
}

Result<ManifestInfo> parseIndex(const QJsonObject& root, ManifestInfo info) {
    const QJsonValue manifests = root.value(u"manifests"_s);
    if (!manifests.isArray())
        return Result<ManifestInfo>::failure(u"The image index has no \"manifests\" list."_s);
    for (const QJsonValue& entry : manifests.toArray()) {
        const QJsonObject descriptor = entry.toObject();
        if (isAttestation(descriptor))
            continue;
        const QJsonObject platform = descriptor.value(u"platform"_s).toObject();
        Platform p;
        p.os = platform.value(u"os"_s).toString();
        p.architecture = platform.value(u"architecture"_s).toString();
        p.variant = platform.value(u"variant"_s).toString();
        p.digest = descriptor.value(u"digest"_s).toString();
        p.size = descriptor.value(u"size"_s).toInteger();
        if (p.digest.isEmpty())
            return Result<ManifestInfo>::failure(
                u"The image index lists a manifest without a digest."_s);
        info.platforms.append(p);
    }
    return info;
}

Result<ManifestInfo> parseImageManifest(const QJsonObject& root, ManifestInfo info) {
    const QJsonObject config = root.value(u"config"_s).toObject();
    info.configDigest = config.value(u"digest"_s).toString();
    info.configSize = config.value(u"size"_s).toInteger();
    if (info.configDigest.isEmpty())
        return Result<ManifestInfo>::failure(u"The image manifest has no config digest."_s);
    if (info.configSize < 0)
        return Result<ManifestInfo>::failure(
            u"The image manifest declares a negative config size (%1 bytes)."_s.arg(
                info.configSize));
    // A hostile registry may declare any size: the sums are checked, never left to wrap.
    std::optional<qint64> total = info.configSize;
    const QJsonArray layers = root.value(u"layers"_s).toArray();
    for (qsizetype i = 0; i < layers.size(); ++i) {
        const QJsonObject descriptor = layers.at(i).toObject();
        const qint64 size = descriptor.value(u"size"_s).toInteger();
        if (size < 0)
            return Result<ManifestInfo>::failure(
                u"The image manifest declares a negative size for layer %1 (%2 bytes)."_s.arg(i + 1)
                    .arg(size));
        const std::optional<qint64> layersSize = checkedAdd(info.layersSize, size);
        total = total ? checkedAdd(*total, size) : std::nullopt;
        if (!layersSize || !total)
            return Result<ManifestInfo>::failure(
                u"The image manifest's declared sizes add up to more than 8 EiB, which no "
                u"image can be; its size is unknown."_s);
        info.layersSize = *layersSize;
        info.layerDigests.append(descriptor.value(u"digest"_s).toString());
    }
    return info;
}

} // namespace

QString ManifestParser::normaliseContentType(const QByteArray& header) {
    const qsizetype semicolon = header.indexOf(';');
    const QByteArray type = semicolon < 0 ? header : header.left(semicolon);
    return QString::fromLatin1(type.trimmed()).toLower();
}

Result<ManifestInfo> ManifestParser::parse(const QByteArray& bytes, const QString& contentType) {
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return Result<ManifestInfo>::failure(
            u"The manifest is not valid JSON (%1 at byte %2)."_s.arg(parseError.errorString())
                .arg(parseError.offset));
    const QJsonObject root = document.object();

    const QString declared = root.value(u"mediaType"_s).toString();
    QString mediaType = isGenericJsonType(contentType) ? QString() : contentType;
    if (!declared.isEmpty() && !mediaType.isEmpty() && declared != mediaType)
        return Result<ManifestInfo>::failure(
            u"The registry sent Content-Type %1 but the manifest says it is %2."_s.arg(mediaType,
                                                                                       declared));
    if (mediaType.isEmpty())
        mediaType = declared.isEmpty() ? inferMediaType(root) : declared;

    ManifestInfo info;
    info.mediaType = mediaType;
    if (MediaTypes::isSchema1(mediaType))
        return Result<ManifestInfo>::failure(
            u"This is a Docker schema 1 manifest, an obsolete format Berth does not support; "
            u"rebuild and push the image with a current tool."_s,
            0, u"UNSUPPORTED"_s);
    if (MediaTypes::isIndex(mediaType))
        return parseIndex(root, info);
    if (MediaTypes::isImageManifest(mediaType))
        return parseImageManifest(root, info);
    return Result<ManifestInfo>::failure(
        u"Unsupported manifest type \"%1\"."_s.arg(mediaType.isEmpty() ? u"unknown"_s : mediaType),
        0, u"UNSUPPORTED"_s);
}

} // namespace berth
