#include "history/PostgresKeychain.h"

#include "history/HistoryStore.h"

#include <QDeadlineTimer>
#include <QProcess>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

const QString kTool = u"secret-tool"_s;
// A locked keychain asks its owner to unlock it; give a person time to answer. Storing
// is always a person at a terminal, so it may wait longer than a lookup during open().
constexpr int kLookupTimeoutMs = 30000;
constexpr int kStoreTimeoutMs = 120000;
// secret-tool's complaint goes into a message; a runaway one must not flood it.
constexpr qsizetype kMessageLimit = 200;

struct ToolRun {
    int exitCode = -1;
    QByteArray out; // may hold the password: never put into a message
    QString err;    // secret-tool's own complaint, first line
};

QString firstLine(const QByteArray& bytes) {
    QString text = QString::fromUtf8(bytes).trimmed();
    if (const qsizetype newline = text.indexOf(u'\n'); newline >= 0)
        text.truncate(newline);
    if (text.size() > kMessageLimit)
        text = text.left(kMessageLimit) + u"…"_s;
    return text;
}

QString unasked(const QString& why) {
    return u"The system keychain could not be asked: %1."_s.arg(why);
}

Result<ToolRun> runTool(const QStringList& arguments, const QByteArray& input, int timeoutMs) {
    const QString executable = QStandardPaths::findExecutable(kTool);
    if (executable.isEmpty())
        return Error::make(unasked(u"secret-tool (Debian package libsecret-tools) is not "
                                   u"installed"_s));
    QDeadlineTimer deadline(timeoutMs);
    QProcess process;
    process.setProgram(executable);
    process.setArguments(arguments);
    process.start();
    if (!process.waitForStarted(int(deadline.remainingTime())))
        return Error::make(
            unasked(u"secret-tool could not be started (%1)"_s.arg(process.errorString())));
    // secret-tool store takes the secret from stdin, exactly as written (no newline).
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(int(deadline.remainingTime())) &&
        process.state() != QProcess::NotRunning) {
        process.kill();
        process.waitForFinished(1000);
        return Error::make(unasked(u"secret-tool did not answer within %1 seconds (a keychain "
                                   u"waiting to be unlocked?)"_s.arg(timeoutMs / 1000)));
    }
    if (process.exitStatus() != QProcess::NormalExit)
        return Error::make(unasked(u"secret-tool crashed"_s));
    return ToolRun{process.exitCode(), process.readAllStandardOutput(),
                   firstLine(process.readAllStandardError())};
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

QStringList PostgresKeychain::attributes(const HistoryLocation& location) {
    return {u"xdg:schema"_s, kSchema,
            u"host"_s,       location.host,
            u"port"_s,       QString::number(location.port),
            u"user"_s,       effectiveUser(location),
            u"database"_s,   location.database};
}

Result<std::optional<QString>> PostgresKeychain::lookup(const HistoryLocation& location) {
    Result<ToolRun> run =
        runTool(QStringList{u"lookup"_s} + attributes(location), {}, kLookupTimeoutMs);
    if (!run)
        return run.error();
    ToolRun& answer = run.value();
    if (answer.exitCode == 0 && !answer.out.isEmpty()) {
        const QString password = QString::fromUtf8(answer.out);
        answer.out.fill('\0'); // one copy fewer of the secret lying around
        return std::optional<QString>(password);
    }
    // secret-tool says nothing and exits 1 when no entry matches; anything it says is a
    // keychain it could not use (no bus, no Secret Service, locked and not unlocked).
    if (answer.err.isEmpty())
        return std::optional<QString>();
    return Error::make(unasked(answer.err));
}

Status PostgresKeychain::store(const HistoryLocation& location, const QString& password) {
    const QString label = u"Berth: PostgreSQL password for %1@%2:%3/%4"_s.arg(
        effectiveUser(location), location.host, QString::number(location.port), location.database);
    QByteArray secret = password.toUtf8();
    const Result<ToolRun> run =
        runTool(QStringList{u"store"_s, u"--label=%1"_s.arg(label)} + attributes(location), secret,
                kStoreTimeoutMs);
    secret.fill('\0');
    if (!run)
        return run.error();
    if (run->exitCode != 0)
        return Error::make(unasked(
            run->err.isEmpty() ? u"secret-tool store failed with exit code %1"_s.arg(run->exitCode)
                               : run->err));
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
