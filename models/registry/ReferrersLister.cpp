#include "registry/ReferrersLister.h"

#include "registry/RegistryClient.h"

using namespace Qt::StringLiterals;

namespace berth {

ReferrersLister::ReferrersLister(RegistryClient* client, QObject* parent)
    : QObject(parent)
    , m_client(client) {
}

std::optional<bool> ReferrersLister::apiOffered() const {
    if (m_api == Api::Offered)
        return true;
    if (m_api == Api::Absent)
        return false;
    return std::nullopt;
}

void ReferrersLister::list(const QString& repository, const QString& subjectDigest,
                           std::optional<bool> fallbackTagListed, QObject* context,
                           Callback<Listing> done) {
    auto deliver = std::make_shared<GuardedCallback<Listing>>(context, std::move(done));
    switch (m_api) {
    case Api::Offered:
    case Api::Unknown:
        return listThroughApi(repository, subjectDigest, fallbackTagListed, deliver);
    case Api::Asking:
        m_waiting.append([this, repository, subjectDigest, fallbackTagListed, deliver] {
            list(repository, subjectDigest, fallbackTagListed, nullptr,
                 [deliver](Result<Listing> listing) { (*deliver)(std::move(listing)); });
        });
        return;
    case Api::Absent:
        return listFromFallbackTag(repository, subjectDigest, fallbackTagListed, deliver);
    }
}

void ReferrersLister::listThroughApi(const QString& repository, const QString& subjectDigest,
                                     std::optional<bool> fallbackTagListed, Done done) {
    const bool first = m_api == Api::Unknown;
    if (first)
        m_api = Api::Asking;
    m_client->listReferrers(repository, subjectDigest, this,
                            [this, first, repository, subjectDigest, fallbackTagListed,
                             done](Result<std::optional<QList<Referrer>>> answer) {
                                if (!answer) {
                                    // Nothing learnt: the next call asks again.
                                    if (first)
                                        m_api = Api::Unknown;
                                    (*done)(answer.error());
                                } else if (!answer->has_value()) {
                                    m_api = Api::Absent;
                                    listFromFallbackTag(repository, subjectDigest,
                                                        fallbackTagListed, done);
                                } else {
                                    m_api = Api::Offered;
                                    (*done)(Listing{answer->value(), Source::Api});
                                }
                                if (first)
                                    releaseWaiting();
                            });
}

void ReferrersLister::listFromFallbackTag(const QString& repository, const QString& subjectDigest,
                                          std::optional<bool> fallbackTagListed, Done done) {
    if (fallbackTagListed == false)
        return (*done)(Listing{});
    const QString tag = referrersFallbackTag(subjectDigest);
    m_client->getManifest(repository, tag, this, [done, tag](Result<ManifestBlob> manifest) {
        if (!manifest) {
            if (manifest.error().httpStatus == 404)
                return (*done)(Listing{});
            return (*done)(manifest.error());
        }
        const Result<QList<Referrer>> referrers = parseReferrersIndex(manifest->bytes);
        if (!referrers)
            return (*done)(
                referrers.error().withMessage(u"%1: %2"_s.arg(tag, referrers.errorMessage())));
        (*done)(Listing{referrers.value(), Source::FallbackTag});
    });
}

void ReferrersLister::releaseWaiting() {
    const QList<std::function<void()>> waiting = std::exchange(m_waiting, {});
    for (const std::function<void()>& call : waiting)
        call();
}

} // namespace berth
