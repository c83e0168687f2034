#pragma once

// Carries HTTP exchanges to one registry: picks https or (where allowed) http,
// keeps a bounded number of requests in flight, authenticates, retries what is
// worth retrying, follows redirects by hand so credentials never leave the
// registry's host, and caps how much a server may send. The bytes travel through
// libcurl on this thread's event loop (see CurlMulti).

#include "core/Callback.h"
#include "registry/HttpMessage.h"
#include "registry/RegistryOptions.h"

#include <QList>
#include <QObject>
#include <QUrl>

#include <deque>
#include <map>
#include <memory>

namespace berth {

class CurlMulti;
struct CurlOutcome;
struct CurlRequest;
class RegistryAuth;

class RegistryTransport : public QObject {
    Q_OBJECT
public:
    // apiHost: host[:port] the API lives on (registry-1.docker.io for docker.io).
    RegistryTransport(QString domain, QString apiHost, RegistryOptions options,
                      QObject* parent = nullptr);
    ~RegistryTransport() override;

    void send(HttpRequest request, QObject* context, Callback<HttpResponse> done);
    // One exchange with any host at request.url, as it comes: no authorisation, no
    // retry, no slot counted against concurrency. For the registry's token service.
    void sendDirect(HttpRequest request, QObject* context, Callback<HttpResponse> done);

    // Fails every queued and running exchange with a "cancelled" error.
    void cancelAll();

    QString domain() const { return m_domain; }
    QUrl baseUrl() const { return m_baseUrl; } // empty until the first exchange chose a scheme
    const RegistryOptions& options() const { return m_options; }
    RegistryAuth* auth() const { return m_auth; }
    int finishedCount() const { return m_finished; }
    int totalCount() const { return m_total; }

signals:
    void progressChanged(int finished, int total);
    // A "Warning: 299" header the registry wants a person to read.
    void registryWarning(const QString& text);

private:
    struct Exchange;
    using ExchangePtr = std::shared_ptr<Exchange>;

    void resolveBaseUrl(QObject* context, Callback<QUrl> done);
    void probe(const QUrl& base);
    void finishProbe(const Result<QUrl>& result);
    static bool answersLikeARegistry(const CurlOutcome& outcome);
    void enqueue(const ExchangePtr& exchange, bool front = false);
    void pump();
    void start(const ExchangePtr& exchange);
    void transmit(const ExchangePtr& exchange, const QByteArray& authorization);
    void onTransferFinished(const ExchangePtr& exchange, CurlOutcome outcome);
    void retryLater(const ExchangePtr& exchange, int delayMs);
    void complete(const ExchangePtr& exchange, Result<HttpResponse> result);
    void reportWarnings(const HttpResponse& response);
    bool isRegistryUrl(const QUrl& url) const;
    CurlRequest curlRequest(const HttpRequest& request, const QUrl& url) const;
    int retryDelayMs(const HttpResponse& response, int attempt, bool* tooLong) const;

    QString m_domain;
    QString m_apiHost;
    RegistryOptions m_options;
    QString m_sslSetupError;
    std::unique_ptr<CurlMulti> m_curl;
    RegistryAuth* m_auth = nullptr;

    QUrl m_baseUrl;
    bool m_probing = false;
    quint64 m_probeTransfer = 0;  // the probe's transfer while it runs
    bool m_probedHttps = false;   // this probe round asked over https already
    bool m_probedPlain = false;   // ... and in plain http
    bool m_plainAnswered = false; // plain http got an HTTP answer, if not a registry's
    QList<GuardedCallback<QUrl>> m_baseUrlWaiters;

    std::deque<ExchangePtr> m_queue;
    // Queued, waiting to retry, or running, in the order they were sent.
    std::map<quint64, ExchangePtr> m_all;
    quint64 m_nextSequence = 0;
    int m_inFlight = 0;
    int m_finished = 0;
    int m_total = 0;
};

} // namespace berth
