#pragma once

// One build on the timeline: a manifest digest in one repository, with every tag
// that points at it. A multi-arch index is one build.

#include "registry/Accessory.h"
#include "registry/RegistryTypes.h"
#include "registry/TagClassifier.h"

namespace berth {

struct Build {
    QString digest;
    QString mediaType;
    QString configDigest; // for an index: the config of the platform shown (linux/amd64 first)
    QDateTime created;    // UTC; invalid when the image does not say
    QMap<QString, QString> labels;
    QString revision; // commit the build came from, when anything says so
    QList<Platform> platforms;
    qint64 size = 0; // config + compressed layers (of the platform shown, for an index)
    QList<ClassifiedTag> tags;
    QString problem; // why the build could not be read completely, else empty
    // Signatures, attestations and SBOMs attached to it (Accessory.h), by their tags.
    QList<Accessory> accessories;

    bool isIndex() const { return MediaTypes::isIndex(mediaType); }
};

// Newest first by creation time; builds without a time go last; ties by digest so
// the order is stable between refreshes.
void sortNewestFirst(QList<Build>& builds);
// Environments, latest, floating then exact versions, SHAs, others; by name within a kind.
void sortTagsForDisplay(QList<ClassifiedTag>& tags);

} // namespace berth
