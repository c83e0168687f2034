#pragma once

// Decides the Authorization header for a registry request: Basic from the user's
// docker credentials, or a Bearer token from the registry's token service, cached
// per scope until shortly before it expires. Learns the scheme from 401 answers.

#include "core/Callback.h"
#include "registry/AuthChallenge.h"
#include "registry/DockerCredentials.h"
#include "registry/HttpMessage.h"
#include "registry/RegistryOptions.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QUrl>

#include <functional>
#include <optional>

namespace berth {

class RegistryAuth : public QObject {
    Q_OBJECT
public:
    // Carries one request to the token service (an absolute URL, any host) as it is.
    using Fetch = std::function<void(HttpRequest, QObject* context, Callback<HttpResponse>)>;

    RegistryAuth(QString domain, RegistryOptions options, Fetch fetch, QObject* parent = nullptr);

    // The header value to send for a request needing `scope`; empty means anonymous.
    // forceFresh skips the token cache (used once after a 401).
    void authorize(const QString& scope, bool forceFresh, QObject* context,
                   Callback<QByteArray> done);

    // Takes what a 401 answer says about how to authenticate.
    void learnChallenge(const QList<QByteArray>& wwwAuthenticate, const QUrl& requestUrl);

    // Statistics for tests and benchmarks: tokens fetched from the token service.
    int tokensFetched() const { return m_tokensFetched; }

private:
    struct CachedToken {
        QByteArray header;
        QDateTime refreshAfter;
    };

    void withCredentials(QObject* context, Callback<std::optional<RegistryCredentials>> done);
    void fetchToken(const QString& scope, QObject* context, Callback<QByteArray> done);
    void requestToken(const QString& scope, const std::optional<RegistryCredentials>& credentials,
                      bool usePost);
    void tokenAnswered(const QString& scope, const std::optional<RegistryCredentials>& credentials,
                       bool usePost, const Result<HttpResponse>& response);
    void finishTokenRequests(const QString& scope, const Result<QByteArray>& result);
    QByteArray basicHeader(const RegistryCredentials& credentials) const;
    QString noCredentialsHint() const;

    QString m_domain;
    RegistryOptions m_options;
    Fetch m_fetch;

    std::optional<AuthChallenge> m_challenge;
    QUrl m_challengeBase; // a relative realm resolves against the request that was challenged

    bool m_credentialsLoaded = false;
    bool m_credentialsLoading = false;
    Result<std::optional<RegistryCredentials>> m_credentials{std::optional<RegistryCredentials>()};
    QList<GuardedCallback<std::optional<RegistryCredentials>>> m_credentialWaiters;

    QHash<QString, CachedToken> m_tokens;
    QHash<QString, QList<GuardedCallback<QByteArray>>> m_tokenWaiters;
    int m_tokensFetched = 0;
};

} // namespace berth
