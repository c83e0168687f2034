#include "engine/ContainerBlueprint.h"

#include <QJsonArray>
#include <QSet>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

// The values of an image's config a container inherits unless it was given its own.
const QStringList kInheritedScalars = {u"WorkingDir"_s, u"User"_s,    u"StopSignal"_s,
                                       u"Shell"_s,      u"OnBuild"_s, u"ArgsEscaped"_s};

// Engines answer an absent list as null or as []; both mean "none given".
bool sameValue(const QJsonValue& a, const QJsonValue& b) {
    const auto isEmpty = [](const QJsonValue& value) {
        return value.isNull() || value.isUndefined() ||
               (value.isArray() && value.toArray().isEmpty()) ||
               (value.isObject() && value.toObject().isEmpty()) ||
               (value.isString() && value.toString().isEmpty());
    };
    if (isEmpty(a) || isEmpty(b))
        return isEmpty(a) && isEmpty(b);
    return a == b;
}

// "K=V" entries of the container that its image did not set to the same value.
QJsonArray ownEnvironment(const QJsonArray& container, const QJsonArray& image) {
    QSet<QString> inherited;
    for (const QJsonValue& entry : image)
        inherited.insert(entry.toString());
    QJsonArray own;
    for (const QJsonValue& entry : container)
        if (!inherited.contains(entry.toString()))
            own.append(entry);
    return own;
}

// Keys (and, with `compareValues`, their values) of the container the image did not set.
QJsonObject ownEntries(const QJsonObject& container, const QJsonObject& image, bool compareValues) {
    QJsonObject own;
    for (auto it = container.begin(); it != container.end(); ++it) {
        const bool fromImage =
            image.contains(it.key()) && (!compareValues || image.value(it.key()) == it.value());
        if (!fromImage)
            own.insert(it.key(), it.value());
    }
    return own;
}

void setOrRemove(QJsonObject& object, const QString& key, const QJsonValue& value, bool keep) {
    if (keep)
        object.insert(key, value);
    else
        object.remove(key);
}

// Where each mount the container was explicitly given lands, so a volume the engine
// lists there is not mounted twice.
QSet<QString> explicitDestinations(const QJsonObject& hostConfig) {
    QSet<QString> destinations;
    for (const QJsonValue& bind : hostConfig[u"Binds"_s].toArray()) {
        // "source:destination[:options]"; the source may be a volume name or a path.
        const QStringList parts = bind.toString().split(u':');
        if (parts.size() >= 2)
            destinations.insert(parts.at(1));
    }
    for (const QJsonValue& mount : hostConfig[u"Mounts"_s].toArray())
        destinations.insert(mount[u"Target"_s].toString());
    return destinations;
}

// Every volume of the old container, anonymous ones included, by name at its place.
QJsonArray bindsKeepingVolumes(const QJsonObject& container, const QJsonObject& hostConfig) {
    QJsonArray binds = hostConfig[u"Binds"_s].toArray();
    const QSet<QString> given = explicitDestinations(hostConfig);
    for (const QJsonValue& mount : container[u"Mounts"_s].toArray()) {
        const QString name = mount[u"Name"_s].toString();
        const QString destination = mount[u"Destination"_s].toString();
        if (mount[u"Type"_s].toString() != u"volume"_s || name.isEmpty() ||
            given.contains(destination))
            continue;
        const QString options = mount[u"RW"_s].toBool(true) ? QString() : u":ro"_s;
        binds.append(QString(name + u':' + destination + options));
    }
    return binds;
}

// The endpoint settings a container was given on one network, without what the engine
// added itself (the alias of the container's own short id, addresses it assigned).
QJsonObject givenEndpoint(const QJsonObject& endpoint, const QString& shortId) {
    QJsonObject given;
    QJsonArray aliases;
    for (const QJsonValue& alias : endpoint[u"Aliases"_s].toArray())
        if (alias.toString() != shortId)
            aliases.append(alias);
    if (!aliases.isEmpty())
        given.insert(u"Aliases"_s, aliases);
    for (const QString& key : {u"IPAMConfig"_s, u"Links"_s, u"DriverOpts"_s}) {
        if (!sameValue(endpoint.value(key), QJsonValue()))
            given.insert(key, endpoint.value(key));
    }
    return given;
}

bool hasNoNetworksOfItsOwn(const QString& networkMode) {
    return networkMode == u"none"_s || networkMode == u"host"_s ||
           networkMode.startsWith(u"container:"_s);
}

} // namespace

Result<ContainerBlueprint> ContainerBlueprint::of(const QJsonObject& container,
                                                  const QJsonObject& oldImageConfig,
                                                  const QString& newImage) {
    ContainerBlueprint blueprint;
    blueprint.name = container[u"Name"_s].toString();
    if (blueprint.name.startsWith(u'/'))
        blueprint.name.remove(0, 1);
    const QJsonObject config = container[u"Config"_s].toObject();
    const QJsonObject hostConfig = container[u"HostConfig"_s].toObject();
    if (blueprint.name.isEmpty() || config.isEmpty() || hostConfig.isEmpty())
        return Error::make(u"The engine's description of the container lacks its name or "
                           u"configuration; Berth cannot recreate it as it was."_s);
    const QString shortId = container[u"Id"_s].toString().left(12);

    QJsonObject body = config;
    body.insert(u"Image"_s, newImage);
    body.insert(u"Env"_s,
                ownEnvironment(config[u"Env"_s].toArray(), oldImageConfig[u"Env"_s].toArray()));
    body.insert(u"Labels"_s, ownEntries(config[u"Labels"_s].toObject(),
                                        oldImageConfig[u"Labels"_s].toObject(), true));
    body.insert(u"ExposedPorts"_s, ownEntries(config[u"ExposedPorts"_s].toObject(),
                                              oldImageConfig[u"ExposedPorts"_s].toObject(), false));
    body.insert(u"Volumes"_s, ownEntries(config[u"Volumes"_s].toObject(),
                                         oldImageConfig[u"Volumes"_s].toObject(), false));
    // An entrypoint given at run time replaces the image's command too; otherwise both
    // come from the new image unless the command was given.
    const bool entrypointGiven =
        !sameValue(config[u"Entrypoint"_s], oldImageConfig[u"Entrypoint"_s]);
    setOrRemove(body, u"Entrypoint"_s, config[u"Entrypoint"_s], entrypointGiven);
    setOrRemove(body, u"Cmd"_s, config[u"Cmd"_s],
                entrypointGiven || !sameValue(config[u"Cmd"_s], oldImageConfig[u"Cmd"_s]));
    // Podman spells an inherited health check with its own defaults filled in; the test
    // command is what tells one given at run time from the image's.
    const QJsonValue healthcheck = config[u"Healthcheck"_s];
    setOrRemove(body, u"Healthcheck"_s, healthcheck,
                !sameValue(healthcheck[u"Test"_s], oldImageConfig[u"Healthcheck"_s][u"Test"_s]));
    for (const QString& key : kInheritedScalars)
        setOrRemove(body, key, config[key], !sameValue(config[key], oldImageConfig[key]));
    // The engine names the host after the container's id unless told otherwise.
    setOrRemove(body, u"Hostname"_s, config[u"Hostname"_s],
                config[u"Hostname"_s].toString() != shortId);

    QJsonObject newHostConfig = hostConfig;
    newHostConfig.insert(u"Binds"_s, bindsKeepingVolumes(container, hostConfig));
    body.insert(u"HostConfig"_s, newHostConfig);

    const QString networkMode = hostConfig[u"NetworkMode"_s].toString();
    if (!hasNoNetworksOfItsOwn(networkMode)) {
        const QJsonObject networks =
            container[u"NetworkSettings"_s].toObject()[u"Networks"_s].toObject();
        // The engine takes one network at create (before API 1.44); the one the mode
        // names goes first, the others are connected before the container starts.
        const QString primary = networkMode == u"default"_s ? u"bridge"_s : networkMode;
        for (auto it = networks.begin(); it != networks.end(); ++it) {
            const QJsonObject endpoint = givenEndpoint(it.value().toObject(), shortId);
            if (it.key() == primary)
                body.insert(u"NetworkingConfig"_s,
                            QJsonObject{{u"EndpointsConfig"_s, QJsonObject{{it.key(), endpoint}}}});
            else
                blueprint.extraNetworks.append({it.key(), endpoint});
        }
    }
    blueprint.createBody = body;
    return blueprint;
}

} // namespace berth
