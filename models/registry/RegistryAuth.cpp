#include "registry/RegistryAuth.h"

#include "core/WhenFinished.h"
#include "registry/ImageReference.h"
#include "registry/TokenResponse.h"

#include <QUrlQuery>
#include <QtConcurrent>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

constexpr int kDefaultTokenLifetime = 60; // seconds, per the token spec; also the minimum
constexpr qint64 kMaxTokenResponseBytes = 1024 * 1024;

// Refresh a little before the registry would start refusing the token.
QDateTime refreshTimeFor(int expiresIn) {
    const int lifetime = std::max(expiresIn, kDefaultTokenLifetime);
    const int margin = std::min(30, lifetime / 4);
    return QDateTime::currentDateTimeUtc().addSecs(lifetime - margin);
}

} // namespace

RegistryAuth::RegistryAuth(QString domain, RegistryOptions options, Fetch fetch, QObject* parent)
    : QObject(parent)
    , m_domain(std::move(domain))
    , m_options(std::move(options))
    , m_fetch(std::move(fetch)) {
}

void RegistryAuth::learnChallenge(const QList<QByteArray>& wwwAuthenticate,
                                  const QUrl& requestUrl) {
    const std::optional<AuthChallenge> challenge =
        preferredChallenge(parseAuthChallenges(wwwAuthenticate));
    if (!challenge)
        return;
    m_challenge = challenge;
    m_challengeBase = requestUrl;
}

void RegistryAuth::authorize(const QString& scope, bool forceFresh, QObject* context,
                             Callback<QByteArray> done) {
    // Until a registry has challenged us, go anonymous: many registries allow pulls.
    if (!m_challenge) {
        done(QByteArray());
        return;
    }
    if (m_challenge->scheme == u"basic"_s) {
        withCredentials(context, [this, done](Result<std::optional<RegistryCredentials>> found) {
            if (!found)
                return done(found.error());
            if (!found.value() || found.value()->isIdentityToken())
                return done(QByteArray());
            done(basicHeader(*found.value()));
        });
        return;
    }
    // A challenge may name the scope the registry wants; the request's own scope is
    // the one we cache by, so a catalog and a pull never share a token by accident.
    const auto cached = m_tokens.constFind(scope);
    if (!forceFresh && cached != m_tokens.constEnd() &&
        cached->refreshAfter > QDateTime::currentDateTimeUtc()) {
        done(cached->header);
        return;
    }
    if (forceFresh)
        m_tokens.remove(scope);
    fetchToken(scope, context, std::move(done));
}

void RegistryAuth::withCredentials(QObject* context,
                                   Callback<std::optional<RegistryCredentials>> done) {
    if (m_credentialsLoaded) {
        done(m_credentials);
        return;
    }
    m_credentialWaiters.append({context, std::move(done)});
    if (m_credentialsLoading)
        return;
    m_credentialsLoading = true;
    // A credential helper is a process; run it off this thread so a window never waits.
    const QString configDir = m_options.dockerConfigDir;
    const QString domain = m_domain;
    whenFinished(this, QtConcurrent::run([configDir, domain] {
                     return DockerCredentials(configDir).lookup(domain);
                 }),
                 [this](const Result<std::optional<RegistryCredentials>>& credentials) {
                     m_credentials = credentials;
                     m_credentialsLoaded = true;
                     m_credentialsLoading = false;
                     const auto waiters = std::exchange(m_credentialWaiters, {});
                     for (auto waiter : waiters)
                         waiter(m_credentials);
                 });
}

void RegistryAuth::fetchToken(const QString& scope, QObject* context, Callback<QByteArray> done) {
    // Many requests meet a missing token at once; one fetch serves them all.
    auto& waiters = m_tokenWaiters[scope];
    waiters.append({context, std::move(done)});
    if (waiters.size() > 1)
        return;
    withCredentials(this, [this, scope](Result<std::optional<RegistryCredentials>> found) {
        if (!found)
            return finishTokenRequests(scope, found.error());
        const bool hasIdentityToken = found.value() && found.value()->isIdentityToken();
        requestToken(scope, found.value(), hasIdentityToken);
    });
}

void RegistryAuth::requestToken(const QString& scope,
                                const std::optional<RegistryCredentials>& credentials,
                                bool usePost) {
    const QUrl realm = m_challengeBase.resolved(QUrl(m_challenge->param(u"realm"_s)));
    if (!realm.isValid() || realm.host().isEmpty())
        return finishTokenRequests(
            scope, Result<QByteArray>::failure(
                       u"The registry %1 asks for a token but names no usable token service."_s.arg(
                           m_domain)));
    // Credentials only travel to a token service over TLS, or on this machine.
    if (realm.scheme() != u"https"_s && !isLoopbackHost(realm.host()) && !m_options.insecure)
        return finishTokenRequests(
            scope,
            Result<QByteArray>::failure(
                u"The token service %1 of %2 is not HTTPS; refusing to send credentials."_s.arg(
                    realm.toString(), m_domain)));

    const QString service = m_challenge->param(u"service"_s);
    HttpRequest request;
    request.url = realm;
    request.maxBodyBytes = kMaxTokenResponseBytes;
    if (usePost) {
        QUrlQuery form;
        form.addQueryItem(u"grant_type"_s, u"refresh_token"_s);
        form.addQueryItem(u"refresh_token"_s, credentials->secret);
        form.addQueryItem(u"service"_s, service);
        form.addQueryItem(u"client_id"_s, u"berth"_s);
        form.addQueryItem(u"scope"_s, scope);
        request.method = "POST";
        request.body = form.toString(QUrl::FullyEncoded).toLatin1();
        request.headers.append(
            {QByteArray("Content-Type"), QByteArray("application/x-www-form-urlencoded")});
    } else {
        QUrlQuery query(realm); // the realm's own query stays
        if (!service.isEmpty())
            query.addQueryItem(u"service"_s, service);
        for (const QString& single : splitScopes(scope))
            query.addQueryItem(u"scope"_s, single);
        request.url.setQuery(query);
    }
    if (!usePost && credentials && !credentials->isIdentityToken())
        request.headers.append({QByteArray("Authorization"), basicHeader(*credentials)});

    m_fetch(std::move(request), this,
            [this, scope, credentials, usePost](Result<HttpResponse> response) {
                tokenAnswered(scope, credentials, usePost, response);
            });
}

void RegistryAuth::tokenAnswered(const QString& scope,
                                 const std::optional<RegistryCredentials>& credentials,
                                 bool usePost, const Result<HttpResponse>& response) {
    // No error code travels on: the registry request waiting for this token never went out.
    if (!response)
        return finishTokenRequests(
            scope, Result<QByteArray>::failure(u"The token service of %1 failed: %2"_s.arg(
                       m_domain, response.error().message)));
    const int status = response->status;
    if (usePost && status == 404) // OAuth2 POST unsupported: the spec says fall back to GET
        return requestToken(scope, credentials, false);
    if (status == 401 || status == 403) {
        const QString who =
            credentials ? u"the credentials for %1"_s.arg(m_domain) : u"anonymous access"_s;
        return finishTokenRequests(
            scope, Result<QByteArray>::failure(
                       u"The token service of %1 refused %2 (HTTP %3). %4"_s.arg(
                           m_domain, who, QString::number(status),
                           credentials ? u"Check the login (podman login or docker login)."_s
                                       : noCredentialsHint()),
                       status, u"UNAUTHORIZED"_s));
    }
    if (status < 200 || status >= 300)
        return finishTokenRequests(
            scope,
            Result<QByteArray>::failure(
                u"The token service of %1 failed: HTTP %2"_s.arg(m_domain).arg(status), status));
    const Result<BearerToken> token = parseTokenResponse(response->body);
    if (!token)
        return finishTokenRequests(scope, Result<QByteArray>(token.error()));
    ++m_tokensFetched;
    m_tokens.insert(scope,
                    CachedToken{token->authorization, refreshTimeFor(token->expiresInSeconds)});
    finishTokenRequests(scope, token->authorization);
}

void RegistryAuth::finishTokenRequests(const QString& scope, const Result<QByteArray>& result) {
    const auto waiters = m_tokenWaiters.take(scope);
    for (auto waiter : waiters)
        waiter(result);
}

QByteArray RegistryAuth::basicHeader(const RegistryCredentials& credentials) const {
    return "Basic " + (credentials.username + u':' + credentials.secret).toUtf8().toBase64();
}

QString RegistryAuth::noCredentialsHint() const {
    return u"No credentials for %1 were found in podman's auth.json or the docker config; log "
           u"in with \"podman login %1\" or \"docker login %1\"."_s.arg(m_domain);
}

} // namespace berth
