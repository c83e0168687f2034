#include "git/GitFetcher.h"

#include "git/GitError.h"
#include "git/GitRemote.h"
#include "git/GitRepository.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QUrl>
#include <QtConcurrent/QtConcurrentRun>

#include <git2.h>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

constexpr qint64 kProgressIntervalMs = 100;

struct FetchState {
    const std::atomic<bool>* cancelled = nullptr;
    const std::function<void(const FetchProgress&)>* progress = nullptr;
    FetchProgress current;
    QElapsedTimer sinceReport;
    int agentAttempts = 0;
    int helperAttempts = 0;
};

struct HelperCredentials {
    QString username;
    QString password;
};

// Asks the user's configured credential helpers, never a terminal prompt.
std::optional<HelperCredentials> credentialsFromHelper(const QString& url) {
    QProcess git;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"GIT_TERMINAL_PROMPT"_s, u"0"_s);
    environment.insert(u"GIT_ASKPASS"_s, u"true"_s); // an askpass that answers nothing
    git.setProcessEnvironment(environment);
    git.start(u"git"_s, {u"credential"_s, u"fill"_s});
    if (!git.waitForStarted(5000))
        return std::nullopt;
    git.write(u"url=%1\n\n"_s.arg(url).toUtf8());
    git.closeWriteChannel();
    if (!git.waitForFinished(30000) || git.exitStatus() != QProcess::NormalExit ||
        git.exitCode() != 0)
        return std::nullopt;
    HelperCredentials credentials;
    for (const QByteArray& line : git.readAllStandardOutput().split('\n')) {
        if (line.startsWith("username="))
            credentials.username = QString::fromUtf8(line.mid(9));
        else if (line.startsWith("password="))
            credentials.password = QString::fromUtf8(line.mid(9));
    }
    if (credentials.username.isEmpty() || credentials.password.isEmpty())
        return std::nullopt;
    return credentials;
}

int acquireCredentials(git_credential** out, const char* url, const char* usernameFromUrl,
                       unsigned int allowedTypes, void* payload) {
    auto* state = static_cast<FetchState*>(payload);
    // libgit2 asks again after every rejected credential; one try of each source, then
    // fail instead of looping.
    if ((allowedTypes & GIT_CREDENTIAL_SSH_KEY) && state->agentAttempts++ == 0)
        return git_credential_ssh_key_from_agent(out, usernameFromUrl ? usernameFromUrl : "git");
    if ((allowedTypes & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && state->helperAttempts++ == 0) {
        const std::optional<HelperCredentials> found =
            credentialsFromHelper(QString::fromUtf8(url));
        if (found) {
            return git_credential_userpass_plaintext_new(out, found->username.toUtf8().constData(),
                                                         found->password.toUtf8().constData());
        }
    }
    if ((allowedTypes & GIT_CREDENTIAL_USERNAME) && usernameFromUrl)
        return git_credential_username_new(out, usernameFromUrl);
    git_error_set_str(GIT_ERROR_NET,
                      "no accepted credentials: the ssh agent and git credential helpers "
                      "offered none that the server took");
    return GIT_EAUTH;
}

void report(FetchState* state, bool force) {
    if (!force && state->sinceReport.isValid() &&
        state->sinceReport.elapsed() < kProgressIntervalMs)
        return;
    state->sinceReport.restart();
    if (*state->progress)
        (*state->progress)(state->current);
}

int transferProgress(const git_indexer_progress* stats, void* payload) {
    auto* state = static_cast<FetchState*>(payload);
    state->current.receivedObjects = stats->received_objects;
    state->current.indexedObjects = stats->indexed_objects;
    state->current.totalObjects = stats->total_objects;
    state->current.receivedBytes = stats->received_bytes;
    report(state, stats->indexed_objects == stats->total_objects);
    // Non-zero stops the download; libgit2 then returns it from git_remote_fetch.
    return state->cancelled->load() ? GIT_EUSER : 0;
}

int sidebandProgress(const char*, int, void* payload) {
    return static_cast<FetchState*>(payload)->cancelled->load() ? GIT_EUSER : 0;
}

Error cancelledError(const QString& clonePath) {
    return Error::make(u"Fetching %1 was cancelled."_s.arg(clonePath), 0,
                       QString(GitErrorCode::Cancelled));
}

} // namespace

GitFetcher::GitFetcher(QObject* parent)
    : QObject(parent) {
}

GitFetcher::~GitFetcher() {
    cancel();
    if (m_watcher)
        m_watcher->waitForFinished();
}

bool GitFetcher::isRunning() const {
    return m_watcher && m_watcher->isRunning();
}

void GitFetcher::cancel() {
    if (m_cancelled)
        m_cancelled->store(true);
}

void GitFetcher::fetch(const QString& clonePath, QObject* context, Callback<FetchSummary> done) {
    GuardedCallback<FetchSummary> callback(context, std::move(done));
    if (isRunning()) {
        return callback(Result<FetchSummary>::failure(
            u"A fetch of this clone is already running; wait for it or cancel it."_s));
    }
    m_cancelled = std::make_shared<std::atomic<bool>>(false);
    // Later, not now: this call may come from the previous watcher's own finished signal.
    if (m_watcher)
        m_watcher->deleteLater();
    m_watcher = new QFutureWatcher<Result<FetchSummary>>(this);
    connect(m_watcher, &QFutureWatcherBase::finished, this,
            [this, callback]() mutable { callback(m_watcher->result()); });
    // The worker emits on this object; the destructor waits for it, so `this` outlives it.
    m_watcher->setFuture(QtConcurrent::run([this, clonePath, cancelled = m_cancelled] {
        const std::function<void(const FetchProgress&)> progress =
            [this](const FetchProgress& value) { emit progressChanged(value); };
        return fetchNow(clonePath, *cancelled, progress);
    }));
}

Result<FetchSummary>
GitFetcher::fetchNow(const QString& clonePath, const std::atomic<bool>& cancelled,
                     const std::function<void(const FetchProgress&)>& progress) {
    if (cancelled.load())
        return cancelledError(clonePath);
    const Result<GitRepository> repository = GitRepository::open(clonePath);
    if (!repository)
        return repository.error();
    const Result<QStringList> names = GitRemote::names(repository.value());
    if (!names)
        return names.error();
    if (names->isEmpty()) {
        return Result<FetchSummary>::failure(
            u"The clone at %1 has no remotes to fetch from."_s.arg(clonePath));
    }

    FetchSummary summary;
    for (int i = 0; i < names->size(); ++i) {
        const QString& name = names->at(i);
        const Result<GitRemote> remote = GitRemote::lookup(repository.value(), name);
        if (!remote)
            return remote.error();
        FetchState state;
        state.cancelled = &cancelled;
        state.progress = &progress;
        state.current.remote = name;
        state.current.remoteIndex = i;
        state.current.remoteCount = static_cast<int>(names->size());
        report(&state, true);

        git_fetch_options options;
        git_fetch_options_init(&options, GIT_FETCH_OPTIONS_VERSION);
        options.callbacks.credentials = &acquireCredentials;
        options.callbacks.transfer_progress = &transferProgress;
        options.callbacks.sideband_progress = &sidebandProgress;
        options.callbacks.payload = &state;
        options.proxy_opts.type = GIT_PROXY_AUTO; // the user's http.proxy, as git does
        const int rc = git_remote_fetch(remote->handle(), nullptr, &options, "fetch (berth)");
        if (cancelled.load())
            return cancelledError(clonePath);
        if (rc != 0) {
            return gitError(
                rc, u"Fetching remote \"%1\" (%2) into %3"_s.arg(name, remote->url(), clonePath));
        }
        summary.remotes.append(name);
        summary.receivedObjects += state.current.receivedObjects;
        summary.receivedBytes += state.current.receivedBytes;
        report(&state, true);
    }
    return summary;
}

} // namespace berth
