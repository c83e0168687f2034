#pragma once

// The build collector's manifest cache, kept in the history store: a refresh then only
// GETs manifests and configs never seen before, in any repository.

#include "registry/ManifestCache.h"

#include <QStringList>

namespace berth {

class HistoryStore;

class SqlManifestCache final : public ManifestCache {
public:
    // The store must outlive the cache and be used from the same thread.
    explicit SqlManifestCache(HistoryStore& store);

    std::optional<ManifestBlob> manifest(const QString& digest) const override;
    void storeManifest(const ManifestBlob& blob) override;
    std::optional<QByteArray> config(const QString& digest) const override;
    void storeConfig(const QString& digest, const QByteArray& bytes) override;
    void readTogether(const std::function<void()>& lookups) override;

    // The interface has no error channel: a failed read counts as a miss (the registry
    // is asked instead) and every failure is kept here for the caller to show once.
    QStringList problems() const { return m_problems; }

private:
    void note(const QString& problem) const;

    HistoryStore& m_store;
    mutable QStringList m_problems;
};

} // namespace berth
