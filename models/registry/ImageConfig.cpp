#include "registry/ImageConfig.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace berth {

Result<ImageConfig> ImageConfig::parse(const QByteArray& bytes) {
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return Result<ImageConfig>::failure(
            u"The image config is not valid JSON (%1)."_s.arg(parseError.errorString()));
    const QJsonObject root = document.object();

    ImageConfig config;
    config.created = QDateTime::fromString(root.value(u"created"_s).toString(), Qt::ISODateWithMs);
    if (config.created.isValid())
        config.created = config.created.toUTC();
    config.os = root.value(u"os"_s).toString();
    config.architecture = root.value(u"architecture"_s).toString();
    config.variant = root.value(u"variant"_s).toString();
    const QJsonObject labels = root.value(u"config"_s).toObject().value(u"Labels"_s).toObject();
    for (auto it = labels.begin(); it != labels.end(); ++it)
        config.labels.insert(it.key(), it.value().toString());
    return config;
}

} // namespace berth
