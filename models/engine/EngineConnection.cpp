#include "engine/EngineConnection.h"

#include "core/CurlHandles.h"
#include "engine/EngineStreamParser.h"
#include "registry/ImageReference.h"
#include "registry/RegistryTransport.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutexLocker>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

// Error bodies and the small JSON answers are tiny; a stream goes to the parser instead.
constexpr qsizetype kMaxBodyBytes = 1024 * 1024;

struct Transfer {
    CURL* handle = nullptr;
    const std::atomic_bool* cancelled = nullptr;
    EngineStreamParser* stream = nullptr;
    const EngineConnection::ProgressSink* progress = nullptr;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    bool bodyTooLarge = false;
};

size_t onBody(char* data, size_t size, size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const size_t bytes = size * count;
    long status = 0;
    curl_easy_getinfo(transfer->handle, CURLINFO_RESPONSE_CODE, &status);
    if (transfer->stream && status >= 200 && status < 300) {
        const auto events =
            transfer->stream->feed(QByteArrayView(data, static_cast<qsizetype>(bytes)));
        if (*transfer->progress) {
            for (const ProgressEvent& event : events)
                (*transfer->progress)(event);
        }
        return bytes;
    }
    if (transfer->body.size() + static_cast<qsizetype>(bytes) > kMaxBodyBytes) {
        transfer->bodyTooLarge = true;
        return 0; // aborts the transfer with CURLE_WRITE_ERROR
    }
    transfer->body.append(data, static_cast<qsizetype>(bytes));
    return bytes;
}

size_t onHeader(char* data, size_t size, size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const size_t bytes = size * count;
    const QByteArray line = QByteArray(data, static_cast<qsizetype>(bytes)).trimmed();
    if (line.startsWith("HTTP/")) {
        transfer->headers.clear(); // a new response (after 100 Continue): keep only the last
    } else if (const qsizetype colon = line.indexOf(':'); colon > 0) {
        transfer->headers.append(
            {line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed()});
    }
    return bytes;
}

int onTransferProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    const auto* transfer = static_cast<const Transfer*>(user);
    return transfer->cancelled && transfer->cancelled->load() ? 1 : 0;
}

QString capitalized(QString text) {
    if (!text.isEmpty())
        text[0] = text.at(0).toUpper();
    return text;
}

// Engine messages come without a final period; ours are sentences.
QString sentence(QString text) {
    text = text.trimmed();
    if (!text.isEmpty() && !text.endsWith(u'.'))
        text += u'.';
    return text;
}

} // namespace

std::shared_ptr<EngineSession> makeEngineSession(const QString& dockerHost) {
    auto session = std::make_shared<EngineSession>();
    if (auto host = EngineHost::parse(dockerHost))
        session->host = *host;
    else
        session->hostError = host.error();
    return session;
}

QByteArray EngineConnection::Response::header(const QByteArray& name) const {
    for (const auto& [key, value] : headers) {
        if (key == name)
            return value;
    }
    return {};
}

EngineConnection::EngineConnection(std::shared_ptr<EngineSession> session,
                                   std::shared_ptr<const std::atomic_bool> cancelled)
    : m_session(std::move(session))
    , m_cancelled(std::move(cancelled)) {
    ensureCurlInitialized();
}

Status
EngineConnection::credentialsAllowed(const std::optional<RegistryCredentials>& credentials) const {
    const EngineHost& host = m_session->host;
    if (!credentials || m_session->hostError || host.mayCarryCredentials())
        return success();
    return Error::make(
        u"Berth does not send registry credentials to the container engine at %1: it speaks "
        u"plain HTTP and is not on this machine, so the password would cross the network in "
        u"the clear. Set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH as for docker, or use the "
        u"engine's unix socket."_s.arg(host.display()));
}

Result<EngineConnection::Response> EngineConnection::perform(const Request& request,
                                                             const QString& version) {
    const EngineHost& host = m_session->host;
    CurlEasy handle(curl_easy_init());
    if (!handle)
        return Error::make(u"libcurl could not create a transfer handle."_s);

    QUrl url(host.baseUrl());
    url.setPath(request.versioned ? u"/v"_s + version + request.path : request.path,
                QUrl::DecodedMode);
    url.setQuery(request.query);
    const QByteArray urlBytes = url.toEncoded();

    CurlList headerList;
    for (const QByteArray& header : request.headers) {
        if (!appendHeader(headerList, header.constData()))
            return Error::make(u"libcurl could not build the request headers."_s);
    }
    const QByteArray socketPath = host.socketPath().toLocal8Bit();
    const QByteArray caFile = QFile::encodeName(host.caFile());
    const QByteArray certFile = QFile::encodeName(host.certFile());
    const QByteArray keyFile = QFile::encodeName(host.keyFile());

    Transfer transfer;
    transfer.handle = handle.get();
    transfer.cancelled = m_cancelled.get();
    transfer.stream = request.stream;
    transfer.progress = &request.progress;
    char errorBuffer[CURL_ERROR_SIZE] = {};

    CURL* h = handle.get();
    curl_easy_setopt(h, CURLOPT_URL, urlBytes.constData());
    if (host.isUnixSocket())
        curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, socketPath.constData());
    if (host.usesTls()) {
        // As the docker CLI with DOCKER_TLS_VERIFY: the engine proves itself against ca.pem
        // only (not the system's CAs), and Berth shows its client certificate when it has one.
        curl_easy_setopt(h, CURLOPT_CAINFO, caFile.constData());
        curl_easy_setopt(h, CURLOPT_CAPATH, nullptr);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
        if (!certFile.isEmpty()) {
            curl_easy_setopt(h, CURLOPT_SSLCERT, certFile.constData());
            curl_easy_setopt(h, CURLOPT_SSLKEY, keyFile.constData());
        }
    }
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errorBuffer);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    if (request.stream) {
        // Pulls of big images take long, but an engine that sends nothing for five
        // minutes is stuck: it reports progress far more often than that.
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 300L);
    } else {
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 60000L);
    }
    if (request.method == "POST") {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.constData());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
    } else if (request.method != "GET") {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.constData());
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headerList.get());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &onBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &onHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &onTransferProgress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &transfer);

    const CURLcode code = curl_easy_perform(h);
    const QString detail = QString::fromLocal8Bit(errorBuffer).trimmed();
    const QString what = request.what;
    switch (code) {
    case CURLE_OK:
        break;
    case CURLE_ABORTED_BY_CALLBACK: {
        // Once the request is out, the engine may carry it through without us: a push
        // cancelled then can still move the tag, so its outcome is unknown.
        long requestBytes = 0;
        curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &requestBytes);
        if (requestBytes > 0)
            return Error::make(
                Outcome::NoAnswer,
                u"%1 was cancelled after the container engine at %2 had the request; it may "
                u"still finish it."_s.arg(capitalized(what), host.display()));
        return Error::make(capitalized(what) + u" was cancelled."_s);
    }
    case CURLE_WRITE_ERROR:
        if (transfer.bodyTooLarge)
            return Error::make(
                u"The container engine at %1 answered %2 with more than 1 MiB."_s.arg(
                    host.display(), what));
        return Error::make(sentence(capitalized(what) + u" failed: "_s + detail));
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
        if (host.isUnixSocket() && !QFileInfo::exists(host.socketPath()))
            return Error::make(
                u"Cannot connect to the container engine at %1: the socket does "
                "not exist (is the engine running, and is DOCKER_HOST right?)."_s.arg(
                    host.display()));
        return Error::make(u"Cannot connect to the container engine at %1 (%2): is it running, "
                           "and is DOCKER_HOST right?"_s.arg(host.display(), detail));
    case CURLE_PEER_FAILED_VERIFICATION:
        return Error::make(u"The container engine at %1 did not prove itself with a certificate "
                           u"from %2's CA (%3); nothing was sent to it."_s.arg(
                               host.display(), host.caFile(), detail));
    case CURLE_SSL_CERTPROBLEM:
        return Error::make(u"Berth could not use the client certificate %1 for the container "
                           u"engine at %2 (%3)."_s.arg(host.certFile(), host.display(), detail));
    // The request may have reached the engine and been carried out, as a push whose
    // manifest the registry already has: only a later look can tell.
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
        return Error::make(Outcome::NoAnswer,
                           u"The container engine at %1 went away while %2 (%3)."_s.arg(
                               host.display(), what, detail));
    case CURLE_OPERATION_TIMEDOUT:
        return Error::make(
            Outcome::NoAnswer,
            u"The container engine at %1 stopped answering while %2."_s.arg(host.display(), what));
    default:
        return Error::make(
            sentence(capitalized(what) + u" failed: "_s +
                     (detail.isEmpty() ? QString::fromUtf8(curl_easy_strerror(code)) : detail)));
    }

    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    Response response;
    response.status = static_cast<int>(status);
    response.body = std::move(transfer.body);
    response.headers = std::move(transfer.headers);
    return response;
}

QString EngineConnection::errorBodyMessage(const QByteArray& body, int httpStatus) {
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    QString message = object.value(u"message"_s).toString().trimmed();
    if (message.isEmpty())
        message = QString::fromUtf8(body.left(300)).trimmed();
    if (message.isEmpty())
        message = u"HTTP status %1 without an explanation"_s.arg(httpStatus);
    // Podman answers some client errors with 500; the message says what really happened.
    return message;
}

QString EngineConnection::pathSegment(const QString& idOrName) {
    return QString::fromLatin1(QUrl::toPercentEncoding(idOrName, ":"));
}

int EngineConnection::compareApiVersions(const QString& a, const QString& b) {
    const QStringList left = a.split(u'.');
    const QStringList right = b.split(u'.');
    for (qsizetype i = 0; i < std::max(left.size(), right.size()); ++i) {
        const int l = i < left.size() ? left.at(i).toInt() : 0;
        const int r = i < right.size() ? right.at(i).toInt() : 0;
        if (l != r)
            return l < r ? -1 : 1;
    }
    return 0;
}

Result<EngineInfo> EngineConnection::negotiate() {
    if (m_session->hostError)
        return *m_session->hostError;
    {
        QMutexLocker lock(&m_session->mutex);
        if (m_session->info)
            return *m_session->info;
    }
    const Request ping{.method = "GET",
                       .path = u"/_ping"_s,
                       .versioned = false,
                       .what = u"asking the engine for its API version"_s};
    auto answer = perform(ping, {});
    if (!answer)
        return answer.error();
    if (answer->status != 200)
        return Error::make(u"The container engine at %1 answered /_ping with HTTP %2: %3"_s
                               .arg(m_session->host.display())
                               .arg(answer->status)
                               .arg(sentence(errorBodyMessage(answer->body, answer->status))),
                           answer->status);

    EngineInfo info;
    info.apiVersion = QString::fromLatin1(answer->header("api-version"));
    info.libpodApiVersion = QString::fromLatin1(answer->header("libpod-api-version"));
    info.server = QString::fromLatin1(answer->header("server"));
    if (info.apiVersion.isEmpty()) {
        // Engines before API 1.25 do not send the header; /version always says it.
        const Request versionRequest{.method = "GET",
                                     .path = u"/version"_s,
                                     .versioned = false,
                                     .what = u"asking the engine for its version"_s};
        auto versionAnswer = perform(versionRequest, {});
        if (!versionAnswer)
            return versionAnswer.error();
        info.apiVersion =
            QJsonDocument::fromJson(versionAnswer->body).object().value(u"ApiVersion"_s).toString();
        if (versionAnswer->status != 200 || info.apiVersion.isEmpty())
            return Error::make(u"The container engine at %1 did not say which API version it "
                               "speaks."_s.arg(m_session->host.display()),
                               versionAnswer->status);
    }
    const QString maximum = QString::fromLatin1(kMaximumApiVersion);
    const QString minimum = QString::fromLatin1(kMinimumApiVersion);
    if (compareApiVersions(info.apiVersion, minimum) < 0)
        return Error::make(u"The container engine at %1 speaks API %2, older than the %3 Berth "
                           "needs."_s.arg(m_session->host.display(), info.apiVersion, minimum));
    info.negotiatedVersion =
        compareApiVersions(info.apiVersion, maximum) < 0 ? info.apiVersion : maximum;

    QMutexLocker lock(&m_session->mutex);
    m_session->info = info;
    return info;
}

Result<QString> EngineConnection::version() {
    auto info = negotiate();
    if (!info)
        return info.error();
    return info->negotiatedVersion;
}

QByteArray
EngineConnection::registryAuthHeader(const std::optional<RegistryCredentials>& credentials,
                                     const QString& serverAddress) {
    QJsonObject auth;
    if (credentials && !credentials->isEmpty()) {
        if (credentials->isIdentityToken()) {
            auth.insert(u"identitytoken"_s, credentials->secret);
        } else {
            auth.insert(u"username"_s, credentials->username);
            auth.insert(u"password"_s, credentials->secret);
        }
        auth.insert(u"serveraddress"_s, serverAddress);
    }
    return QJsonDocument(auth)
        .toJson(QJsonDocument::Compact)
        .toBase64(QByteArray::Base64UrlEncoding);
}

namespace {

// The address docker login stores credentials under, which the engine expects back.
QString serverAddressOf(const QString& repository) {
    const auto reference = ImageReference::parse(repository);
    const QString domain = reference ? reference->domain() : repository.section(u'/', 0, 0);
    return domain == u"docker.io"_s ? u"https://index.docker.io/v1/"_s : domain;
}

// Image names go into the path as they are: the engine routes /images/{name:.*}/push.
QString imagePath(const QString& name, const QString& action) {
    return u"/images/"_s + name + u'/' + action;
}

} // namespace

Status EngineConnection::streamOutcome(const Result<Response>& response,
                                       const EngineStreamParser& parser,
                                       const QString& what) const {
    if (!response)
        return response.error();
    const int status = response->status;
    if (status < 200 || status >= 300)
        return Error::make(
            sentence(capitalized(what) + u" failed: "_s + errorBodyMessage(response->body, status)),
            status);
    if (parser.hasError())
        return Error::make(sentence(capitalized(what) + u" failed: "_s + parser.errorMessage()),
                           status);
    return success();
}

Status EngineConnection::pull(const QString& repository, const QString& digest,
                              const std::optional<RegistryCredentials>& credentials,
                              const ProgressSink& progress) {
    const QString what = u"pulling %1@%2"_s.arg(repository, digest);
    if (!isValidDigest(digest))
        return Error::make(u"Cannot pull %1: \"%2\" is not a digest."_s.arg(repository, digest));
    if (Status allowed = credentialsAllowed(credentials); !allowed)
        return allowed;
    auto apiVersion = version();
    if (!apiVersion)
        return apiVersion.error();

    EngineStreamParser parser(u"pull"_s);
    Request request{.method = "POST",
                    .path = u"/images/create"_s,
                    .stream = &parser,
                    .progress = progress,
                    .what = what};
    // Without tag the engine pulls every tag of the repository.
    request.query.addQueryItem(u"fromImage"_s, repository);
    request.query.addQueryItem(u"tag"_s, digest);
    request.headers.append("X-Registry-Auth: " +
                           registryAuthHeader(credentials, serverAddressOf(repository)));
    const auto response = perform(request, *apiVersion);
    parser.finish();
    return streamOutcome(response, parser, what);
}

Status EngineConnection::tag(const QString& sourceImage, const QString& repository,
                             const QString& tag) {
    const QString what = u"tagging %1 as %2:%3"_s.arg(sourceImage, repository, tag);
    if (!isValidTag(tag))
        return Error::make(sentence(tagValidationError(tag)));
    Request request{.method = "POST", .path = imagePath(sourceImage, u"tag"_s), .what = what};
    request.query.addQueryItem(u"repo"_s, repository);
    request.query.addQueryItem(u"tag"_s, tag);
    if (const auto response = performExpectingSuccess(request); !response)
        return response.error();
    return success();
}

Result<EngineConnection::Response>
EngineConnection::performExpectingSuccess(const Request& request) {
    auto apiVersion = version();
    if (!apiVersion)
        return apiVersion.error();
    auto response = perform(request, *apiVersion);
    if (!response)
        return response.error();
    const bool success = (response->status >= 200 && response->status < 300) ||
                         request.alsoFine.contains(response->status);
    if (!success)
        return Error::make(sentence(capitalized(request.what) + u" failed: "_s +
                                    errorBodyMessage(response->body, response->status)),
                           response->status);
    return response;
}

namespace {

// An answer's JSON; an empty body is an empty document.
Result<QJsonDocument> jsonAnswer(const QByteArray& body, const QString& what) {
    if (body.trimmed().isEmpty())
        return QJsonDocument();
    QJsonParseError parseError;
    QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return Error::make(sentence(capitalized(what) +
                                    u" failed: the engine's answer is not "
                                    u"JSON ("_s +
                                    parseError.errorString() + u')'));
    return document;
}

} // namespace

Result<QJsonDocument> EngineConnection::getJson(const QString& path, const QUrlQuery& query,
                                                const QString& what) {
    const auto response = performExpectingSuccess(
        Request{.method = "GET", .path = path, .query = query, .what = what});
    if (!response)
        return response.error();
    return jsonAnswer(response->body, what);
}

Result<QJsonDocument> EngineConnection::postJson(const QString& path, const QUrlQuery& query,
                                                 const QJsonObject& body, const QString& what,
                                                 const QList<int>& alsoFine) {
    Request request{.method = "POST", .path = path, .query = query, .what = what};
    if (!body.isEmpty()) {
        request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
        request.headers.append("Content-Type: application/json");
    }
    request.alsoFine = alsoFine;
    const auto response = performExpectingSuccess(request);
    if (!response)
        return response.error();
    return jsonAnswer(response->body, what);
}

Status EngineConnection::remove(const QString& path, const QUrlQuery& query, const QString& what) {
    const auto response = performExpectingSuccess(
        Request{.method = "DELETE", .path = path, .query = query, .what = what});
    if (!response)
        return response.error();
    return success();
}

Result<PushResult> EngineConnection::push(const QString& repository, const QString& tag,
                                          const std::optional<RegistryCredentials>& credentials,
                                          const ProgressSink& progress) {
    const QString what = u"pushing %1:%2"_s.arg(repository, tag);
    if (!isValidTag(tag))
        return Error::make(sentence(tagValidationError(tag)));
    if (Status allowed = credentialsAllowed(credentials); !allowed)
        return allowed.error();
    auto apiVersion = version();
    if (!apiVersion)
        return apiVersion.error();

    EngineStreamParser parser(u"push"_s);
    Request request{.method = "POST",
                    .path = imagePath(repository, u"push"_s),
                    .stream = &parser,
                    .progress = progress,
                    .what = what};
    request.query.addQueryItem(u"tag"_s, tag);
    request.headers.append("X-Registry-Auth: " +
                           registryAuthHeader(credentials, serverAddressOf(repository)));
    const auto response = perform(request, *apiVersion);
    parser.finish();
    if (auto outcome = streamOutcome(response, parser, what); !outcome)
        return outcome.error();
    const auto pushed = parser.pushResult();
    if (!pushed || !isValidDigest(pushed->digest))
        return Error::make(u"The container engine finished %1 without saying which digest it "
                           "pushed."_s.arg(what));
    return *pushed;
}

} // namespace berth
