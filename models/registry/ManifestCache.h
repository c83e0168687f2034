#pragma once

// Manifests and configs are immutable by digest, so a cache of them never needs
// invalidating. The history store provides a persistent one; this interface lets
// the build collector use whichever it is given.

#include "registry/RegistryTypes.h"

#include <QHash>

#include <functional>
#include <optional>

namespace berth {

class ManifestCache {
public:
    virtual ~ManifestCache() = default;
    virtual std::optional<ManifestBlob> manifest(const QString& digest) const = 0;
    virtual void storeManifest(const ManifestBlob& blob) = 0;
    virtual std::optional<QByteArray> config(const QString& digest) const = 0;
    virtual void storeConfig(const QString& digest, const QByteArray& bytes) = 0;
    // Runs `lookups` (manifest and config reads, nothing stored) as one read of the cache:
    // a database answers them all from one snapshot instead of locking it for each.
    virtual void readTogether(const std::function<void()>& lookups) { lookups(); }
};

class MemoryManifestCache final : public ManifestCache {
public:
    std::optional<ManifestBlob> manifest(const QString& digest) const override {
        const auto found = m_manifests.constFind(digest);
        return found == m_manifests.constEnd() ? std::nullopt : std::optional(*found);
    }
    void storeManifest(const ManifestBlob& blob) override { m_manifests.insert(blob.digest, blob); }
    std::optional<QByteArray> config(const QString& digest) const override {
        const auto found = m_configs.constFind(digest);
        return found == m_configs.constEnd() ? std::nullopt : std::optional(*found);
    }
    void storeConfig(const QString& digest, const QByteArray& bytes) override {
        m_configs.insert(digest, bytes);
    }

private:
    QHash<QString, ManifestBlob> m_manifests;
    QHash<QString, QByteArray> m_configs;
};

} // namespace berth
