#include "registry/Referrers.h"

#include "registry/ImageReference.h"
#include "registry/RegistryTypes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace berth {

Result<QList<Referrer>> parseReferrersIndex(const QByteArray& bytes) {
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError)
        return Error::make(
            u"The referrers index is not valid JSON (%1)."_s.arg(error.errorString()));
    const QJsonObject index = document.object();
    const QString mediaType = index[u"mediaType"_s].toString();
    // The spec requires the media type; an index written without one is still read.
    if (!document.isObject() || !(mediaType.isEmpty() || mediaType == MediaTypes::OciIndex) ||
        !(index[u"manifests"_s].isArray() || index[u"manifests"_s].isUndefined()))
        return Error::make(u"The referrers index is not an OCI image index."_s);
    QList<Referrer> referrers;
    for (const QJsonValue& value : index[u"manifests"_s].toArray()) {
        const QJsonObject descriptor = value.toObject();
        Referrer referrer;
        referrer.digest = descriptor[u"digest"_s].toString();
        referrer.mediaType = descriptor[u"mediaType"_s].toString();
        referrer.artifactType = descriptor[u"artifactType"_s].toString();
        referrer.size = descriptor[u"size"_s].toInteger(-1);
        if (!isValidDigest(referrer.digest) || referrer.size < 0)
            return Error::make(u"The referrers index lists an entry without a valid digest and "
                               u"size."_s);
        const QJsonObject annotations = descriptor[u"annotations"_s].toObject();
        for (auto it = annotations.begin(); it != annotations.end(); ++it)
            referrer.annotations.insert(it.key(), it.value().toString());
        referrers.append(referrer);
    }
    return referrers;
}

QString referrersFallbackTag(const QString& subjectDigest) {
    QString tag = subjectDigest;
    return tag.replace(u':', u'-');
}

} // namespace berth
