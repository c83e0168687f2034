#pragma once

// Reads one repository into builds: lists its tags, HEADs every tag, fetches each
// distinct manifest and config once (or takes them from the cache), and groups the
// tags by the digest they point at. Accessory tags (signatures, attestations, SBOMs:
// Accessory.h) are no builds: they are attached to their subject without a request.

#include "core/Callback.h"
#include "registry/Build.h"
#include "registry/RefreshPlan.h"
#include "registry/TagClassifier.h"

#include <QObject>

#include <functional>
#include <memory>
#include <optional>

namespace berth {

class ManifestCache;
class RegistryClient;

struct BuildCollection {
    QString repository;                // path inside the registry, e.g. "acme/payment-api"
    QList<Build> builds;               // newest first
    QMap<QString, QString> tagDigests; // every tag read, to the digest it pointed at
    QStringList warnings;              // tags or builds that could not be read, one line each
    // Tags the registry did not answer for (their HEAD, or their build's manifest or config
    // failed to arrive), to the first error about each. A build that arrived but does not
    // parse is a bad build, shown with its problem, not a failed read.
    QMap<QString, QString> failedTags;
    // Tags whose digest is the history's (see RefreshPlan.h): listed, but not asked about on
    // this read, so not seen now either. Empty unless known tags were given.
    QStringList fromHistory;
    // Accessory tags whose subject no tag of the repository points at (a platform manifest
    // of an index, or a build deleted since): reported, with a warning each.
    QList<Accessory> orphanAccessories;

    int tagsSeen() const; // every tag listed: read or failed
};

class BuildCollector : public QObject {
    Q_OBJECT
public:
    // cache may be null; the collector then keeps what it fetched for its own lifetime.
    BuildCollector(RegistryClient* client, ManifestCache* cache = nullptr,
                   TagClassifier classifier = {}, QObject* parent = nullptr);
    ~BuildCollector() override;

    void collect(const QString& repository, QObject* context, Callback<BuildCollection> done);
    // Makes collect() ask only about the tags `rule` says can have moved (see
    // RefreshPlan.h); the others take their digest from `known`.
    void setKnownTags(QMap<QString, KnownTag> known, const RefreshRule& rule);
    // Makes collect() read only the builds whose tags `wanted` accepts (their manifests
    // and configs); every tag is still listed, asked about and in tagDigests. For a view
    // that shows a few builds of many (the board: where the environments point).
    void setBuildFilter(std::function<bool(const QList<ClassifiedTag>& tags)> wanted) {
        m_wanted = std::move(wanted);
    }

    // The builds behind digests already known (a publish names its build), each with the
    // tags given for it: manifests and configs from the cache, else the registry. No tag
    // is listed or HEADed.
    void readDigests(const QString& repository, const QMap<QString, QStringList>& tagsByDigest,
                     QObject* context, Callback<BuildCollection> done);

    // The builds behind tags whose digests are already known (from the history store),
    // read from the cache alone: no request is made, so it returns at once. A manifest
    // or config the cache lacks leaves that build with a problem instead.
    static BuildCollection fromCache(const QString& repository,
                                     const QMap<QString, QString>& tagDigests, ManifestCache& cache,
                                     TagClassifier classifier = {});

private:
    struct Job;
    void headAllTags(const std::shared_ptr<Job>& job);
    void readBuilds(const std::shared_ptr<Job>& job);
    // `build` holds its digest and classified tags; the rest is read here.
    void readBuild(const std::shared_ptr<Job>& job, Build build);
    void fetchManifest(const std::shared_ptr<Job>& job, const QString& digest,
                       Callback<ManifestBlob> done);
    void fetchConfig(const std::shared_ptr<Job>& job, const QString& digest,
                     Callback<QByteArray> done);
    void finishBuild(const std::shared_ptr<Job>& job, Build build);
    static void markUnread(const std::shared_ptr<Job>& job, const QString& digest,
                           const QString& error);
    void finish(const std::shared_ptr<Job>& job);

    RegistryClient* m_client;
    ManifestCache* m_cache;
    std::unique_ptr<ManifestCache> m_ownCache;
    TagClassifier m_classifier;
    std::optional<QMap<QString, KnownTag>> m_known;
    RefreshRule m_refreshRule;
    std::function<bool(const QList<ClassifiedTag>&)> m_wanted;
};

// Gives each build of `collection` the accessories whose subject it is; the others become
// its orphanAccessories, with a warning each.
void attachAccessories(BuildCollection& collection, const QList<Accessory>& accessories);

// The commit a build came from: the OCI revision label, else a git.commit label,
// else the longest git-SHA tag, else the SHA of a branch-SHA tag.
QString revisionOf(const QMap<QString, QString>& labels, const QList<ClassifiedTag>& tags);

} // namespace berth
