#pragma once

// The Distribution API of one registry, asynchronously: ping, catalog, tags,
// manifests and blobs, with digests verified over the exact bytes received.

#include "core/Callback.h"
#include "registry/Referrers.h"
#include "registry/RegistryOptions.h"
#include "registry/RegistryTypes.h"

#include <QObject>

#include <optional>

namespace berth {

class RegistryTransport;

class RegistryClient : public QObject {
    Q_OBJECT
public:
    // domain as in an image reference ("localhost:5000", "docker.io", "ghcr.io").
    explicit RegistryClient(const QString& domain, RegistryOptions options = {},
                            QObject* parent = nullptr);

    QString domain() const;
    RegistryTransport* transport() const { return m_transport; }

    void ping(QObject* context, Callback<Unit> done);
    // Every repository the catalog lists (absent or partial on many hosted registries).
    void listRepositories(QObject* context, Callback<QStringList> done, int pageSize = 100);
    // Every tag of `repository` (a path such as "acme/payment-api"), across all pages.
    void listTags(const QString& repository, QObject* context, Callback<QStringList> done,
                  int pageSize = 1000);
    // HEAD (not counted as a pull); falls back to GET when the registry sends no digest.
    void headManifest(const QString& repository, const QString& reference, QObject* context,
                      Callback<ManifestHead> done);
    void getManifest(const QString& repository, const QString& reference, QObject* context,
                     Callback<ManifestBlob> done);
    // A blob by digest, verified; redirects followed without carrying credentials.
    void getBlob(const QString& repository, const QString& digest, qint64 maxBytes,
                 QObject* context, Callback<QByteArray> done);

    // What the OCI 1.1 referrers API lists for `subjectDigest`, across all pages; nullopt
    // when the registry does not offer the API (it answers 404, which the spec forbids a
    // registry that offers it). ReferrersLister adds the fallback tag.
    void listReferrers(const QString& repository, const QString& subjectDigest, QObject* context,
                       Callback<std::optional<QList<Referrer>>> done);

    // PUTs manifest bytes exactly as given under `tag`; answers the digest the registry
    // stored, which must be the blob's own, and whether the registry said so.
    void putManifest(const QString& repository, const QString& tag, const ManifestBlob& blob,
                     QObject* context, Callback<ManifestPut> done);
    // Fetches (and caches) the authorization putManifest will need, so a PUT made later
    // does not wait for the token service. Anonymous registries answer at once.
    void authorizePush(const QString& repository, QObject* context, Callback<Unit> done);

    void cancelAll();

    static constexpr qint64 kMaxManifestBytes = 4 * 1024 * 1024; // distribution's own limit
    static constexpr qint64 kMaxConfigBytes = 16 * 1024 * 1024;

signals:
    void progressChanged(int finished, int total);
    void registryWarning(const QString& text);

private:
    struct Listing;
    void fetchListPage(std::shared_ptr<Listing> listing, const QUrl& url, const QString& path);
    struct ReferrersListing;
    void fetchReferrersPage(std::shared_ptr<ReferrersListing> listing, const QUrl& url,
                            const QString& path);

    RegistryTransport* m_transport;
};

// sha256:<hex> (or sha512) of exactly these bytes, in the digest's own algorithm.
QString digestOf(const QByteArray& bytes, const QString& algorithm = QStringLiteral("sha256"));
// Empty when `bytes` hash to `digest`, else a sentence saying they don't.
QString verifyDigest(const QByteArray& bytes, const QString& digest);

} // namespace berth
