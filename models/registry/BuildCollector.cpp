#include "registry/BuildCollector.h"

#include "registry/ImageConfig.h"
#include "registry/ImageReference.h"
#include "registry/ManifestCache.h"
#include "registry/ManifestParser.h"
#include "registry/RegistryClient.h"

#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace berth {

struct BuildCollector::Job {
    BuildCollection collection;
    GuardedCallback<BuildCollection> done;
    int pending = 0;
    QMap<QString, QStringList> tagsByDigest;
    QStringList toHead;     // the listed tags to ask about
    bool cacheOnly = false; // a miss is a problem, not a request
    // The builds this read reads (setBuildFilter, for collect() only); unset: all.
    std::function<bool(const QList<ClassifiedTag>&)> wanted;
    QList<Accessory> accessories; // the listed accessory tags, attached when the builds are in
};

namespace {

// Moving tags first (what a release manager looks for), then versions, then SHAs.
int displayRank(TagKind kind) {
    switch (kind) {
    case TagKind::Environment:
        return 0;
    case TagKind::Latest:
        return 1;
    case TagKind::FloatingSemver:
        return 2;
    case TagKind::ExactSemver:
        return 3;
    case TagKind::GitSha:
        return 4;
    case TagKind::BranchSha:
        return 5;
    case TagKind::Other:
        return 6;
    }
    return 7;
}

} // namespace

void sortTagsForDisplay(QList<ClassifiedTag>& tags) {
    std::sort(tags.begin(), tags.end(), [](const ClassifiedTag& a, const ClassifiedTag& b) {
        const int rankA = displayRank(a.kind);
        const int rankB = displayRank(b.kind);
        return rankA != rankB ? rankA < rankB : a.name < b.name;
    });
}

void sortNewestFirst(QList<Build>& builds) {
    std::stable_sort(builds.begin(), builds.end(), [](const Build& a, const Build& b) {
        if (a.created.isValid() != b.created.isValid())
            return a.created.isValid();
        if (a.created != b.created)
            return a.created > b.created;
        return a.digest < b.digest;
    });
}

QString revisionOf(const QMap<QString, QString>& labels, const QList<ClassifiedTag>& tags) {
    for (const QString& key : {u"org.opencontainers.image.revision"_s, u"git.commit"_s}) {
        const QString value = labels.value(key).trimmed();
        if (!value.isEmpty())
            return value;
    }
    QString fromShaTag;
    QString fromBranchTag;
    for (const ClassifiedTag& tag : tags) {
        const QString sha = TagClassifier::commitShaOf(tag.name, tag.kind);
        QString& slot = tag.kind == TagKind::GitSha ? fromShaTag : fromBranchTag;
        if (sha.size() > slot.size())
            slot = sha;
    }
    return fromShaTag.isEmpty() ? fromBranchTag : fromShaTag;
}

namespace {

// The platform whose config stands for a multi-arch build on the timeline.
const Platform* representativePlatform(const QList<Platform>& platforms) {
    for (const Platform& platform : platforms) {
        if (platform.os == u"linux"_s && platform.architecture == u"amd64"_s)
            return &platform;
    }
    for (const Platform& platform : platforms) {
        if (platform.os != u"unknown"_s)
            return &platform;
    }
    return platforms.isEmpty() ? nullptr : &platforms.first();
}

void applyConfig(Build& build, const QByteArray& bytes) {
    const Result<ImageConfig> config = ImageConfig::parse(bytes);
    if (!config) {
        build.problem = config.error().message;
        return;
    }
    build.created = config->created;
    build.labels = config->labels;
    if (!build.isIndex() && !config->os.isEmpty())
        build.platforms = {
            Platform{config->os, config->architecture, config->variant, build.digest, 0}};
}

Error notCached(const QString& what, const QString& digest) {
    return Error::make(
        u"The %1 %2 is not in Berth's cache yet; a refresh reads it."_s.arg(what, digest));
}

} // namespace

BuildCollector::BuildCollector(RegistryClient* client, ManifestCache* cache,
                               TagClassifier classifier, QObject* parent)
    : QObject(parent)
    , m_client(client)
    , m_cache(cache)
    , m_classifier(std::move(classifier)) {
    if (!m_cache) {
        m_ownCache = std::make_unique<MemoryManifestCache>();
        m_cache = m_ownCache.get();
    }
}

BuildCollector::~BuildCollector() = default;

void BuildCollector::collect(const QString& repository, QObject* context,
                             Callback<BuildCollection> done) {
    auto job = std::make_shared<Job>();
    job->collection.repository = repository;
    job->done = GuardedCallback<BuildCollection>(context, std::move(done));
    job->wanted = m_wanted;
    m_client->listTags(repository, this, [this, job](Result<QStringList> tags) {
        if (!tags)
            return job->done(tags.error());
        for (const QString& tag : tags.value()) {
            // A name outside the tag grammar is the registry's fault (or a trap): it is
            // reported, and never becomes a chip, a lane or a request path.
            if (const QString problem = tagValidationError(tag); !problem.isEmpty()) {
                job->collection.warnings.append(
                    u"The registry listed a tag that is not one, left out: %1"_s.arg(problem));
                continue;
            }
            if (std::optional<Accessory> accessory = accessoryFromTag(tag)) {
                job->accessories.append(std::move(*accessory));
                continue;
            }
            job->collection.tagDigests.insert(tag, QString());
        }
        job->toHead = job->collection.tagDigests.keys();
        if (m_known) {
            const RefreshPlan plan = planRefresh(job->toHead, *m_known, m_classifier, m_refreshRule,
                                                 QDateTime::currentDateTimeUtc());
            job->toHead = plan.toCheck;
            for (auto it = plan.fromHistory.cbegin(); it != plan.fromHistory.cend(); ++it) {
                job->collection.tagDigests.insert(it.key(), it.value());
                job->tagsByDigest[it.value()].append(it.key());
                job->collection.fromHistory.append(it.key());
            }
        }
        headAllTags(job);
    });
}

void BuildCollector::setKnownTags(QMap<QString, KnownTag> known, const RefreshRule& rule) {
    m_known = std::move(known);
    m_refreshRule = rule;
}

void BuildCollector::readDigests(const QString& repository,
                                 const QMap<QString, QStringList>& tagsByDigest, QObject* context,
                                 Callback<BuildCollection> done) {
    auto job = std::make_shared<Job>();
    job->collection.repository = repository;
    job->done = GuardedCallback<BuildCollection>(context, std::move(done));
    job->tagsByDigest = tagsByDigest;
    for (auto it = tagsByDigest.cbegin(); it != tagsByDigest.cend(); ++it) {
        for (const QString& tag : it.value())
            job->collection.tagDigests.insert(tag, it.key());
    }
    readBuilds(job);
}

BuildCollection BuildCollector::fromCache(const QString& repository,
                                          const QMap<QString, QString>& tagDigests,
                                          ManifestCache& cache, TagClassifier classifier) {
    BuildCollector collector(nullptr, &cache, std::move(classifier));
    auto job = std::make_shared<Job>();
    job->cacheOnly = true;
    job->collection.repository = repository;
    job->collection.tagDigests = tagDigests;
    for (auto it = tagDigests.cbegin(); it != tagDigests.cend(); ++it)
        job->tagsByDigest[it.value()].append(it.key());
    BuildCollection result;
    job->done = GuardedCallback<BuildCollection>(
        nullptr, [&result](Result<BuildCollection> collection) { result = collection.value(); });
    // Every step completes synchronously on cache hits and misses alike.
    collector.readBuilds(job);
    Q_ASSERT(!job->done.isPending());
    return result;
}

void BuildCollector::headAllTags(const std::shared_ptr<Job>& job) {
    const QStringList tags = job->toHead;
    if (tags.isEmpty())
        return readBuilds(job);
    job->pending = int(tags.size());
    // All HEADs are issued at once; the transport keeps the number in flight bounded.
    for (const QString& tag : tags) {
        m_client->headManifest(
            job->collection.repository, tag, this, [this, job, tag](Result<ManifestHead> head) {
                if (head) {
                    job->collection.tagDigests[tag] = head->digest;
                    job->tagsByDigest[head->digest].append(tag);
                } else {
                    // Deleted between list and HEAD, or unreadable:
                    // the rest of the timeline is still worth showing.
                    job->collection.tagDigests.remove(tag);
                    job->collection.warnings.append(head.error().message);
                    // A tag deleted meanwhile is gone, not unread.
                    if (head.error().httpStatus != 404)
                        job->collection.failedTags.insert(tag, head.error().message);
                }
                if (--job->pending == 0)
                    readBuilds(job);
            });
    }
}

void BuildCollector::readBuilds(const std::shared_ptr<Job>& job) {
    QList<Build> wanted;
    for (auto it = job->tagsByDigest.cbegin(); it != job->tagsByDigest.cend(); ++it) {
        Build build;
        build.digest = it.key();
        build.tags = m_classifier.classifyAll(it.value());
        if (job->wanted && !job->wanted(build.tags))
            continue;
        sortTagsForDisplay(build.tags);
        wanted.append(std::move(build));
    }
    // One more than the builds: held until every read is asked, so the collection is
    // finished (and recorded by the caller) after the cache's read, not inside it.
    job->pending = int(wanted.size()) + 1;
    // Cached builds answer at once, all from one read of the cache.
    m_cache->readTogether([this, &job, &wanted] {
        for (Build& build : wanted)
            readBuild(job, std::move(build));
    });
    if (--job->pending == 0)
        finish(job);
}

void BuildCollector::readBuild(const std::shared_ptr<Job>& job, Build build) {
    const QString digest = build.digest;
    fetchManifest(job, digest, [this, job, build](Result<ManifestBlob> blob) mutable {
        if (!blob) {
            build.problem = blob.error().message;
            markUnread(job, build.digest, build.problem);
            return finishBuild(job, build);
        }
        const Result<ManifestInfo> info = ManifestParser::parse(blob->bytes, blob->mediaType);
        build.mediaType = info ? info->mediaType : blob->mediaType;
        if (!info) {
            build.problem = info.error().message;
            return finishBuild(job, build);
        }
        if (!info->isIndex()) {
            build.configDigest = info->configDigest;
            build.size = info->configSize + info->layersSize;
            return fetchConfig(job, info->configDigest,
                               [this, job, build](Result<QByteArray> config) mutable {
                                   if (config) {
                                       applyConfig(build, config.value());
                                   } else {
                                       build.problem = config.error().message;
                                       markUnread(job, build.digest, build.problem);
                                   }
                                   finishBuild(job, build);
                               });
        }
        build.platforms = info->platforms;
        const Platform* shown = representativePlatform(info->platforms);
        if (!shown) {
            build.problem = u"The image index lists no platforms."_s;
            return finishBuild(job, build);
        }
        fetchManifest(job, shown->digest, [this, job, build](Result<ManifestBlob> child) mutable {
            const Result<ManifestInfo> childInfo =
                child ? ManifestParser::parse(child->bytes, child->mediaType)
                      : Result<ManifestInfo>(child.error());
            if (!childInfo) {
                build.problem = childInfo.error().message;
                if (!child)
                    markUnread(job, build.digest, build.problem);
                return finishBuild(job, build);
            }
            build.configDigest = childInfo->configDigest;
            build.size = childInfo->configSize + childInfo->layersSize;
            fetchConfig(job, childInfo->configDigest,
                        [this, job, build](Result<QByteArray> config) mutable {
                            if (config) {
                                applyConfig(build, config.value());
                            } else {
                                build.problem = config.error().message;
                                markUnread(job, build.digest, build.problem);
                            }
                            finishBuild(job, build);
                        });
        });
    });
}

void BuildCollector::fetchManifest(const std::shared_ptr<Job>& job, const QString& digest,
                                   Callback<ManifestBlob> done) {
    if (std::optional<ManifestBlob> cached = m_cache->manifest(digest))
        return done(*cached);
    if (job->cacheOnly)
        return done(notCached(u"manifest"_s, digest));
    m_client->getManifest(job->collection.repository, digest, this,
                          [this, done](Result<ManifestBlob> blob) {
                              if (blob)
                                  m_cache->storeManifest(blob.value());
                              done(blob);
                          });
}

void BuildCollector::fetchConfig(const std::shared_ptr<Job>& job, const QString& digest,
                                 Callback<QByteArray> done) {
    if (std::optional<QByteArray> cached = m_cache->config(digest))
        return done(*cached);
    if (job->cacheOnly)
        return done(notCached(u"config"_s, digest));
    m_client->getBlob(job->collection.repository, digest, RegistryClient::kMaxConfigBytes, this,
                      [this, digest, done](Result<QByteArray> bytes) {
                          if (bytes)
                              m_cache->storeConfig(digest, bytes.value());
                          done(bytes);
                      });
}

void BuildCollector::finishBuild(const std::shared_ptr<Job>& job, Build build) {
    build.revision = revisionOf(build.labels, build.tags);
    if (!build.problem.isEmpty())
        job->collection.warnings.append(
            u"%1@%2: %3"_s.arg(job->collection.repository, build.digest, build.problem));
    job->collection.builds.append(std::move(build));
    if (--job->pending == 0)
        finish(job);
}

void BuildCollector::markUnread(const std::shared_ptr<Job>& job, const QString& digest,
                                const QString& error) {
    for (const QString& tag : job->tagsByDigest.value(digest))
        job->collection.failedTags.insert(tag, error);
}

void attachAccessories(BuildCollection& collection, const QList<Accessory>& accessories) {
    QHash<QString, Build*> bySubject;
    for (Build& build : collection.builds) {
        build.accessories.clear();
        bySubject.insert(build.digest, &build);
    }
    // A build left unread on purpose (BuildCollector::setBuildFilter) is still a subject.
    QSet<QString> tagged;
    if (collection.builds.size() < collection.tagDigests.size()) {
        for (const QString& digest : std::as_const(collection.tagDigests))
            tagged.insert(digest);
    }
    collection.orphanAccessories.clear();
    for (const Accessory& accessory : accessories) {
        if (Build* subject = bySubject.value(accessory.subjectDigest)) {
            subject->accessories.append(accessory);
            continue;
        }
        if (tagged.contains(accessory.subjectDigest))
            continue;
        collection.orphanAccessories.append(accessory);
        collection.warnings.append(
            u"%1: a %2 for %3, which no tag of this repository points at"_s.arg(
                accessory.tag, accessoryKindName(accessory.kind), accessory.subjectDigest));
    }
}

int BuildCollection::tagsSeen() const {
    int seen = int(tagDigests.size());
    for (auto it = failedTags.cbegin(); it != failedTags.cend(); ++it)
        seen += tagDigests.contains(it.key()) ? 0 : 1;
    return seen;
}

void BuildCollector::finish(const std::shared_ptr<Job>& job) {
    attachAccessories(job->collection, job->accessories);
    sortNewestFirst(job->collection.builds);
    job->done(job->collection);
}

} // namespace berth
