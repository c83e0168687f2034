#pragma once

// Lists a build's referrers the way its registry keeps them: through the OCI 1.1 referrers
// API where the registry offers it, else from the fallback tag sha256-<hex>. Whether the
// API is there is asked once per registry: calls made while that first answer is awaited
// wait for it, so checking 500 builds on a registry without the API costs one 404, and a
// build whose fallback tag the tag list lacks costs no request at all.

#include "core/Callback.h"
#include "registry/Referrers.h"

#include <QObject>

#include <functional>
#include <optional>

namespace berth {

class RegistryClient;

class ReferrersLister : public QObject {
    Q_OBJECT
public:
    enum class Source { None, Api, FallbackTag };
    struct Listing {
        QList<Referrer> referrers;
        Source source = Source::None; // where they were read; None: nothing to read
    };

    // `client` must outlive the lister.
    explicit ReferrersLister(RegistryClient* client, QObject* parent = nullptr);

    // The referrers of `subjectDigest` in `repository` (its path). `fallbackTagListed`
    // says whether the repository's tag list holds the fallback tag; nullopt when the
    // caller has not read the list, and the registry is asked.
    void list(const QString& repository, const QString& subjectDigest,
              std::optional<bool> fallbackTagListed, QObject* context, Callback<Listing> done);

    // Whether the registry offers the API; nullopt until it has answered once.
    std::optional<bool> apiOffered() const;

private:
    enum class Api { Unknown, Asking, Offered, Absent };
    using Done = std::shared_ptr<GuardedCallback<Listing>>;

    void listThroughApi(const QString& repository, const QString& subjectDigest,
                        std::optional<bool> fallbackTagListed, Done done);
    void listFromFallbackTag(const QString& repository, const QString& subjectDigest,
                             std::optional<bool> fallbackTagListed, Done done);
    void releaseWaiting();

    RegistryClient* m_client;
    Api m_api = Api::Unknown;
    QList<std::function<void()>> m_waiting; // calls made while the first answer is awaited
};

} // namespace berth
