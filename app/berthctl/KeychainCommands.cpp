#include "KeychainCommands.h"

#include "history/HistoryLocation.h"
#include "history/PostgresKeychain.h"

#include <QTextStream>

#include <termios.h>
#include <unistd.h>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace berth::ctl {

namespace {

// Turns the terminal's echo off for as long as it lives, so the password typed is
// never shown (nor left in a terminal's scrollback).
class EchoOff {
public:
    EchoOff() {
        if (tcgetattr(STDIN_FILENO, &m_saved) != 0)
            return;
        termios quiet = m_saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        quiet.c_lflag |= ECHONL; // the Enter still moves to a new line
        m_active = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
    }
    ~EchoOff() {
        if (m_active)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &m_saved);
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

private:
    termios m_saved{};
    bool m_active = false;
};

// One line from stdin, without its line ending. On a terminal it prompts on stderr
// with echo off; from a pipe (CI, a secret manager) it reads the first line silently.
QString readPassword(const QString& prompt) {
    QTextStream in(stdin);
    if (!isatty(STDIN_FILENO))
        return in.readLine();
    // Echo goes off before the prompt shows, so nothing typed after it is ever echoed.
    const EchoOff quiet;
    QTextStream(stderr) << prompt << Qt::flush;
    return in.readLine();
}

} // namespace

void runDbPassword(const Invocation& invocation, Finish finish) {
    if (invocation.arguments.size() > 1) {
        printError(u"db-password takes one PostgreSQL URL, e.g. "
                   u"postgresql://berth@db.internal:5432/berth."_s);
        return finish(ExitUsage);
    }
    const QString text =
        invocation.arguments.isEmpty() ? invocation.database : invocation.arguments.first();
    const Result<HistoryLocation> parsed = HistoryLocation::parse(text);
    if (!parsed) {
        printError(parsed.error().message);
        return finish(ExitUsage);
    }
    if (!parsed->isPostgres()) {
        printError(u"db-password needs a PostgreSQL URL (postgresql://user@host:port/dbname), "
                   u"given as its argument or with --db; an SQLite file needs no password."_s);
        return finish(ExitUsage);
    }
    // The entry is keyed by the user libpq will log in as, so say which one that is.
    HistoryLocation keyed = parsed.value();
    keyed.user = PostgresKeychain::effectiveUser(keyed);

    const QString password = readPassword(u"Password for %1: "_s.arg(keyed.display()));
    if (password.isEmpty()) {
        printError(u"no password was given on standard input; nothing was stored."_s);
        return finish(ExitUsage);
    }
    const Status stored = PostgresKeychain::store(keyed, password);
    if (!stored) {
        printError(stored.error().message +
                   u" Nothing was stored; put the password in ~/.pgpass or the file "
                   u"PGPASSFILE names instead."_s);
        return finish(ExitFailure);
    }
    printLine(u"Stored the password for %1 in the system keychain (service \"%2\", key %3)."_s.arg(
        keyed.display(), PostgresKeychain::kService, PostgresKeychain::key(keyed)));
    finish(ExitOk);
}

} // namespace berth::ctl
