#include "registry/RegistryTransport.h"

#include "core/PemCertificate.h"

#include "registry/AdvisoryHeaders.h"
#include "registry/CurlMulti.h"
#include "registry/ImageReference.h"
#include "registry/RegistryAuth.h"
#include "registry/RegistryError.h"

#include <QDateTime>
#include <QLocale>
#include <QRandomGenerator>
#include <QTimer>

#include <algorithm>
#include <limits>
#include <optional>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

constexpr int kMaxRedirects = 5;

QString formatBytes(qint64 bytes) {
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
}

bool isTransientStatus(int status) {
    return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
           status == 504;
}

QString untrustedMessage(const QString& host, const QString& detail) {
    return u"The TLS certificate of %1 is not trusted (%2). Give its CA with --ca-file, or mark "
           u"the registry insecure if you trust the network."_s.arg(host, detail);
}

QString headerTooLargeMessage(const QString& host) {
    return u"%1 answered with a response header too large (over %2); no registry sends one "
           u"that large, so it was not read."_s.arg(host, formatBytes(kMaxHeaderBytes));
}

} // namespace

struct RegistryTransport::Exchange {
    enum class State { Queued, Authorizing, Running, Waiting, Done };

    HttpRequest request;
    GuardedCallback<HttpResponse> done;
    quint64 sequence = 0; // key in m_all
    QUrl url;
    State state = State::Queued;
    bool holdsSlot = false;
    int attempt = 0;
    bool authRetried = false;
    bool freshAuth = false;
    int redirects = 0;
    CurlMulti::TransferId transfer = 0; // while Running
};

RegistryTransport::RegistryTransport(QString domain, QString apiHost, RegistryOptions options,
                                     QObject* parent)
    : QObject(parent)
    , m_domain(std::move(domain))
    , m_apiHost(std::move(apiHost))
    , m_options(std::move(options)) {
    m_options.concurrency = std::max(1, m_options.concurrency);
    if (!m_options.caFile.isEmpty() && !holdsPemCertificate(m_options.caFile))
        m_sslSetupError = u"The CA file %1 holds no PEM certificate."_s.arg(m_options.caFile);
    // Every connection a full wave of requests opened stays open for the next wave,
    // plus one for the token service.
    m_curl = std::make_unique<CurlMulti>(m_options.concurrency + 1);
    m_auth = new RegistryAuth(
        m_domain, m_options,
        [this](HttpRequest request, QObject* context, Callback<HttpResponse> done) {
            sendDirect(std::move(request), context, std::move(done));
        },
        this);
}

RegistryTransport::~RegistryTransport() {
    for (const auto& [sequence, exchange] : m_all)
        exchange->state = Exchange::State::Done;
    m_curl.reset(); // ends running transfers without calling back into this half-dead object
}

CurlRequest RegistryTransport::curlRequest(const HttpRequest& request, const QUrl& url) const {
    CurlRequest curl;
    curl.method = request.method;
    curl.url = url;
    curl.headers = request.headers;
    curl.body = request.body;
    curl.maxBodyBytes = request.maxBodyBytes;
    curl.idleTimeoutMs = m_options.transferTimeoutMs;
    curl.verifyPeer = !m_options.insecure;
    curl.caFile = m_options.caFile;
    return curl;
}

void RegistryTransport::send(HttpRequest request, QObject* context, Callback<HttpResponse> done) {
    auto exchange = std::make_shared<Exchange>();
    exchange->request = std::move(request);
    exchange->done = GuardedCallback<HttpResponse>(context, std::move(done));
    exchange->sequence = m_nextSequence++;
    m_all.emplace(exchange->sequence, exchange);
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

void RegistryTransport::sendDirect(HttpRequest request, QObject* context,
                                   Callback<HttpResponse> done) {
    GuardedCallback<HttpResponse> callback(context, std::move(done));
    const QUrl url = request.url;
    const qint64 limit = request.maxBodyBytes;
    m_curl->start(curlRequest(request, url), [url, limit, callback](CurlOutcome outcome) mutable {
        using Failure = CurlOutcome::Failure;
        switch (outcome.failure) {
        case Failure::None:
            return callback(std::move(outcome.response));
        case Failure::TooLarge:
            return callback(Result<HttpResponse>::failure(
                u"%1 sent more than %2"_s.arg(url.host(), formatBytes(limit))));
        case Failure::HeaderTooLarge:
            return callback(Result<HttpResponse>::failure(headerTooLargeMessage(url.host())));
        case Failure::NotTrusted:
            return callback(
                Result<HttpResponse>::failure(untrustedMessage(url.host(), outcome.detail)));
        default:
            return callback(Result<HttpResponse>::failure(outcome.failure == Failure::NeverDelivered
                                                              ? Outcome::Unreachable
                                                              : Outcome::NoAnswer,
                                                          outcome.detail));
        }
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
    // A registry on this machine is nearly always plain HTTP (docker's own rule treats
    // loopback as insecure too): asking it in plain first spares every process a TLS
    // handshake that can only fail. A TLS server there answers plain HTTP with an error
    // page (Go's 400), never a registry's /v2/ answer, so it is then asked over https.
    const bool plainFirst = isLoopbackHost(m_apiHost);
    probe(QUrl((plainFirst ? u"http://"_s : u"https://"_s) + m_apiHost));
}

// The first exchange decides the scheme: https always; plain http only where the user
// allowed it (insecure) or the registry runs on this machine, as docker does.
void RegistryTransport::probe(const QUrl& base) {
    (base.scheme() == u"https"_s ? m_probedHttps : m_probedPlain) = true;
    HttpRequest ping;
    ping.maxBodyBytes = 64 * 1024;
    CurlRequest request = curlRequest(ping, base.resolved(QUrl(u"/v2/"_s)));
    // The probe only asks whether the host speaks TLS at all; every exchange after it
    // verifies the certificate before sending a byte. So a plain-HTTP registry on this
    // machine never costs loading the system's trust store.
    request.verifyPeer = false;
    m_probeTransfer = m_curl->start(std::move(request), [this, base](CurlOutcome outcome) {
        m_probeTransfer = 0;
        const bool answered = outcome.failure == CurlOutcome::Failure::None;
        if (base.scheme() == u"https"_s) {
            if (answered)
                return finishProbe(base);
            // No TLS here: the plain answer already had is the server's own (an odd /v2/
            // for it to explain), else plain HTTP where it is allowed and not yet asked.
            if (m_plainAnswered)
                return finishProbe(QUrl(u"http://"_s + m_apiHost));
            const bool plainAllowed = m_options.insecure || isLoopbackHost(m_apiHost);
            if (plainAllowed && !m_probedPlain)
                return probe(QUrl(u"http://"_s + m_apiHost));
        } else {
            // Asked in plain after https failed, any answer is the server's. Asked in plain
            // first (loopback), only a registry's own /v2/ answer settles it: a TLS port
            // answers plain text with an error page.
            if (m_probedHttps ? answered : answersLikeARegistry(outcome))
                return finishProbe(base);
            m_plainAnswered = answered;
            if (!m_probedHttps)
                return probe(QUrl(u"https://"_s + m_apiHost));
        }
        finishProbe(Result<QUrl>::failure(
            u"Cannot reach the registry %1: %2."_s.arg(m_apiHost, outcome.detail)));
    });
}

// /v2/ answers 200, or 401 with a challenge, on every registry; a TLS port asked in plain
// text answers an error page or nothing.
bool RegistryTransport::answersLikeARegistry(const CurlOutcome& outcome) {
    return outcome.failure == CurlOutcome::Failure::None &&
           (outcome.response.status == 200 || outcome.response.status == 401);
}

void RegistryTransport::finishProbe(const Result<QUrl>& result) {
    m_probing = false;
    m_probedHttps = m_probedPlain = m_plainAnswered = false;
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
    CurlRequest request = curlRequest(exchange->request, exchange->url);
    // Only the registry's own host ever sees credentials; a CDN a blob redirects to does not.
    if (!authorization.isEmpty() && isRegistryUrl(exchange->url))
        request.headers.append({QByteArray("Authorization"), authorization});
    exchange->state = Exchange::State::Running;
    exchange->transfer = m_curl->start(std::move(request), [this, exchange](CurlOutcome outcome) {
        onTransferFinished(exchange, std::move(outcome));
    });
}

void RegistryTransport::onTransferFinished(const ExchangePtr& exchange, CurlOutcome outcome) {
    if (exchange->state != Exchange::State::Running)
        return;
    exchange->transfer = 0;
    using Failure = CurlOutcome::Failure;
    switch (outcome.failure) {
    case Failure::None:
        break;
    case Failure::TooLarge:
        return complete(
            exchange,
            Result<HttpResponse>::failure(
                u"%1 sent more than %2 for %3; refusing to read it (no such answer is that large)."_s
                    .arg(m_domain, formatBytes(exchange->request.maxBodyBytes),
                         exchange->url.path())));
    case Failure::HeaderTooLarge:
        return complete(exchange,
                        Result<HttpResponse>::failure(headerTooLargeMessage(exchange->url.host())));
    case Failure::NotTrusted:
        return complete(exchange, Result<HttpResponse>::failure(
                                      untrustedMessage(exchange->url.host(), outcome.detail)));
    case Failure::Interrupted:
        if (exchange->attempt < m_options.maxRetries)
            return retryLater(exchange, retryDelayMs({}, exchange->attempt, nullptr));
        [[fallthrough]];
    case Failure::NeverDelivered:
    case Failure::Other:
        // Refused or unresolvable: the request never arrived. Anything else (a timeout, a
        // dropped connection) may have been carried out without the answer reaching us.
        return complete(exchange,
                        Result<HttpResponse>::failure(
                            outcome.failure == Failure::NeverDelivered ? Outcome::Unreachable
                                                                       : Outcome::NoAnswer,
                            u"The connection to %1 failed while reading %2: %3."_s.arg(
                                m_domain, exchange->url.path(), outcome.detail)));
    }

    HttpResponse response = std::move(outcome.response);
    response.url = exchange->url;
    reportWarnings(response);

    // Only the registry's own origin may say how to log in to it: a redirect target (a CDN,
    // or a host an attacker chose) that answers 401 must not pick the token service the
    // registry's credentials then go to.
    if (response.status == 401 && !isRegistryUrl(exchange->url))
        return complete(
            exchange,
            Result<HttpResponse>::failure(
                u"%1 redirected %2 to %3, which asks for credentials (HTTP 401). Berth logs in "
                u"to %1 only, never to a host it redirects to."_s.arg(
                    m_domain, exchange->request.path,
                    exchange->url.toString(QUrl::RemoveUserInfo | QUrl::RemovePath |
                                           QUrl::RemoveQuery | QUrl::RemoveFragment)),
                401));
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
        // Sleeping for an hour (or a day) would only look like a hang: say so now.
        const Error said = registryErrorFrom(response, exchange->url.path());
        return complete(exchange, said.withMessage(said.message +
                                                   u" That is longer than the %1 s Berth waits at "
                                                   u"most; try again later."_s.arg(
                                                       m_options.maxRetryAfterSeconds)));
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
    if (const std::optional<qint64> seconds = retryAfterSeconds(response.header("Retry-After"))) {
        const qint64 limit = std::max(0, m_options.maxRetryAfterSeconds);
        if (tooLong)
            *tooLong = *seconds > limit;
        return int(
            std::min<qint64>(std::min(*seconds, limit) * 1000, std::numeric_limits<int>::max()));
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
    // Never negative: Qt refuses such a timer, and the exchange would wait for ever.
    // Precise: a coarse timer may fire 5 % early, and a retry before Retry-After has passed
    // earns another 429.
    QTimer::singleShot(std::max(0, delayMs), Qt::PreciseTimer, this, [this, exchange] {
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
    m_all.erase(exchange->sequence);
    ++m_finished;
    emit progressChanged(m_finished, m_total);
    exchange->done(std::move(result));
    pump();
}

void RegistryTransport::cancelAll() {
    std::vector<ExchangePtr> exchanges;
    for (const auto& [sequence, exchange] : m_all)
        exchanges.push_back(exchange);
    m_queue.clear();
    // A probe still at work would decide the scheme from an answer nobody waits for any
    // more (and a slow one outlasts the cancel): the next exchange probes afresh.
    if (m_probing) {
        m_curl->abort(std::exchange(m_probeTransfer, 0));
        finishProbe(Result<QUrl>::failure(u"Cancelled."_s));
    }
    for (const ExchangePtr& exchange : exchanges) {
        if (exchange->state == Exchange::State::Running)
            m_curl->abort(std::exchange(exchange->transfer, 0));
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
