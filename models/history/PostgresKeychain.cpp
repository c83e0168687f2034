#include "history/PostgresKeychain.h"

#include "history/HistoryStore.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFileInfo>
#include <QSemaphore>
#include <QThread>

#include <qt6keychain/keychain.h>

#if defined(Q_OS_UNIX)
#include <pthread.h>

#include <csignal>
#endif
#include <functional>
#include <memory>
#include <utility>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

// A locked keychain asks its owner to unlock it; give a person time to answer. Storing
// is always a person at a terminal, so it may wait longer than a lookup during open().
constexpr int kLookupTimeoutMs = 30000;
constexpr int kStoreTimeoutMs = 120000;
// The keychain's complaint goes into a message; a runaway one must not flood it.
constexpr qsizetype kMessageLimit = 200;

QString unasked(const QString& why) {
    return u"The system keychain could not be asked: %1."_s.arg(why);
}

// The keychain's own text as a clause of one sentence: first line, no final period.
QString clause(const QString& text) {
    QString line = text.trimmed();
    if (const qsizetype newline = line.indexOf(u'\n'); newline >= 0)
        line.truncate(newline);
    while (line.endsWith(u'.'))
        line.chop(1);
    if (line.size() > kMessageLimit)
        line = line.left(kMessageLimit) + u"…"_s;
    return line.isEmpty() ? u"no reason given"_s : line;
}

// How a job ended, as the calling thread sees it.
struct JobOutcome {
    bool answered = false; // false: no answer within the timeout
    QKeychain::Error error = QKeychain::NoError;
    QString errorString;
    QString text; // a read job's password: never put into a message
};

// QtKeychain starts its jobs one at a time through a process-wide executor that lives on
// the thread of the first job and hears there that a job has finished; a job started on
// another thread then waits until that thread runs its event loop, for ever when it is a
// finished worker. libsecret, too, answers on the event loop of the thread that asked. So
// every job of the process is created, started and finished here, on one thread that
// always runs its event loop, and callers on any thread wait for it with a deadline.
class KeychainThread final : public QThread {
public:
    static KeychainThread* instance() {
        // Never deleted: it is stopped in QCoreApplication's destructor (qAddPostRoutine),
        // and a static destructor would run after Qt is gone.
        static KeychainThread* const thread = [] {
            auto* created = new KeychainThread;
            created->setObjectName(u"berth-keychain"_s);
            created->m_context = new QObject;
            created->m_context->moveToThread(created);
            created->start();
            qAddPostRoutine(&KeychainThread::stop);
            return created;
        }();
        return thread;
    }

    // Runs the job `make` builds (on the keychain thread), waiting at most timeoutMs.
    JobOutcome perform(std::function<QKeychain::Job*()> make, int timeoutMs) {
        struct Shared {
            QSemaphore done;
            JobOutcome outcome;
        };
        auto shared = std::make_shared<Shared>();
        const bool posted = QMetaObject::invokeMethod(m_context, [make = std::move(make), shared] {
            QKeychain::Job* job = make();
            // Never the plain-text QSettings fallback QtKeychain offers.
            job->setInsecureFallback(false);
            // It deletes itself once finished, even after its caller has given up on it.
            job->setAutoDelete(true);
            QObject::connect(job, &QKeychain::Job::finished, job, [shared](QKeychain::Job* done) {
                shared->outcome.answered = true;
                shared->outcome.error = done->error();
                shared->outcome.errorString = done->errorString();
                if (auto* read = qobject_cast<QKeychain::ReadPasswordJob*>(done))
                    shared->outcome.text = read->textData();
                shared->done.release();
            });
            job->start();
        });
        if (!posted || !shared->done.tryAcquire(1, timeoutMs))
            return {};
        return std::move(shared->outcome);
    }

private:
    KeychainThread() = default;

    void run() override {
        // When the session bus goes away, GLib's D-Bus connection raises SIGTERM on the
        // thread whose event loop it answers on, this one. Berth should lose the keychain
        // then, not the process (perhaps in the middle of a history write).
#if defined(Q_OS_UNIX)
        sigset_t terminate;
        sigemptyset(&terminate);
        sigaddset(&terminate, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &terminate, nullptr);
#endif
        exec();
    }

    static void stop() {
        KeychainThread* thread = instance();
        thread->quit();
        // A job still waiting for a person to unlock the keychain is abandoned.
        thread->wait(QDeadlineTimer(5000));
    }

    QObject* m_context = nullptr; // lives on this thread: the jobs' starting point
};

JobOutcome runJob(std::function<QKeychain::Job*()> make, int timeoutMs) {
    return KeychainThread::instance()->perform(std::move(make), timeoutMs);
}

QString noAnswer(int timeoutMs) {
    return unasked(u"it did not answer within %1 seconds (a keychain waiting to be "
                   u"unlocked?)"_s.arg(timeoutMs / 1000));
}

// Why the keychain could not be asked, in words a person can act on.
QString failure(const JobOutcome& outcome) {
    switch (outcome.error) {
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return unasked(u"access was denied, or the keychain stayed locked (%1)"_s.arg(
            clause(outcome.errorString)));
    case QKeychain::NoBackendAvailable:
        return unasked(u"no keychain service is running (%1)"_s.arg(clause(outcome.errorString)));
    default:
        break;
    }
#if defined(Q_OS_UNIX) && !defined(Q_OS_DARWIN)
    // GLib's own words ("Cannot autolaunch D-Bus without X11 $DISPLAY") do not say that
    // the Secret Service is reached over the session bus, which GLib finds in this
    // variable or as the socket $XDG_RUNTIME_DIR/bus.
    const QString runtimeDir = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS") &&
        (runtimeDir.isEmpty() || !QFileInfo::exists(runtimeDir + u"/bus"_s)))
        return unasked(
            u"there is no D-Bus session bus to reach a Secret Service on "
            u"(DBUS_SESSION_BUS_ADDRESS is not set: %1)"_s.arg(clause(outcome.errorString)));
    // GLib's words for a bus that is named but gone, and for a bus on which nobody owns
    // the Secret Service's name.
    if (outcome.errorString.startsWith(u"Could not connect"_s))
        return unasked(u"the D-Bus session bus DBUS_SESSION_BUS_ADDRESS names could not be "
                       u"reached (%1)"_s.arg(clause(outcome.errorString)));
    if (outcome.errorString.contains(u"org.freedesktop.secrets"_s))
        return unasked(u"no Secret Service is running on the D-Bus session bus (%1)"_s.arg(
            clause(outcome.errorString)));
#endif
    return unasked(clause(outcome.errorString));
}

// pgpass fields escape their separator and the escape character.
QString pgpassField(QString text) {
    text.replace(u"\\"_s, u"\\\\"_s);
    text.replace(u":"_s, u"\\:"_s);
    return text;
}

QString pgpassLine(const HistoryLocation& location) {
    return u"%1:%2:%3:%4:<password>"_s.arg(pgpassField(location.host))
        .arg(location.port)
        .arg(pgpassField(location.database),
             pgpassField(PostgresKeychain::effectiveUser(location)));
}

} // namespace

QString PostgresKeychain::effectiveUser(const HistoryLocation& location) {
    if (!location.user.isEmpty())
        return location.user;
    const QString fromEnvironment = qEnvironmentVariable("PGUSER");
    return fromEnvironment.isEmpty() ? currentLoginName() : fromEnvironment;
}

QString PostgresKeychain::key(const HistoryLocation& location) {
    const QString host = location.host.contains(u':') ? u'[' + location.host + u']' : location.host;
    return u"%1@%2:%3/%4"_s.arg(effectiveUser(location), host, QString::number(location.port),
                                location.database);
}

Result<std::optional<QString>> PostgresKeychain::lookup(const HistoryLocation& location) {
    const QString entry = key(location);
    JobOutcome outcome = runJob(
        [entry] {
            auto* job = new QKeychain::ReadPasswordJob(kService);
            job->setKey(entry);
            return job;
        },
        kLookupTimeoutMs);
    if (!outcome.answered)
        return Error::make(noAnswer(kLookupTimeoutMs));
    if (outcome.error == QKeychain::NoError && !outcome.text.isEmpty())
        return std::optional<QString>(std::exchange(outcome.text, {}));
    if (outcome.error == QKeychain::NoError || outcome.error == QKeychain::EntryNotFound)
        return std::optional<QString>();
    return Error::make(failure(outcome));
}

Status PostgresKeychain::store(const HistoryLocation& location, const QString& password) {
    const QString entry = key(location);
    const JobOutcome outcome = runJob(
        [entry, password] {
            auto* job = new QKeychain::WritePasswordJob(kService);
            job->setKey(entry);
            job->setTextData(password);
            return job;
        },
        kStoreTimeoutMs);
    if (!outcome.answered)
        return Error::make(noAnswer(kStoreTimeoutMs));
    if (outcome.error != QKeychain::NoError)
        return Error::make(failure(outcome));
    return success();
}

QString PostgresKeychain::noPasswordAdvice(const HistoryLocation& location,
                                           const QString& keychainProblem) {
    const QString command = u"berthctl db-password %1"_s.arg(location.display());
    if (keychainProblem.isEmpty())
        return u"Neither ~/.pgpass, the file PGPASSFILE names nor the system keychain gave a "
               u"password that works: put one in a pgpass file (a line %1) or store it in the "
               u"keychain with `%2`."_s.arg(pgpassLine(location), command);
    return u"%1 Put the password in ~/.pgpass or the file PGPASSFILE names (a line %2), or run "
           u"a Secret Service keychain (GNOME Keyring, KWallet) and store it there with `%3`."_s
               .arg(keychainProblem, pgpassLine(location), command);
}

QString PostgresKeychain::wrongPasswordAdvice(const HistoryLocation& location) {
    return u"The password came from the system keychain: store the right one with "
           u"`berthctl db-password %1`, or put it in ~/.pgpass or the file PGPASSFILE names, "
           u"which Berth tries first."_s.arg(location.display());
}

} // namespace berth
