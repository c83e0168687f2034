#include "registry/BuildJson.h"

using namespace Qt::StringLiterals;

namespace berth {

QJsonObject buildToJson(const Build& build) {
    QJsonObject labels;
    for (auto it = build.labels.cbegin(); it != build.labels.cend(); ++it)
        labels.insert(it.key(), it.value());
    QJsonArray platforms;
    for (const Platform& platform : build.platforms)
        platforms.append(platform.toString());
    QJsonArray tags;
    for (const ClassifiedTag& tag : build.tags)
        tags.append(QJsonObject{{u"name"_s, tag.name}, {u"kind"_s, tagKindName(tag.kind)}});

    QJsonObject object{
        {u"digest"_s, build.digest},
        {u"mediaType"_s, build.mediaType},
        {u"configDigest"_s, build.configDigest},
        {u"created"_s, build.created.isValid()
                           ? QJsonValue(build.created.toString(Qt::ISODateWithMs))
                           : QJsonValue()},
        {u"revision"_s, build.revision},
        {u"labels"_s, labels},
        {u"platforms"_s, platforms},
        {u"size"_s, build.size},
        {u"tags"_s, tags},
    };
    if (!build.problem.isEmpty())
        object.insert(u"problem"_s, build.problem);
    QJsonArray artifacts;
    for (const Accessory& accessory : build.accessories)
        artifacts.append(
            QJsonObject{{u"tag"_s, accessory.tag}, {u"kind"_s, accessoryKindName(accessory.kind)}});
    object.insert(u"artifacts"_s, artifacts);
    return object;
}

QJsonArray buildsToJson(const QList<Build>& builds) {
    QJsonArray array;
    for (const Build& build : builds)
        array.append(buildToJson(build));
    return array;
}

} // namespace berth
