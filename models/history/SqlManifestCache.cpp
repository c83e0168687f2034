#include "history/SqlManifestCache.h"

#include "history/HistoryStore.h"
#include "registry/ImageConfig.h"
#include "registry/ManifestParser.h"

namespace berth {

SqlManifestCache::SqlManifestCache(HistoryStore& store)
    : m_store(store) {
}

void SqlManifestCache::note(const QString& problem) const {
    if (!m_problems.contains(problem))
        m_problems.append(problem);
}

std::optional<ManifestBlob> SqlManifestCache::manifest(const QString& digest) const {
    const Result<std::optional<ManifestBlob>> found = m_store.manifest(digest);
    if (!found) {
        note(found.error().message);
        return std::nullopt;
    }
    return found.value();
}

void SqlManifestCache::storeManifest(const ManifestBlob& blob) {
    if (m_store.writeRefusal())
        return; // a read-only or damaged history: the caller says so once, not per digest
    ManifestRecord record{blob, {}, 0, {}};
    // Unparseable bytes are still the registry's exact bytes: keep them, without details.
    if (const Result<ManifestInfo> info = ManifestParser::parse(blob.bytes, blob.mediaType)) {
        record.configDigest = info->configDigest;
        record.size = info->configSize + info->layersSize;
        record.platforms = info->platforms;
    }
    if (const Status stored = m_store.storeManifest(record); !stored)
        note(stored.error().message);
}

void SqlManifestCache::readTogether(const std::function<void()>& lookups) {
    m_store.readTogether(lookups);
}

std::optional<QByteArray> SqlManifestCache::config(const QString& digest) const {
    const Result<std::optional<QByteArray>> found = m_store.config(digest);
    if (!found) {
        note(found.error().message);
        return std::nullopt;
    }
    return found.value();
}

void SqlManifestCache::storeConfig(const QString& digest, const QByteArray& bytes) {
    if (m_store.writeRefusal())
        return;
    const Result<ImageConfig> parsed = ImageConfig::parse(bytes);
    const Status stored = parsed
                              ? m_store.storeConfig(digest, bytes, parsed->created, parsed->labels)
                              : m_store.storeConfig(digest, bytes, {}, {});
    if (!stored)
        note(stored.error().message);
}

} // namespace berth
