#include "registry/RegistryClient.h"

#include "registry/ImageReference.h"
#include "registry/LinkHeader.h"
#include "registry/ManifestParser.h"
#include "registry/RegistryAuth.h"
#include "registry/RegistryError.h"
#include "registry/RegistryTransport.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

constexpr qint64 kMaxListPageBytes = 32 * 1024 * 1024;
constexpr int kMaxListPages = 10000; // a registry that links pages in a circle stops here
// What one listing may hold across all its pages: far beyond any real repository's tags
// or registry's catalog, and small enough that an endless listing cannot eat the memory.
constexpr qsizetype kMaxListEntries = 100000;
constexpr qint64 kMaxListBytes = 64 * 1024 * 1024;

QString pullScope(const QString& repository) {
    return u"repository:%1:pull"_s.arg(repository);
}

QString pushScope(const QString& repository) {
    return u"repository:%1:pull,push"_s.arg(repository);
}

const QList<QPair<QByteArray, QByteArray>>& manifestAcceptHeaders() {
    // Built once: a refresh sends it with every one of its HEADs.
    static const QList<QPair<QByteArray, QByteArray>> headers{
        {"Accept", MediaTypes::acceptedManifestTypes().join(u", "_s).toLatin1()}};
    return headers;
}

QString manifestSubject(const QString& repository, const QString& reference) {
    const QChar separator = reference.contains(u':') ? u'@' : u':';
    return u"manifest %1%2%3"_s.arg(repository, separator, reference);
}

} // namespace

QString digestOf(const QByteArray& bytes, const QString& algorithm) {
    const auto hash =
        algorithm == u"sha512"_s ? QCryptographicHash::Sha512 : QCryptographicHash::Sha256;
    return algorithm + u':' + QString::fromLatin1(QCryptographicHash::hash(bytes, hash).toHex());
}

QString verifyDigest(const QByteArray& bytes, const QString& digest) {
    const QString algorithm = digest.section(u':', 0, 0);
    if (algorithm != u"sha256"_s && algorithm != u"sha512"_s)
        return u"unsupported digest algorithm in %1"_s.arg(digest);
    const QString actual = digestOf(bytes, algorithm);
    if (actual == digest)
        return {};
    return u"the content's digest is %1, not the requested %2"_s.arg(actual, digest);
}

namespace {

// Names what was asked for in front of a transport error, keeping its status and code.
Error about(const QString& subject, const Error& error) {
    return error.withMessage(subject + u": "_s + error.message);
}

} // namespace

struct RegistryClient::Listing {
    QString jsonKey;
    QString scope;
    QString subject;
    int pageSize = 0;
    QStringList items;
    qint64 bytes = 0; // of every page's body so far
    QSet<QUrl> visited;
    GuardedCallback<QStringList> done;
};

namespace {

// A listing cut short is no listing: a partial tag list would hide builds.
Error listingTooLong(const QString& subject, qsizetype pages, qsizetype entries) {
    return Error::make(
        u"%1: the registry's listing goes on past %2 pages, %3 entries or %4 MiB; Berth "
        u"stops there rather than hold an endless list (read %5 pages, %6 entries)."_s.arg(
            subject, QString::number(kMaxListPages), QString::number(kMaxListEntries),
            QString::number(kMaxListBytes / (1024 * 1024)), QString::number(pages),
            QString::number(entries)));
}

} // namespace

RegistryClient::RegistryClient(const QString& domain, RegistryOptions options, QObject* parent)
    : QObject(parent) {
    m_transport = new RegistryTransport(domain, apiHostOf(domain), std::move(options), this);
    connect(m_transport, &RegistryTransport::progressChanged, this,
            &RegistryClient::progressChanged);
    connect(m_transport, &RegistryTransport::registryWarning, this,
            &RegistryClient::registryWarning);
}

QString RegistryClient::domain() const {
    return m_transport->domain();
}

void RegistryClient::cancelAll() {
    m_transport->cancelAll();
}

void RegistryClient::ping(QObject* context, Callback<Unit> done) {
    HttpRequest request;
    request.path = u"/v2/"_s;
    request.maxBodyBytes = 64 * 1024;
    GuardedCallback<Unit> callback(context, std::move(done));
    m_transport->send(request, this, [this, callback](Result<HttpResponse> response) mutable {
        if (!response)
            return callback(response.error());
        if (!response->isSuccess())
            return callback(registryErrorFrom(*response, u"Registry %1"_s.arg(domain())));
        callback(Unit{});
    });
}

void RegistryClient::listRepositories(QObject* context, Callback<QStringList> done, int pageSize) {
    auto listing = std::make_shared<Listing>();
    listing->jsonKey = u"repositories"_s;
    listing->scope = u"registry:catalog:*"_s;
    listing->subject = u"Catalog of %1"_s.arg(domain());
    listing->pageSize = pageSize;
    listing->done = GuardedCallback<QStringList>(context, std::move(done));
    fetchListPage(listing, {}, u"/v2/_catalog?n=%1"_s.arg(pageSize));
}

void RegistryClient::listTags(const QString& repository, QObject* context,
                              Callback<QStringList> done, int pageSize) {
    auto listing = std::make_shared<Listing>();
    listing->jsonKey = u"tags"_s;
    listing->scope = pullScope(repository);
    listing->subject = u"Tags of %1/%2"_s.arg(domain(), repository);
    listing->pageSize = pageSize;
    listing->done = GuardedCallback<QStringList>(context, std::move(done));
    fetchListPage(listing, {}, u"/v2/%1/tags/list?n=%2"_s.arg(repository).arg(pageSize));
}

void RegistryClient::fetchListPage(std::shared_ptr<Listing> listing, const QUrl& url,
                                   const QString& path) {
    HttpRequest request;
    request.url = url;
    request.path = path;
    request.scope = listing->scope;
    request.maxBodyBytes = kMaxListPageBytes;
    m_transport->send(request, this, [this, listing, url, path](Result<HttpResponse> response) {
        if (!response)
            return listing->done(about(listing->subject, response.error()));
        // Too large a page size: distribution says 400 PAGINATION_NUMBER_INVALID, Quay 413.
        // Start again with the registry's own default page size.
        const bool pageSizeRefused =
            response->status == 413 ||
            (response->status == 400 && response->body.contains("PAGINATION_NUMBER_INVALID"));
        if (pageSizeRefused && listing->visited.isEmpty() && listing->pageSize > 0) {
            listing->pageSize = 0;
            QString plainPath = path.section(u'?', 0, 0);
            return fetchListPage(listing, {}, plainPath);
        }
        if (!response->isSuccess())
            return listing->done(registryErrorFrom(*response, listing->subject));

        listing->bytes += response->body.size();
        if (listing->bytes > kMaxListBytes)
            return listing->done(listingTooLong(listing->subject, listing->visited.size() + 1,
                                                listing->items.size()));

        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(response->body, &parseError);
        if (parseError.error != QJsonParseError::NoError)
            return listing->done(Result<QStringList>::failure(
                u"%1: the registry's answer is not valid JSON (%2)."_s.arg(
                    listing->subject, parseError.errorString())));
        const QJsonValue items = document.object().value(listing->jsonKey);
        if (!document.isObject() || !(items.isArray() || items.isNull() || items.isUndefined()))
            return listing->done(Result<QStringList>::failure(
                u"%1: the registry's answer is JSON but not a \"%2\" list."_s.arg(
                    listing->subject, listing->jsonKey)));
        for (const QJsonValue& item : items.toArray()) {
            if (!item.isString() || item.toString().isEmpty())
                return listing->done(Result<QStringList>::failure(
                    u"%1: the registry listed an entry that is not a name."_s.arg(
                        listing->subject)));
            listing->items.append(item.toString());
        }
        if (listing->items.size() > kMaxListEntries)
            return listing->done(listingTooLong(listing->subject, listing->visited.size() + 1,
                                                listing->items.size()));

        listing->visited.insert(response->url);
        const Result<std::optional<QUrl>> next =
            nextPageUrl(response->headerValues("Link"), response->url);
        if (!next)
            return listing->done(Error::make(listing->subject + u": "_s + next.error().message));
        if (!next.value() || listing->visited.contains(*next.value()))
            return listing->done(listing->items);
        if (listing->visited.size() >= kMaxListPages)
            return listing->done(
                listingTooLong(listing->subject, listing->visited.size(), listing->items.size()));
        fetchListPage(listing, *next.value(), {});
    });
}

void RegistryClient::headManifest(const QString& repository, const QString& reference,
                                  QObject* context, Callback<ManifestHead> done) {
    HttpRequest request;
    request.method = "HEAD";
    request.path = u"/v2/%1/manifests/%2"_s.arg(repository, reference);
    request.headers = manifestAcceptHeaders();
    request.scope = pullScope(repository);
    GuardedCallback<ManifestHead> callback(context, std::move(done));
    m_transport->send(request, this, [=, this](Result<HttpResponse> response) mutable {
        const QString subject = manifestSubject(repository, reference);
        if (!response)
            return callback(about(subject, response.error()));
        if (!response->isSuccess())
            return callback(registryErrorFrom(*response, subject));
        ManifestHead head;
        head.digest = QString::fromLatin1(response->header("Docker-Content-Digest")).trimmed();
        head.mediaType = ManifestParser::normaliseContentType(response->header("Content-Type"));
        head.size = response->header("Content-Length").toLongLong();
        if (!head.digest.isEmpty() && isValidDigest(head.digest))
            return callback(head);
        // Some registries omit the digest on HEAD: the bytes themselves tell.
        getManifest(repository, reference, this, [callback](Result<ManifestBlob> blob) mutable {
            if (!blob)
                return callback(blob.error());
            callback(ManifestHead{blob->digest, blob->mediaType, blob->bytes.size()});
        });
    });
}

void RegistryClient::getManifest(const QString& repository, const QString& reference,
                                 QObject* context, Callback<ManifestBlob> done) {
    HttpRequest request;
    request.path = u"/v2/%1/manifests/%2"_s.arg(repository, reference);
    request.headers = manifestAcceptHeaders();
    request.scope = pullScope(repository);
    request.maxBodyBytes = kMaxManifestBytes;
    GuardedCallback<ManifestBlob> callback(context, std::move(done));
    m_transport->send(request, this, [=](Result<HttpResponse> response) mutable {
        const QString subject = manifestSubject(repository, reference);
        if (!response)
            return callback(about(subject, response.error()));
        if (!response->isSuccess())
            return callback(registryErrorFrom(*response, subject));

        ManifestBlob blob;
        blob.bytes = response->body;
        blob.mediaType = ManifestParser::normaliseContentType(response->header("Content-Type"));
        const bool byDigest = isValidDigest(reference);
        const QString announced =
            QString::fromLatin1(response->header("Docker-Content-Digest")).trimmed();
        const QString expected = byDigest ? reference : announced;
        if (!expected.isEmpty()) {
            const QString mismatch = verifyDigest(blob.bytes, expected);
            if (!mismatch.isEmpty())
                return callback(Result<ManifestBlob>::failure(
                    u"%1: the registry sent different bytes than it claims: %2. Refusing them."_s
                        .arg(subject, mismatch)));
        }
        blob.digest = expected.isEmpty() ? digestOf(blob.bytes) : expected;
        callback(blob);
    });
}

void RegistryClient::getBlob(const QString& repository, const QString& digest, qint64 maxBytes,
                             QObject* context, Callback<QByteArray> done) {
    HttpRequest request;
    request.path = u"/v2/%1/blobs/%2"_s.arg(repository, digest);
    request.scope = pullScope(repository);
    request.maxBodyBytes = maxBytes;
    request.followRedirects = true;
    GuardedCallback<QByteArray> callback(context, std::move(done));
    m_transport->send(request, this, [=](Result<HttpResponse> response) mutable {
        const QString subject = u"blob %1@%2"_s.arg(repository, digest);
        if (!response)
            return callback(about(subject, response.error()));
        if (!response->isSuccess())
            return callback(registryErrorFrom(*response, subject));
        const QString mismatch = verifyDigest(response->body, digest);
        if (!mismatch.isEmpty())
            return callback(Result<QByteArray>::failure(
                u"%1: the blob is corrupt or not what was asked for: %2."_s.arg(subject,
                                                                                mismatch)));
        callback(response->body);
    });
}

void RegistryClient::authorizePush(const QString& repository, QObject* context,
                                   Callback<Unit> done) {
    GuardedCallback<Unit> callback(context, std::move(done));
    m_transport->auth()->authorize(pushScope(repository), false, this,
                                   [callback](Result<QByteArray> authorization) mutable {
                                       if (!authorization)
                                           return callback(authorization.error());
                                       callback(Unit{});
                                   });
}

struct RegistryClient::ReferrersListing {
    QString repository;
    QString subject;
    QList<Referrer> referrers;
    QSet<QUrl> visited;
    GuardedCallback<std::optional<QList<Referrer>>> done;
};

void RegistryClient::listReferrers(const QString& repository, const QString& subjectDigest,
                                   QObject* context,
                                   Callback<std::optional<QList<Referrer>>> done) {
    auto listing = std::make_shared<ReferrersListing>();
    listing->repository = repository;
    listing->subject = u"Referrers of %1@%2"_s.arg(repository, subjectDigest);
    listing->done = GuardedCallback<std::optional<QList<Referrer>>>(context, std::move(done));
    if (!isValidDigest(subjectDigest))
        return listing->done(Error::make(listing->subject + u": not a digest."_s));
    fetchReferrersPage(listing, {}, u"/v2/%1/referrers/%2"_s.arg(repository, subjectDigest));
}

void RegistryClient::fetchReferrersPage(std::shared_ptr<ReferrersListing> listing, const QUrl& url,
                                        const QString& path) {
    HttpRequest request;
    request.url = url;
    request.path = path;
    request.headers = {{"Accept", MediaTypes::OciIndex.toLatin1()}};
    request.scope = pullScope(listing->repository);
    request.maxBodyBytes = kMaxManifestBytes;
    m_transport->send(request, this, [this, listing](Result<HttpResponse> response) {
        if (!response)
            return listing->done(about(listing->subject, response.error()));
        // A registry offering the API never answers 404 (an unknown subject has an empty
        // list), so a 404 on the first page means the API is not there.
        if (response->status == 404 && listing->visited.isEmpty())
            return listing->done(std::optional<QList<Referrer>>());
        if (!response->isSuccess())
            return listing->done(registryErrorFrom(*response, listing->subject));
        const Result<QList<Referrer>> page = parseReferrersIndex(response->body);
        if (!page)
            return listing->done(about(listing->subject, page.error()));
        listing->referrers.append(page.value());
        listing->visited.insert(response->url);
        const Result<std::optional<QUrl>> next =
            nextPageUrl(response->headerValues("Link"), response->url);
        if (!next)
            return listing->done(about(listing->subject, next.error()));
        if (!next.value() || listing->visited.contains(*next.value()))
            return listing->done(std::optional(listing->referrers));
        if (listing->visited.size() >= kMaxListPages || listing->referrers.size() > kMaxListEntries)
            return listing->done(listingTooLong(listing->subject, listing->visited.size(),
                                                listing->referrers.size()));
        fetchReferrersPage(listing, *next.value(), {});
    });
}

void RegistryClient::putManifest(const QString& repository, const QString& tag,
                                 const ManifestBlob& blob, QObject* context,
                                 Callback<ManifestPut> done) {
    HttpRequest request;
    request.method = "PUT";
    request.path = u"/v2/%1/manifests/%2"_s.arg(repository, tag);
    request.headers = {{"Content-Type", blob.mediaType.toLatin1()}};
    request.body = blob.bytes;
    request.scope = pushScope(repository);
    request.maxBodyBytes = 1024 * 1024;
    GuardedCallback<ManifestPut> callback(context, std::move(done));
    m_transport->send(request, this, [=](Result<HttpResponse> response) mutable {
        const QString subject = u"Retagging %1:%2"_s.arg(repository, tag);
        if (!response)
            return callback(about(subject, response.error()));
        // 201 is what the spec says; some registries answer 200 or 202.
        if (response->status != 201 && response->status != 200 && response->status != 202)
            return callback(registryErrorFrom(*response, subject));
        const QString stored =
            QString::fromLatin1(response->header("Docker-Content-Digest")).trimmed();
        if (!stored.isEmpty() && stored != blob.digest)
            return callback(Result<ManifestPut>::failure(
                u"%1: the registry stored digest %2 instead of %3."_s.arg(subject, stored,
                                                                          blob.digest)));
        callback(ManifestPut{blob.digest, !stored.isEmpty()});
    });
}

} // namespace berth
