// berthctl: Berth's operations for scripts, CI pipelines and terminals.

#include "CtlSupport.h"
#include "GitCommands.h"
#include "HistoryCommands.h"
#include "RegistryCommands.h"

#include "git/GitLibrary.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLoggingCategory>
#include <QTimer>

using namespace Qt::StringLiterals;
using namespace berth::ctl;

namespace {

const QString kCommandSummary =
    u"Commands:\n"
    u"  repos <registry>        repositories the registry's catalog lists\n"
    u"  tags <repository>       tags of a repository, with their kinds\n"
    u"  builds <repository>     builds (digests) newest first, with their tags; records them\n"
    u"  record <repository>     observe every tag and store its position in the history\n"
    u"  history <repository> <tag>  every digest the tag has pointed at, newest first\n"
    u"  audit [<repository>]    promotions and rollbacks Berth performed, newest first\n"
    u"  diff <repository> <from> <to> --git <clone>  commits gained and lost between two\n"
    u"                          builds (tags or digests)\n"_s;

using Runner = void (*)(const Invocation&, Finish);

Runner runnerFor(const QString& command) {
    if (command == u"repos"_s)
        return &runRepos;
    if (command == u"tags"_s)
        return &runTags;
    if (command == u"builds"_s)
        return &runBuilds;
    if (command == u"record"_s)
        return &runRecord;
    if (command == u"history"_s)
        return &runHistory;
    if (command == u"audit"_s)
        return &runAudit;
    if (command == u"diff"_s)
        return &runDiff;
    return nullptr;
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const berth::GitLibrary git;
    // Qt 6.4 warns about a null connect inside its own TLS backend lookup; it is noise on
    // every run, and berthctl's stderr is for the user's errors.
    QLoggingCategory::setFilterRules(u"qt.core.qobject.connect.warning=false"_s);
    app.setApplicationName(u"berth"_s);
    app.setApplicationVersion(QStringLiteral(BERTH_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Berth release dashboard, command line.\n\n"_s +
                                     kCommandSummary);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption json(u"json"_s, u"Machine-readable JSON on stdout."_s);
    const QCommandLineOption insecure(u"insecure"_s,
                                      u"Allow plain HTTP and unverified TLS for this registry."_s);
    const QCommandLineOption caFile(u"ca-file"_s, u"Trust the PEM CA certificate(s) in <file>."_s,
                                    u"file"_s);
    const QCommandLineOption concurrency(
        u"concurrency"_s, u"Requests in flight to the registry (default 16)."_s, u"n"_s, u"16"_s);
    const QCommandLineOption database(
        u"db"_s,
        u"History database: an SQLite file path or postgresql://user@host:port/dbname "
        u"(password from ~/.pgpass). Default: $BERTH_DATABASE, else history.sqlite in the "
        u"user's data directory."_s,
        u"location"_s);
    const QCommandLineOption gitClone(
        u"git"_s, u"A local clone of the images' source repository (diff, builds)."_s, u"path"_s);
    parser.addOptions({json, insecure, caFile, concurrency, database, gitClone});
    parser.addPositionalArgument(u"command"_s, u"One of the commands above."_s);
    parser.addPositionalArgument(u"arguments"_s, u"The command's arguments."_s, u"[...]"_s);

    if (!parser.parse(app.arguments())) {
        printError(parser.errorText());
        return ExitUsage;
    }
    if (parser.isSet(u"help"_s)) {
        QTextStream(stdout) << parser.helpText();
        return ExitOk;
    }
    if (parser.isSet(u"version"_s)) {
        parser.showVersion();
    }

    Invocation invocation;
    QStringList positional = parser.positionalArguments();
    if (positional.isEmpty()) {
        printError(u"no command given.\n"_s + kCommandSummary);
        return ExitUsage;
    }
    invocation.command = positional.takeFirst();
    invocation.arguments = positional;
    invocation.json = parser.isSet(json);
    invocation.registry.insecure = parser.isSet(insecure);
    invocation.registry.caFile = parser.value(caFile);
    invocation.gitClone = parser.value(gitClone);
    invocation.database =
        parser.isSet(database) ? parser.value(database) : qEnvironmentVariable("BERTH_DATABASE");
    bool numeric = false;
    invocation.registry.concurrency = parser.value(concurrency).toInt(&numeric);
    if (!numeric || invocation.registry.concurrency < 1 || invocation.registry.concurrency > 256) {
        printError(u"--concurrency takes a number from 1 to 256."_s);
        return ExitUsage;
    }

    const Runner runner = runnerFor(invocation.command);
    if (!runner) {
        printError(u"unknown command \"%1\".\n"_s.arg(invocation.command) + kCommandSummary);
        return ExitUsage;
    }
    int exitCode = ExitFailure;
    QTimer::singleShot(0, &app, [&] {
        runner(invocation, [&exitCode](int code) {
            exitCode = code;
            QCoreApplication::exit(code);
        });
    });
    app.exec();
    return exitCode;
}
