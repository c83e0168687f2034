#include "engine/RunningContainers.h"

#include "board/ReleaseBoard.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

// Docker answers image ids as "sha256:<hex>"; podman's compatible API sometimes without.
QString normalizedImageId(const QString& id) {
    return id.isEmpty() || id.contains(u':') ? id : u"sha256:"_s + id;
}

} // namespace

Result<QList<RunningContainer>> readContainers(EngineConnection& connection) {
    QUrlQuery all;
    all.addQueryItem(u"all"_s, u"1"_s);
    const Result<QJsonDocument> listed =
        connection.getJson(u"/containers/json"_s, all, u"listing the containers"_s);
    if (!listed)
        return listed.error();
    QList<RunningContainer> containers;
    QHash<QString, QStringList> repoDigestsOfImage; // each image is asked about once
    for (const QJsonValue& entry : listed->array()) {
        RunningContainer container;
        container.id = entry[u"Id"_s].toString();
        container.name = entry[u"Names"_s].toArray().first().toString();
        if (container.name.startsWith(u'/'))
            container.name.remove(0, 1);
        container.image = entry[u"Image"_s].toString();
        container.imageId = normalizedImageId(entry[u"ImageID"_s].toString());
        container.state = entry[u"State"_s].toString();
        // Start time and health are only in the container's own description.
        const Result<QJsonDocument> inspected = connection.getJson(
            u"/containers/%1/json"_s.arg(EngineConnection::pathSegment(container.id)), {},
            u"reading container %1"_s.arg(container.name));
        if (!inspected)
            return inspected.error();
        const QJsonObject state = inspected->object()[u"State"_s].toObject();
        container.health = state[u"Health"_s].toObject()[u"Status"_s].toString();
        const QDateTime started =
            QDateTime::fromString(state[u"StartedAt"_s].toString(), Qt::ISODateWithMs);
        // A container never started says "0001-01-01T00:00:00Z".
        if (started.isValid() && started.date().year() > 1970)
            container.startedAt = started.toUTC();
        if (!container.imageId.isEmpty()) {
            if (!repoDigestsOfImage.contains(container.imageId)) {
                const Result<QJsonDocument> image = connection.getJson(
                    u"/images/%1/json"_s.arg(EngineConnection::pathSegment(container.imageId)), {},
                    u"reading image %1"_s.arg(container.imageId));
                // An image removed since the container was made leaves only its id; any
                // other failure is the engine's, and said.
                if (!image && image.error().httpStatus != 404)
                    return image.error();
                QStringList names;
                if (image)
                    for (const QJsonValue& name : image->object()[u"RepoDigests"_s].toArray())
                        names.append(name.toString());
                repoDigestsOfImage.insert(container.imageId, names);
            }
            container.repoDigests = repoDigestsOfImage.value(container.imageId);
        }
        containers.append(container);
    }
    return containers;
}

QList<ContainerOfBuild> containersOfRepository(const QString& host,
                                               const QList<RunningContainer>& containers,
                                               const QString& repository,
                                               const QList<Build>& builds) {
    QHash<QString, QString> buildOfConfig;
    QHash<QString, const Build*> buildOfDigest;
    for (const Build& build : builds) {
        buildOfDigest.insert(build.digest, &build);
        if (!build.configDigest.isEmpty())
            buildOfConfig.insert(build.configDigest, build.digest);
    }
    const QString prefix = repository + u'@';
    QList<ContainerOfBuild> matched;
    for (const RunningContainer& container : containers) {
        ContainerOfBuild found{host, container, {}, {}, {}};
        for (const QString& name : container.repoDigests)
            if (name.startsWith(prefix)) {
                found.digest = name.mid(prefix.size());
                found.matchedBy = u"repo digest"_s;
                break;
            }
        if (found.digest.isEmpty() && buildOfConfig.contains(container.imageId)) {
            found.digest = buildOfConfig.value(container.imageId);
            found.matchedBy = u"config digest"_s;
        }
        if (found.digest.isEmpty())
            continue;
        found.version = buildVersionName(buildOfDigest.value(found.digest), found.digest);
        matched.append(found);
    }
    return matched;
}

} // namespace berth
