#include "registry/RegistryTransport.h"

#include "registry/ImageReference.h"
#include "registry/RegistryAuth.h"

#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QRandomGenerator>
#include <QSslCertificate>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

constexpr int kMaxRedirects = 5;
constexpr int kConnectionsPerNetworkManager = 6; // Qt's fixed HTTP/1.1 pool size per host

QString formatBytes(qint64 bytes) {
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
}

bool isTransientStatus(int status) {
    return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
           status == 504;
}

// Connection-level failures (the exchange never got a whole answer) versus HTTP statuses,
// which QNetworkReply also reports as errors in the 200-299 and 400-499 ranges.
// Connection-level failures (no whole answer arrived) versus HTTP statuses, which
// QNetworkReply also reports as errors (e.g. 400 as ProtocolInvalidOperationError).
bool isConnectionFailure(QNetworkReply::NetworkError error, int status) {
    if (error == QNetworkReply::NoError)
        return false;
    if (status == 0)
        return true;
    // A status arrived, but the body was cut short or the stream broke mid-answer.
    return error < QNetworkReply::ProxyConnectionRefusedError ||
           error == QNetworkReply::ProtocolFailure;
}

bool isRetryableConnectionFailure(QNetworkReply::NetworkError error) {
    switch (error) {
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError: // what a transfer timeout reports
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::UnknownNetworkError:
    case QNetworkReply::ProtocolFailure: // e.g. a body cut short
        return true;
    default:
        return false;
    }
}

QNetworkReply* dispatch(QNetworkAccessManager* network, const QNetworkRequest& request,
                        const HttpRequest& spec) {
    if (spec.method == "GET")
        return network->get(request);
    if (spec.method == "HEAD")
        return network->head(request);
    if (spec.method == "PUT")
        return network->put(request, spec.body);
    if (spec.method == "POST")
        return network->post(request, spec.body);
    return network->sendCustomRequest(request, spec.method, spec.body);
}

} // namespace

QStringList parseWarningTexts(const QByteArray& headerValue) {
    // Warning: 299 - "text" ["date"], possibly several joined by commas (Qt merges
    // repeated header lines). Only code 299 is meant for people to read.
    QStringList texts;
    const QByteArray value = headerValue.trimmed();
    qsizetype position = 0;
    while (position < value.size()) {
        const qsizetype codeEnd = value.indexOf(' ', position);
        if (codeEnd < 0)
            break;
        const QByteArray code = value.mid(position, codeEnd - position).trimmed();
        const qsizetype quote = value.indexOf('"', codeEnd);
        if (quote < 0)
            break;
        QByteArray text;
        qsizetype cursor = quote + 1;
        for (; cursor < value.size() && value[cursor] != '"'; ++cursor) {
            if (value[cursor] == '\\' && cursor + 1 < value.size())
                ++cursor;
            text += value[cursor];
        }
        // Skip an optional quoted warn-date, then the comma before the next warning.
        qsizetype next = cursor + 1;
        while (next < value.size() && value[next] == ' ')
            ++next;
        if (next < value.size() && value[next] == '"')
            next = value.indexOf('"', next + 1) + 1;
        const qsizetype comma = next > 0 ? value.indexOf(',', next) : -1;
        if (code == "299")
            texts.append(QString::fromUtf8(text));
        if (comma < 0)
            break;
        position = comma + 1;
        while (position < value.size() && value[position] == ' ')
            ++position;
    }
    return texts;
}

struct RegistryTransport::Exchange {
    enum class State { Queued, Authorizing, Running, Waiting, Done };

    HttpRequest request;
    GuardedCallback<HttpResponse> done;
    QUrl url;
    State state = State::Queued;
    bool holdsSlot = false;
    int attempt = 0;
    bool authRetried = false;
    bool freshAuth = false;
    int redirects = 0;
    bool tooLarge = false;
    bool cancelled = false;
    QStringList sslErrors;
    QPointer<QNetworkReply> reply;
};

RegistryTransport::RegistryTransport(QString domain, QString apiHost, RegistryOptions options,
                                     QObject* parent)
    : QObject(parent)
    , m_domain(std::move(domain))
    , m_apiHost(std::move(apiHost))
    , m_options(std::move(options)) {
    m_options.concurrency = std::max(1, m_options.concurrency);
    m_ssl = QSslConfiguration::defaultConfiguration();
    if (!m_options.caFile.isEmpty()) {
        const QList<QSslCertificate> authorities =
            QSslCertificate::fromPath(m_options.caFile, QSsl::Pem);
        if (authorities.isEmpty())
            m_sslSetupError = u"The CA file %1 holds no PEM certificate."_s.arg(m_options.caFile);
        m_ssl.addCaCertificates(authorities);
    }
    if (m_options.insecure)
        m_ssl.setPeerVerifyMode(QSslSocket::VerifyNone);

    const int managers =
        (m_options.concurrency + kConnectionsPerNetworkManager - 1) / kConnectionsPerNetworkManager;
    for (int i = 0; i < managers; ++i) {
        auto* network = new QNetworkAccessManager(this);
        network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
        m_networks.push_back(network);
    }
    m_auth = new RegistryAuth(
        m_domain, m_options, [this] { return nextNetwork(); }, [this] { return m_ssl; }, this);
}

RegistryTransport::~RegistryTransport() {
    // Replies are children of the managers; make sure no callback fires into a half-dead object.
    for (const ExchangePtr& exchange : m_all) {
        exchange->state = Exchange::State::Done;
        if (exchange->reply)
            exchange->reply->disconnect(this);
    }
}

QNetworkAccessManager* RegistryTransport::nextNetwork() {
    QNetworkAccessManager* network = m_networks[m_nextNetwork];
    m_nextNetwork = (m_nextNetwork + 1) % m_networks.size();
    return network;
}

QSslConfiguration RegistryTransport::sslConfiguration() const {
    return m_ssl;
}

void RegistryTransport::send(HttpRequest request, QObject* context, Callback<HttpResponse> done) {
    auto exchange = std::make_shared<Exchange>();
    exchange->request = std::move(request);
    exchange->done = GuardedCallback<HttpResponse>(context, std::move(done));
    m_all.push_back(exchange);
    ++m_total;
    emit progressChanged(m_finished, m_total);

    resolveBaseUrl(this, [this, exchange](Result<QUrl> base) {
        if (exchange->state == Exchange::State::Done)
            return;
        if (!base)
            return complete(exchange, base.error());
        exchange->url = exchange->request.url.isEmpty()
                            ? base.value().resolved(QUrl(exchange->request.path))
                            : exchange->request.url;
        if (!isRegistryUrl(exchange->url))
            return complete(
                exchange, Result<HttpResponse>::failure(
                              u"Refusing to send a registry request to %1, which is not %2."_s.arg(
                                  exchange->url.host(), m_domain)));
        enqueue(exchange);
    });
}

void RegistryTransport::resolveBaseUrl(QObject* context, Callback<QUrl> done) {
    if (!m_sslSetupError.isEmpty()) {
        done(Result<QUrl>::failure(m_sslSetupError));
        return;
    }
    if (m_baseUrl.isValid()) {
        done(m_baseUrl);
        return;
    }
    m_baseUrlWaiters.append({context, std::move(done)});
    if (m_probing)
        return;
    m_probing = true;
    probe(QUrl(u"https://"_s + m_apiHost));
}

// The first exchange decides the scheme: https always; plain http only where the user
// allowed it (insecure) or the registry runs on this machine, as docker does.
void RegistryTransport::probe(const QUrl& base) {
    QNetworkRequest request(base.resolved(QUrl(u"/v2/"_s)));
    request.setTransferTimeout(m_options.transferTimeoutMs);
    if (base.scheme() == u"https"_s)
        request.setSslConfiguration(m_ssl);
    QNetworkReply* reply = m_networks.front()->get(request);
    auto certificateProblems = std::make_shared<QStringList>();
    connect(reply, &QNetworkReply::sslErrors, this,
            [certificateProblems](const QList<QSslError>& errors) {
                for (const QSslError& error : errors)
                    certificateProblems->append(error.errorString());
            });
    connect(reply, &QNetworkReply::finished, this, [this, reply, base, certificateProblems] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status > 0)
            return finishProbe(base);
        const bool plainAllowed = m_options.insecure || isLoopbackHost(m_apiHost);
        if (!certificateProblems->isEmpty())
            return finishProbe(Result<QUrl>::failure(
                u"The TLS certificate of %1 is not trusted (%2). Give its CA with --ca-file, "
                u"or mark the registry insecure if you trust the network."_s.arg(
                    m_apiHost, certificateProblems->first())));
        if (base.scheme() == u"https"_s && plainAllowed)
            return probe(QUrl(u"http://"_s + m_apiHost));
        finishProbe(Result<QUrl>::failure(
            u"Cannot reach the registry %1: %2."_s.arg(m_apiHost, reply->errorString())));
    });
}

void RegistryTransport::finishProbe(const Result<QUrl>& result) {
    m_probing = false;
    if (result)
        m_baseUrl = result.value();
    const auto waiters = std::exchange(m_baseUrlWaiters, {});
    for (auto waiter : waiters)
        waiter(result);
}

void RegistryTransport::enqueue(const ExchangePtr& exchange, bool front) {
    exchange->state = Exchange::State::Queued;
    if (front)
        m_queue.push_front(exchange);
    else
        m_queue.push_back(exchange);
    pump();
}

void RegistryTransport::pump() {
    while (m_inFlight < m_options.concurrency && !m_queue.empty()) {
        ExchangePtr exchange = m_queue.front();
        m_queue.pop_front();
        if (exchange->state == Exchange::State::Queued)
            start(exchange);
    }
}

void RegistryTransport::start(const ExchangePtr& exchange) {
    ++m_inFlight;
    exchange->holdsSlot = true;
    exchange->state = Exchange::State::Authorizing;
    const bool fresh = std::exchange(exchange->freshAuth, false);
    m_auth->authorize(exchange->request.scope, fresh, this,
                      [this, exchange](Result<QByteArray> authorization) {
                          if (exchange->state != Exchange::State::Authorizing)
                              return;
                          if (!authorization)
                              return complete(exchange, authorization.error());
                          transmit(exchange, authorization.value());
                      });
}

void RegistryTransport::transmit(const ExchangePtr& exchange, const QByteArray& authorization) {
    QNetworkRequest request(exchange->url);
    for (const auto& [name, value] : exchange->request.headers)
        request.setRawHeader(name, value);
    // Only the registry's own host ever sees credentials; a CDN a blob redirects to does not.
    if (!authorization.isEmpty() && isRegistryUrl(exchange->url))
        request.setRawHeader("Authorization", authorization);
    request.setTransferTimeout(m_options.transferTimeoutMs);
    if (exchange->url.scheme() == u"https"_s)
        request.setSslConfiguration(m_ssl);

    exchange->state = Exchange::State::Running;
    exchange->tooLarge = false;
    QNetworkReply* reply = dispatch(nextNetwork(), request, exchange->request);
    exchange->reply = reply;
    const qint64 limit = exchange->request.maxBodyBytes;
    // downloadProgress is throttled; a server announcing or trickling a huge body is
    // also caught when its headers arrive and on every read.
    auto enforceLimit = [exchange, reply, limit](qint64 received, qint64 total) {
        if (received > limit || total > limit) {
            exchange->tooLarge = true;
            reply->abort();
        }
    };
    connect(reply, &QNetworkReply::downloadProgress, reply, enforceLimit);
    connect(reply, &QNetworkReply::metaDataChanged, reply, [reply, enforceLimit] {
        enforceLimit(0, reply->header(QNetworkRequest::ContentLengthHeader).toLongLong());
    });
    connect(reply, &QNetworkReply::readyRead, reply,
            [reply, enforceLimit] { enforceLimit(reply->bytesAvailable(), 0); });
    connect(reply, &QNetworkReply::sslErrors, this, [exchange](const QList<QSslError>& errors) {
        for (const QSslError& error : errors)
            exchange->sslErrors.append(error.errorString());
    });
    connect(reply, &QNetworkReply::finished, this,
            [this, exchange, reply] { onReplyFinished(exchange, reply); });
}

void RegistryTransport::onReplyFinished(const ExchangePtr& exchange, QNetworkReply* reply) {
    reply->deleteLater();
    if (exchange->state != Exchange::State::Running)
        return;
    exchange->reply = nullptr;
    if (exchange->cancelled)
        return complete(exchange, Result<HttpResponse>::failure(u"Cancelled."_s));
    if (exchange->tooLarge)
        return complete(
            exchange,
            Result<HttpResponse>::failure(
                u"%1 sent more than %2 for %3; refusing to read it (no such answer is that large)."_s
                    .arg(m_domain, formatBytes(exchange->request.maxBodyBytes),
                         exchange->url.path())));

    const QNetworkReply::NetworkError error = reply->error();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (isConnectionFailure(error, status)) {
        if (!exchange->sslErrors.isEmpty())
            return complete(exchange, Result<HttpResponse>::failure(
                                          u"The TLS certificate of %1 is not trusted (%2)."_s.arg(
                                              exchange->url.host(), exchange->sslErrors.first())));
        if (isRetryableConnectionFailure(error) && exchange->attempt < m_options.maxRetries)
            return retryLater(exchange, retryDelayMs({}, exchange->attempt, nullptr));
        // Refused or unresolvable: the request never arrived. Anything else (a timeout, a
        // dropped connection) may have been carried out without the answer reaching us.
        const bool neverDelivered = error == QNetworkReply::ConnectionRefusedError ||
                                    error == QNetworkReply::HostNotFoundError;
        return complete(exchange, Result<HttpResponse>::failure(
                                      u"The connection to %1 failed while reading %2: %3."_s.arg(
                                          m_domain, exchange->url.path(), reply->errorString()),
                                      0, neverDelivered ? kUnreachableCode : kNoAnswerCode));
    }

    HttpResponse response;
    response.status = status;
    response.url = exchange->url;
    for (const auto& pair : reply->rawHeaderPairs())
        response.headers.append({pair.first, pair.second});
    response.body = reply->readAll();
    reportWarnings(response);

    if (response.status == 401 && !exchange->authRetried) {
        // One fresh authorization per request at most: never loop on 401.
        m_auth->learnChallenge(response.headerValues("WWW-Authenticate"), exchange->url);
        exchange->authRetried = true;
        exchange->freshAuth = true;
        if (exchange->holdsSlot) {
            exchange->holdsSlot = false;
            --m_inFlight;
        }
        return enqueue(exchange, true);
    }
    if (isTransientStatus(response.status) && exchange->attempt < m_options.maxRetries) {
        bool tooLong = false;
        const int delay = retryDelayMs(response, exchange->attempt, &tooLong);
        if (!tooLong)
            return retryLater(exchange, delay);
    }
    const bool isRedirect = response.status == 301 || response.status == 302 ||
                            response.status == 303 || response.status == 307 ||
                            response.status == 308;
    if (isRedirect && exchange->request.followRedirects) {
        const QUrl target = exchange->url.resolved(QUrl::fromEncoded(response.header("Location")));
        const bool downgrade = exchange->url.scheme() == u"https"_s &&
                               target.scheme() == u"http"_s && !m_options.insecure &&
                               !isLoopbackHost(target.host());
        if (exchange->redirects >= kMaxRedirects || !target.isValid() ||
            (target.scheme() != u"https"_s && target.scheme() != u"http"_s) || downgrade)
            return complete(exchange,
                            Result<HttpResponse>::failure(
                                u"%1 redirected %2 somewhere Berth will not follow (%3)."_s.arg(
                                    m_domain, exchange->request.path, target.toString())));
        ++exchange->redirects;
        exchange->url = target;
        if (exchange->holdsSlot) {
            exchange->holdsSlot = false;
            --m_inFlight;
        }
        return enqueue(exchange, true);
    }
    complete(exchange, std::move(response));
}

int RegistryTransport::retryDelayMs(const HttpResponse& response, int attempt,
                                    bool* tooLong) const {
    const QByteArray retryAfter = response.header("Retry-After").trimmed();
    if (!retryAfter.isEmpty()) {
        bool isNumber = false;
        qint64 seconds = retryAfter.toLongLong(&isNumber);
        if (!isNumber) {
            // The other form is an HTTP date: "Wed, 21 Oct 2015 07:28:00 GMT".
            QDateTime when = QLocale::c().toDateTime(QString::fromLatin1(retryAfter),
                                                     u"ddd, dd MMM yyyy HH:mm:ss 'GMT'"_s);
            when.setTimeSpec(Qt::UTC);
            seconds = when.isValid()
                          // Rounded up: retrying before the stated time earns another 429.
                          ? std::max<qint64>(
                                0, (QDateTime::currentDateTimeUtc().msecsTo(when) + 999) / 1000)
                          : 1;
        }
        if (tooLong)
            *tooLong = seconds > m_options.maxRetryAfterSeconds;
        return int(std::min<qint64>(seconds, m_options.maxRetryAfterSeconds) * 1000);
    }
    // Exponential backoff with jitter, so many clients do not retry in lockstep.
    const int base = 250 << std::min(attempt, 5);
    return std::min(base, 8000) + int(QRandomGenerator::global()->bounded(100));
}

void RegistryTransport::retryLater(const ExchangePtr& exchange, int delayMs) {
    ++exchange->attempt;
    exchange->state = Exchange::State::Waiting;
    if (exchange->holdsSlot) {
        exchange->holdsSlot = false;
        --m_inFlight;
    }
    QTimer::singleShot(delayMs, this, [this, exchange] {
        if (exchange->state == Exchange::State::Waiting)
            enqueue(exchange, true);
    });
    pump();
}

void RegistryTransport::complete(const ExchangePtr& exchange, Result<HttpResponse> result) {
    if (exchange->state == Exchange::State::Done)
        return;
    exchange->state = Exchange::State::Done;
    if (exchange->holdsSlot) {
        exchange->holdsSlot = false;
        --m_inFlight;
    }
    std::erase(m_all, exchange);
    ++m_finished;
    emit progressChanged(m_finished, m_total);
    exchange->done(std::move(result));
    pump();
}

void RegistryTransport::cancelAll() {
    const auto exchanges = m_all;
    m_queue.clear();
    for (const ExchangePtr& exchange : exchanges) {
        exchange->cancelled = true;
        if (exchange->state == Exchange::State::Running && exchange->reply)
            exchange->reply->abort(); // finishes synchronously or soon, completing as cancelled
        else
            complete(exchange, Result<HttpResponse>::failure(u"Cancelled."_s));
    }
}

void RegistryTransport::reportWarnings(const HttpResponse& response) {
    for (const QByteArray& value : response.headerValues("Warning")) {
        for (const QString& text : parseWarningTexts(value))
            emit registryWarning(u"%1: %2"_s.arg(m_domain, text));
    }
}

bool RegistryTransport::isRegistryUrl(const QUrl& url) const {
    return m_baseUrl.isValid() && url.scheme() == m_baseUrl.scheme() &&
           url.host().compare(m_baseUrl.host(), Qt::CaseInsensitive) == 0 &&
           url.port(url.scheme() == u"https"_s ? 443 : 80) ==
               m_baseUrl.port(m_baseUrl.scheme() == u"https"_s ? 443 : 80);
}

} // namespace berth
