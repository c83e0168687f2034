#include "registry/CurlMulti.h"

#include "core/CurlHandles.h"
#include "registry/ImageReference.h"

#include <QElapsedTimer>
#include <QFile>
#include <QPointer>
#include <QSocketNotifier>
#include <QTimer>

#include <algorithm>
#include <unordered_map>
#include <vector>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

constexpr size_t kMaxSpareHandles = 64;
constexpr qint64 kMaxReserveBytes = 64 * 1024;
const QByteArray kUserAgent = QByteArrayLiteral("User-Agent: berth/" BERTH_VERSION);

QByteArrayView trimmed(QByteArrayView text) {
    while (!text.isEmpty() && (text.front() == ' ' || text.front() == '\t'))
        text = text.sliced(1);
    while (!text.isEmpty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                               text.back() == '\n'))
        text.chop(1);
    return text;
}

bool hasHeader(const QList<QPair<QByteArray, QByteArray>>& headers, const QByteArray& name) {
    return std::any_of(headers.cbegin(), headers.cend(), [&name](const auto& header) {
        return header.first.compare(name, Qt::CaseInsensitive) == 0;
    });
}

} // namespace

struct CurlMulti::State {
    struct Transfer {
        ~Transfer() {
            if (easy)
                curl_easy_cleanup(easy);
        }
        State* state = nullptr;
        TransferId id = 0;
        CURL* easy = nullptr;
        CurlRequest request; // owns the bytes libcurl reads: URL, CA path, body
        QByteArray url;
        QByteArray caFile;
        CurlList headers;
        bool isHead = false;
        bool tooLarge = false;
        bool headerTooLarge = false;
        bool headersEnded = false; // the blank line after the (final) header block came
        qint64 headerBytes = 0;    // of the current header block
        qint64 lastActivityMs = 0;
        HttpResponse response;
        Done done;
        char errorBuffer[CURL_ERROR_SIZE] = {};
    };
    struct Ended {
        std::unique_ptr<Transfer> transfer;
        CURLcode code;
    };
    // What libcurl wants to hear about one socket; the notifiers exist once wanted.
    struct SocketWatch {
        QSocketNotifier* read = nullptr;
        QSocketNotifier* write = nullptr;
    };

    explicit State(CurlMulti* owner, int maxIdleConnections);
    ~State();

    static int onSocket(CURL*, curl_socket_t socket, int what, void* self, void*);
    static int onTimer(CURLM*, long timeoutMs, void* self);
    static size_t onHeader(char* data, size_t size, size_t count, void* transfer);
    static size_t onBody(char* data, size_t size, size_t count, void* transfer);
    static int onProgress(void* transfer, curl_off_t, curl_off_t, curl_off_t, curl_off_t);

    void watch(curl_socket_t socket, int what);
    void forget(curl_socket_t socket);
    QSocketNotifier* notifier(curl_socket_t socket, QSocketNotifier::Type type, int events);
    void act(curl_socket_t socket, int events);
    void finish(std::vector<Ended> ended);
    void finishReady();
    void endIdle();
    void recycle(std::unique_ptr<Transfer> transfer);
    bool configure(Transfer& transfer);
    CurlOutcome outcomeOf(Transfer& transfer, CURLcode code) const;
    qint64 now() const { return clock.elapsed(); }

    CurlMulti* owner;
    CURLM* multi = nullptr;
    QTimer curlTimer; // the one timeout libcurl asks for
    QTimer idleTimer; // ticks while transfers run, to end those that went silent
    QElapsedTimer clock;
    TransferId nextId = 1;
    std::unordered_map<TransferId, std::unique_ptr<Transfer>> transfers;
    std::unordered_map<curl_socket_t, SocketWatch> sockets;
    std::vector<CURL*> spareHandles; // reset, for later transfers: no allocation per request
};

CurlMulti::State::State(CurlMulti* owner, int maxIdleConnections)
    : owner(owner) {
    ensureCurlInitialized();
    clock.start();
    curlTimer.setSingleShot(true);
    QObject::connect(&curlTimer, &QTimer::timeout, owner, [this] { act(CURL_SOCKET_TIMEOUT, 0); });
    QObject::connect(&idleTimer, &QTimer::timeout, owner, [this] { endIdle(); });
    multi = curl_multi_init();
    if (!multi)
        return;
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &State::onSocket);
    curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &State::onTimer);
    curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, long(std::max(1, maxIdleConnections)));
}

CurlMulti::State::~State() {
    if (multi) {
        // Nothing may call back into a half-destroyed object while libcurl closes up.
        curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, nullptr);
        curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, nullptr);
        for (auto& [id, transfer] : transfers)
            curl_multi_remove_handle(multi, transfer->easy);
    }
    transfers.clear();
    for (CURL* handle : spareHandles)
        curl_easy_cleanup(handle);
    if (multi)
        curl_multi_cleanup(multi);
}

int CurlMulti::State::onSocket(CURL*, curl_socket_t socket, int what, void* self, void*) {
    auto* state = static_cast<State*>(self);
    if (what == CURL_POLL_REMOVE)
        state->forget(socket);
    else
        state->watch(socket, what);
    return 0;
}

int CurlMulti::State::onTimer(CURLM*, long timeoutMs, void* self) {
    auto* state = static_cast<State*>(self);
    if (timeoutMs < 0)
        state->curlTimer.stop();
    else
        state->curlTimer.start(int(std::min<long>(timeoutMs, 24L * 3600 * 1000)));
    return 0;
}

size_t CurlMulti::State::onHeader(char* data, size_t size, size_t count, void* userData) {
    auto* transfer = static_cast<Transfer*>(userData);
    const size_t bytes = size * count;
    transfer->lastActivityMs = transfer->state->now();
    const QByteArrayView line = trimmed(QByteArrayView(data, qsizetype(bytes)));
    QList<QPair<QByteArray, QByteArray>>& headers = transfer->response.headers;
    if (line.startsWith("HTTP/")) { // a new header block: after a 1xx, or a proxy's CONNECT
        headers.clear();
        transfer->headerBytes = 0;
        transfer->headersEnded = false;
        return bytes;
    }
    transfer->headerBytes += qint64(bytes);
    if (transfer->headerBytes > kMaxHeaderBytes) {
        transfer->headerTooLarge = true;
        return 0; // libcurl stops the transfer with CURLE_WRITE_ERROR
    }
    if (line.isEmpty()) {
        transfer->headersEnded = true;
        return bytes;
    }
    if (data[0] == ' ' || data[0] == '\t') { // an obsolete folded continuation line
        if (!headers.isEmpty())
            headers.last().second += ' ' + line.toByteArray();
        return bytes;
    }
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0)
        return bytes;
    QByteArray name = trimmed(line.first(colon)).toByteArray();
    QByteArray value = trimmed(line.sliced(colon + 1)).toByteArray();
    if (!transfer->isHead && name.compare("Content-Length", Qt::CaseInsensitive) == 0) {
        // Refused before the body starts: a server announcing a huge answer is not read.
        bool isNumber = false;
        const qint64 length = value.toLongLong(&isNumber);
        if (isNumber && length > transfer->request.maxBodyBytes) {
            transfer->tooLarge = true;
            return 0;
        }
        // The header is the server's word only: reserve a little, let real bytes grow it.
        if (isNumber && length > 0)
            transfer->response.body.reserve(std::min(length, kMaxReserveBytes));
    }
    headers.append({std::move(name), std::move(value)});
    return bytes;
}

size_t CurlMulti::State::onBody(char* data, size_t size, size_t count, void* userData) {
    auto* transfer = static_cast<Transfer*>(userData);
    const size_t bytes = size * count;
    transfer->lastActivityMs = transfer->state->now();
    if (transfer->response.body.size() + qint64(bytes) > transfer->request.maxBodyBytes) {
        transfer->tooLarge = true;
        return 0; // libcurl stops the transfer with CURLE_WRITE_ERROR
    }
    transfer->response.body.append(data, qsizetype(bytes));
    return bytes;
}

int CurlMulti::State::onProgress(void* userData, curl_off_t, curl_off_t, curl_off_t,
                                 curl_off_t uploaded) {
    // Only set for requests with a body: sending it counts as activity too.
    auto* transfer = static_cast<Transfer*>(userData);
    if (uploaded > 0)
        transfer->lastActivityMs = transfer->state->now();
    return 0;
}

QSocketNotifier* CurlMulti::State::notifier(curl_socket_t socket, QSocketNotifier::Type type,
                                            int events) {
    auto* created = new QSocketNotifier(socket, type, owner);
    QObject::connect(created, &QSocketNotifier::activated, owner,
                     [this, socket, events] { act(socket, events); });
    return created;
}

void CurlMulti::State::watch(curl_socket_t socket, int what) {
    SocketWatch& watched = sockets[socket];
    const bool wantRead = what & CURL_POLL_IN;
    const bool wantWrite = what & CURL_POLL_OUT;
    if (wantRead && !watched.read)
        watched.read = notifier(socket, QSocketNotifier::Read, CURL_CSELECT_IN);
    else if (watched.read && watched.read->isEnabled() != wantRead)
        watched.read->setEnabled(wantRead);
    if (wantWrite && !watched.write)
        watched.write = notifier(socket, QSocketNotifier::Write, CURL_CSELECT_OUT);
    else if (watched.write && watched.write->isEnabled() != wantWrite)
        watched.write->setEnabled(wantWrite);
}

void CurlMulti::State::forget(curl_socket_t socket) {
    const auto found = sockets.find(socket);
    if (found == sockets.end())
        return;
    // The notifier may be the one whose signal is running right now: delete it later.
    for (QSocketNotifier* notifier : {found->second.read, found->second.write}) {
        if (notifier) {
            notifier->setEnabled(false);
            notifier->deleteLater();
        }
    }
    sockets.erase(found);
}

void CurlMulti::State::act(curl_socket_t socket, int events) {
    int running = 0;
    curl_multi_socket_action(multi, socket, events, &running);
    finishReady();
}

void CurlMulti::State::finishReady() {
    std::vector<Ended> ended;
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
        if (message->msg != CURLMSG_DONE)
            continue;
        CURL* easy = message->easy_handle;
        const CURLcode code = message->data.result;
        Transfer* transfer = nullptr;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, &transfer);
        curl_multi_remove_handle(multi, easy);
        if (!transfer)
            continue;
        auto node = transfers.extract(transfer->id);
        if (!node.empty())
            ended.push_back({std::move(node.mapped()), code});
    }
    finish(std::move(ended));
}

void CurlMulti::State::finish(std::vector<Ended> ended) {
    if (transfers.empty())
        idleTimer.stop();
    // A callback may destroy the owner (and this state); check before every next step.
    const QPointer<CurlMulti> alive(owner);
    for (Ended& one : ended) {
        if (!alive)
            return;
        CurlOutcome outcome = outcomeOf(*one.transfer, one.code);
        Done done = std::move(one.transfer->done);
        recycle(std::move(one.transfer));
        done(std::move(outcome));
    }
}

void CurlMulti::State::endIdle() {
    const qint64 at = now();
    std::vector<Ended> ended;
    for (auto it = transfers.begin(); it != transfers.end();) {
        Transfer& transfer = *it->second;
        if (at - transfer.lastActivityMs <= transfer.request.idleTimeoutMs) {
            ++it;
            continue;
        }
        curl_multi_remove_handle(multi, transfer.easy);
        qstrncpy(transfer.errorBuffer,
                 qPrintable(u"nothing arrived for %1 ms"_s.arg(transfer.request.idleTimeoutMs)),
                 sizeof transfer.errorBuffer);
        ended.push_back({std::move(it->second), CURLE_OPERATION_TIMEDOUT});
        it = transfers.erase(it);
    }
    finish(std::move(ended));
}

void CurlMulti::State::recycle(std::unique_ptr<Transfer> transfer) {
    if (spareHandles.size() < kMaxSpareHandles) {
        curl_easy_reset(transfer->easy);
        spareHandles.push_back(std::exchange(transfer->easy, nullptr));
    }
}

bool CurlMulti::State::configure(Transfer& transfer) {
    CURL* easy = transfer.easy;
    const CurlRequest& request = transfer.request;
    transfer.url = request.url.toEncoded();
    transfer.isHead = request.method == "HEAD";
    curl_easy_setopt(easy, CURLOPT_PRIVATE, &transfer);
    curl_easy_setopt(easy, CURLOPT_URL, transfer.url.constData());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer.errorBuffer);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &State::onHeader);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &State::onBody);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
    // Loopback never goes through a proxy, as Go's and so docker's own client decide.
    if (isLoopbackHost(request.url.host()))
        curl_easy_setopt(easy, CURLOPT_NOPROXY, "*");

    const bool hasBody = request.method != "GET" && request.method != "HEAD";
    if (request.method == "HEAD") {
        curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
    } else if (hasBody) {
        if (request.method != "POST")
            curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.constData());
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.size()));
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.constData());
        curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, &State::onProgress);
        curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &transfer);
    }

    for (const auto& [name, value] : request.headers) {
        const QByteArray line = name + ": " + value;
        if (!appendHeader(transfer.headers, line.constData()))
            return false;
    }
    // A header line rather than CURLOPT_USERAGENT, which libcurl formats anew per request.
    if (!hasHeader(request.headers, "User-Agent") &&
        !appendHeader(transfer.headers, kUserAgent.constData()))
        return false;
    // No "Expect: 100-continue" round trip before a body, and no form Content-Type
    // libcurl would otherwise invent for one.
    if (hasBody && !appendHeader(transfer.headers, "Expect:"))
        return false;
    if (hasBody && !hasHeader(request.headers, "Content-Type") &&
        !appendHeader(transfer.headers, "Content-Type:"))
        return false;
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer.headers.get());

    if (!request.verifyPeer) {
        curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (!request.caFile.isEmpty()) {
        // Replaces the default bundle only; the system's CA directory stays trusted.
        transfer.caFile = QFile::encodeName(request.caFile);
        curl_easy_setopt(easy, CURLOPT_CAINFO, transfer.caFile.constData());
    }
    return true;
}

CurlOutcome CurlMulti::State::outcomeOf(Transfer& transfer, CURLcode code) const {
    CurlOutcome outcome;
    outcome.detail = QString::fromLocal8Bit(transfer.errorBuffer).trimmed();
    if (outcome.detail.isEmpty() && code != CURLE_OK)
        outcome.detail = QString::fromLatin1(curl_easy_strerror(code));
    if (transfer.tooLarge) {
        outcome.failure = CurlOutcome::Failure::TooLarge;
        return outcome;
    }
    // libcurl refuses one header line over its own limit (100 KB) before our callback sees
    // it, and reports that as running out of memory: nothing else it does mid-header can.
    if (transfer.headerTooLarge || (code == CURLE_OUT_OF_MEMORY && !transfer.headersEnded)) {
        outcome.failure = CurlOutcome::Failure::HeaderTooLarge;
        return outcome;
    }
    switch (code) {
    case CURLE_OK: {
        long status = 0;
        curl_easy_getinfo(transfer.easy, CURLINFO_RESPONSE_CODE, &status);
        outcome.response = std::move(transfer.response);
        outcome.response.status = int(status);
        outcome.response.url = transfer.request.url;
        outcome.detail.clear();
        return outcome;
    }
    case CURLE_PEER_FAILED_VERIFICATION:
        outcome.failure = CurlOutcome::Failure::NotTrusted;
        return outcome;
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR: // no TLS session, so no request went out
        outcome.failure = CurlOutcome::Failure::NeverDelivered;
        return outcome;
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        outcome.failure = CurlOutcome::Failure::Interrupted;
        return outcome;
    default:
        outcome.failure = CurlOutcome::Failure::Other;
        return outcome;
    }
}

CurlMulti::CurlMulti(int maxIdleConnections, QObject* parent)
    : QObject(parent)
    , m_state(std::make_unique<State>(this, maxIdleConnections)) {
}

CurlMulti::~CurlMulti() = default;

CurlMulti::TransferId CurlMulti::start(CurlRequest request, Done done) {
    State& state = *m_state;
    auto transfer = std::make_unique<State::Transfer>();
    transfer->state = &state;
    transfer->id = state.nextId++;
    transfer->request = std::move(request);
    transfer->done = std::move(done);
    transfer->lastActivityMs = state.now();
    if (!state.spareHandles.empty()) {
        transfer->easy = state.spareHandles.back();
        state.spareHandles.pop_back();
    } else {
        transfer->easy = curl_easy_init();
    }
    const TransferId id = transfer->id;
    if (!state.multi || !transfer->easy || !state.configure(*transfer) ||
        curl_multi_add_handle(state.multi, transfer->easy) != CURLM_OK) {
        // Reported from the event loop like every other outcome, never from inside start().
        QTimer::singleShot(0, this, [done = std::move(transfer->done)] {
            done(CurlOutcome{
                CurlOutcome::Failure::Other, u"libcurl could not set up the request."_s, {}});
        });
        return id;
    }
    const int tick = std::clamp(transfer->request.idleTimeoutMs / 4, 10, 1000);
    if (!state.idleTimer.isActive() || state.idleTimer.interval() > tick)
        state.idleTimer.start(tick);
    state.transfers.emplace(id, std::move(transfer));
    return id;
}

void CurlMulti::abort(TransferId id) {
    State& state = *m_state;
    const auto found = state.transfers.find(id);
    if (found == state.transfers.end())
        return;
    std::unique_ptr<State::Transfer> transfer = std::move(found->second);
    state.transfers.erase(found);
    curl_multi_remove_handle(state.multi, transfer->easy);
    state.recycle(std::move(transfer));
    if (state.transfers.empty())
        state.idleTimer.stop();
}

} // namespace berth
