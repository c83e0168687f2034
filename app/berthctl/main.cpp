// berthctl: Berth's operations for scripts, CI pipelines and terminals.

#include "BoardCommands.h"
#include "CtlSupport.h"
#include "GitCommands.h"
#include "HistoryCommands.h"
#include "InsightsCommands.h"
#include "KeychainCommands.h"
#include "LabelsCommands.h"
#include "LintCommands.h"
#include "PolicyCommands.h"
#include "PublishCommands.h"
#include "RedeployCommands.h"
#include "RegistryCommands.h"
#include "ReleaseCommands.h"
#include "RunningCommands.h"
#include "TrainCommands.h"
#include "VerifyCommands.h"

#include "git/GitLibrary.h"
#include "history/HistoryStore.h"
#include "registry/ImageReference.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QThreadPool>
#include <QTimer>

#include <optional>
#include <tuple>

using namespace Qt::StringLiterals;
using namespace berth::ctl;

namespace {

const QString kCommandSummary =
    u"Commands:\n"
    u"  repos <registry>        repositories the registry's catalog lists\n"
    u"  tags <repository>       tags of a repository, with their kinds\n"
    u"  builds <repository>     builds (digests) newest first, with their tags; records them\n"
    u"  record <repository> [--seen-at <time>]  observe every tag and store its position\n"
    u"                          in the history (as seen at <time>, ISO-8601 UTC)\n"
    u"  history <repository> <tag>  every digest the tag has pointed at, newest first\n"
    u"  audit [<repository>]    promotions and rollbacks Berth performed, newest first\n"
    u"  diff <repository> <from> <to> --git <clone>  commits gained and lost between two\n"
    u"                          builds (tags or digests)\n"
    u"  promote <repository> <source> <tag>  point a moving tag (environment, latest,\n"
    u"                          floating version) at the build <source> names\n"
    u"  rollback <repository> <tag> [--to <ref>] [--mark-bad]  put the tag back on the last\n"
    u"                          good build before this one, skipping builds marked bad for\n"
    u"                          it and builds rolled back from\n"
    u"  mark <repository> <ref> good|bad --env <tag>  judge a build for an environment\n"
    u"  policy [--git <clone>]  the tag policy in force (berth.toml at the clone's HEAD,\n"
    u"                          default: the current directory) and where it came from\n"
    u"  labels [--git <clone>] [--format args|json|env] [--require-clean]  the --label\n"
    u"                          arguments for docker/podman/buildah build: revision, date,\n"
    u"                          source, version, branch of the clone's HEAD\n"
    u"  publish <repository> <built-ref> [--version X.Y.Z] [--dry-run]  apply the policy's\n"
    u"                          tag set (short SHA, branch-SHA, version, v2.4, v2, latest) to\n"
    u"                          the build CI pushed (digest or SHA tag); floating tags only\n"
    u"                          move forward, immutable ones are never overwritten\n"
    u"  lint <repository> [--git <clone>]  check the tags and their history against the\n"
    u"                          tag policy; exit 3 when any finding is an error\n"
    u"  board <repository|registry/path/|project>... [--git <clone>]  environments side\n"
    u"                          by side,\n"
    u"                          one row per repository (a path ending in /: every one the\n"
    u"                          catalog lists there): the build each runs, since when, its\n"
    u"                          verdict, and whether it came through the stage before it\n"
    u"  train promote --from <env> --to <env> <repository>...  move many services as one\n"
    u"                          release train, each guarded; one moved meanwhile is refused\n"
    u"  train rollback <train-id>  put every service of a train back where it found it\n"
    u"  train list              release trains, newest first, with each service's outcome\n"
    u"  verify <repository> <tag or digest> --verify-key <pem>...  whether the build's\n"
    u"                          cosign signatures verify with the keys (offline); exit 3\n"
    u"                          when not verified. Keyless signatures: --certificate-authority,\n"
    u"                          --log-key, --certificate-oidc-issuer and --certificate-identity\n"
    u"  running <repository> [--env <tag>] [--hosts env=host[,host]]...  the containers\n"
    u"                          running each environment's builds on its engines (default:\n"
    u"                          $DOCKER_HOST for every environment), and any drift from the tag\n"
    u"  redeploy <repository> <env> [--hosts env=host[,host]]...  replace each running\n"
    u"                          container of the environment's builds with the same container\n"
    u"                          on the build the tag names, engine after engine; a failure\n"
    u"                          puts that container back and stops (promote and rollback do\n"
    u"                          the same after the move with --redeploy)\n"
    u"  insights <repository|project>... [--since D] [--until D] [--env production]\n"
    u"                          [--json | --csv]  the four key delivery metrics from the\n"
    u"                          history: deployment frequency, lead time (with --git or the\n"
    u"                          linked clone), change failure rate, time to restore, by week\n"
    u"  db-password [<postgresql-url>]  store the database's password, read from stdin\n"
    u"                          (not echoed), in the system keychain (default URL: --db)\n"
    u"\nExit codes: 0 ok, 1 operational failure, 2 usage error, 3 refused precondition.\n"_s;

using Runner = void (*)(const Invocation&, Finish);

Runner runnerFor(const QString& command) {
    if (command == u"repos"_s)
        return &runRepos;
    if (command == u"board"_s)
        return &runBoard;
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
    if (command == u"promote"_s)
        return &runPromote;
    if (command == u"rollback"_s)
        return &runRollback;
    if (command == u"mark"_s)
        return &runMark;
    if (command == u"policy"_s)
        return &runPolicy;
    if (command == u"publish"_s)
        return &runPublish;
    if (command == u"labels"_s)
        return &runLabels;
    if (command == u"lint"_s)
        return &runLint;
    if (command == u"train"_s)
        return &runTrain;
    if (command == u"verify"_s)
        return &runVerify;
    if (command == u"running"_s)
        return &runRunning;
    if (command == u"redeploy"_s)
        return &runRedeploy;
    if (command == u"insights"_s)
        return &runInsights;
    if (command == u"db-password"_s)
        return &runDbPassword;
    return nullptr;
}

// ISO-8601 with an explicit UTC designator ("Z" or "+00:00"): a time without one would
// be read in the local zone and land hours off in a shared history. The future is
// refused too (a minute of clock skew allowed), since it would outrank every real read.
std::optional<QDateTime> parseSeenAt(const QString& text) {
    static const QRegularExpression utc(
        u"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|\\+00:?00)$"_s);
    if (!utc.match(text).hasMatch())
        return std::nullopt;
    const QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid() || time.offsetFromUtc() != 0)
        return std::nullopt;
    if (time > QDateTime::currentDateTimeUtc().addSecs(60))
        return std::nullopt;
    return time.toUTC();
}

// A day (2026-03-01, from its start in UTC) or an ISO-8601 UTC time, for a period's bounds.
std::optional<QDateTime> parsePeriodBound(const QString& text) {
    const QDate day = QDate::fromString(text, Qt::ISODate);
    if (day.isValid() && text.size() == 10)
        return QDateTime(day, QTime(0, 0), Qt::UTC);
    static const QRegularExpression utc(
        u"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?(Z|\\+00:?00)$"_s);
    const QDateTime time = QDateTime::fromString(text, Qt::ISODate);
    if (!utc.match(text).hasMatch() || !time.isValid())
        return std::nullopt;
    return time.toUTC();
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    // libgit2 starts at the first clone opened (it parses the system's whole CA bundle when
    // it starts: a command that opens none never pays for it); the guard lets the pool's git
    // walks finish before it shuts libgit2 down.
    const berth::GitLibrary git(QThreadPool::globalInstance());
    // On every way out of main, work still on the pool (history writes) finishes first.
    const auto drainPool = qScopeGuard([] { QThreadPool::globalInstance()->waitForDone(); });
    // Qt 6.4 warns about a null connect inside its own TLS backend lookup; it is noise on
    // every run, and berthctl's stderr is for the user's errors.
    QLoggingCategory::setFilterRules(u"qt.core.qobject.connect.warning=false"_s);
    // The window's names, so the settings it keeps (the board's projects) are these too.
    app.setOrganizationName(u"berth"_s);
    app.setApplicationName(u"berth"_s);
    app.setApplicationVersion(QStringLiteral(BERTH_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Berth release dashboard, command line.\n\n"_s +
                                     kCommandSummary);
    parser.addHelpOption();
    // --version is publish's release version; alone, it is berthctl's own.
    const QStringList arguments = app.arguments();
    if (arguments.size() == 2 &&
        (arguments.at(1) == u"--version"_s || arguments.at(1) == u"-v"_s)) {
        QTextStream(stdout) << "berthctl " << app.applicationVersion() << Qt::endl;
        return ExitOk;
    }
    const QCommandLineOption releaseVersion(
        u"version"_s,
        u"publish: the release version X.Y.Z (default: the release tag on HEAD). Alone: "
        u"print berthctl's version."_s,
        u"X.Y.Z"_s);
    const QCommandLineOption dryRun(u"dry-run"_s,
                                    u"publish: print the plan (tag, now, after, why); change "
                                    u"nothing."_s);
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
        u"(password from ~/.pgpass or the keychain). Default: $BERTH_DATABASE, else history.sqlite "
        u"in the "
        u"user's data directory."_s,
        u"location"_s);
    const QCommandLineOption gitClone(
        u"git"_s,
        u"A local clone of the images' source repository (diff, builds, policy, lint; promote "
        u"and rollback list the commits shipped and lost, and promote follows its stage "
        u"order)."_s,
        u"path"_s);
    const QCommandLineOption seenAt(
        u"seen-at"_s,
        u"record: when the tags were seen, as ISO-8601 UTC (2026-03-01T09:30:00Z), for "
        u"importing past observations. Default: now."_s,
        u"time"_s);
    const QCommandLineOption via(u"via"_s,
                                 u"promote/rollback: retag through the registry API (default) "
                                 u"or a Docker-compatible engine at $DOCKER_HOST."_s,
                                 u"registry|engine"_s);
    const QCommandLineOption expect(
        u"expect"_s,
        u"promote/rollback: refuse unless the tag points at <digest> now (\"none\": the tag "
        u"must not exist)."_s,
        u"digest"_s);
    const QCommandLineOption reason(u"reason"_s, u"Why, for the audit log."_s, u"text"_s);
    const QCommandLineOption rollbackTo(
        u"to"_s, u"rollback: the build to go back to; train promote: the environment to move."_s,
        u"ref"_s);
    const QCommandLineOption trainFrom(
        u"from"_s, u"train promote: the environment whose builds the train ships."_s, u"env"_s);
    const QCommandLineOption environment(
        u"env"_s,
        u"mark: the environment tag judged; insights: the environment measured (default "
        u"production)."_s,
        u"tag"_s);
    const QCommandLineOption since(
        u"since"_s,
        u"insights: the period's start, a day (2026-03-01) or an ISO-8601 UTC time. "
        u"Default: the first observation."_s,
        u"time"_s);
    const QCommandLineOption until(
        u"until"_s, u"insights: the period's end (excluded). Default: now."_s, u"time"_s);
    const QCommandLineOption engineHosts(
        u"hosts"_s,
        u"running: the engines that run an environment, e.g. "
        u"production=unix:///var/run/docker.sock,tcp://prod-2:2376 (TLS from DOCKER_CERT_PATH); "
        u"repeat per environment. Default: $DOCKER_HOST, else the default socket, for every "
        u"environment."_s,
        u"env=host,..."_s);
    const QCommandLineOption redeploy(
        u"redeploy"_s,
        u"promote/rollback: after the move, replace the environment's running containers "
        u"with the same containers on the new build (as berthctl redeploy)."_s);
    const QCommandLineOption stayRunning(
        u"stay-running"_s,
        u"redeploy: how long a new container without a health check must keep running "
        u"before the old one is removed (default 10)."_s,
        u"seconds"_s, u"10"_s);
    const QCommandLineOption healthTimeout(
        u"health-timeout"_s,
        u"redeploy: how long a new container with a health check has to become healthy "
        u"(default 120)."_s,
        u"seconds"_s, u"120"_s);
    const QCommandLineOption stopTimeout(
        u"stop-timeout"_s,
        u"redeploy: how long the old container gets to stop before it is killed (default 10)."_s,
        u"seconds"_s, u"10"_s);
    const QCommandLineOption csv(u"csv"_s, u"insights: the weeks as CSV on stdout."_s);
    const QCommandLineOption failureWindow(
        u"failure-window"_s,
        u"insights: a rollback or bad verdict this many days after a deployment makes it a "
        u"failure (default 7)."_s,
        u"days"_s, u"7"_s);
    const QCommandLineOption yes(
        u"yes"_s, u"promote/rollback: do not ask for confirmation on the terminal (with --git, "
                  u"the plan is still shown)."_s);
    const QCommandLineOption markBad(
        u"mark-bad"_s, u"rollback: mark the build being left bad for the tag (with --reason), "
                       u"then roll back."_s);
    const QCommandLineOption actor(
        u"actor"_s,
        u"Record actions and verdicts under <name> (e.g. a CI job's URL). Default: "
        u"$BERTH_ACTOR, else the login name."_s,
        u"name"_s);
    const QCommandLineOption allowPartial(
        u"allow-partial"_s, u"record/builds: exit 0 when some tags could not be read (never when "
                            u"none could)."_s);
    const QCommandLineOption format(u"format"_s, u"labels: args (default), json or env."_s,
                                    u"format"_s);
    const QCommandLineOption differs(
        u"differs"_s,
        u"board: only the rows where two environments run different builds, e.g. "
        u"staging,production."_s,
        u"env,env"_s);
    const QCommandLineOption full(
        u"full"_s,
        u"board: ask the registry about every tag (default: the tags that can move, and the "
        u"immutable ones not checked for an hour or due in the rolling sweep)."_s);
    const QCommandLineOption requireClean(
        u"require-clean"_s,
        u"labels: refuse (exit 3) when tracked files have uncommitted changes."_s);
    const QCommandLineOption verifyKey(
        u"verify-key"_s,
        u"verify: a PEM public key (ECDSA P-256/P-384, RSA, Ed25519) signatures may verify "
        u"with; repeat for several."_s,
        u"pem"_s);
    const QCommandLineOption certificateAuthority(
        u"certificate-authority"_s,
        u"verify: PEM root certificates a keyless signature's certificate must chain to "
        u"(Fulcio's); repeat for several."_s,
        u"pem"_s);
    const QCommandLineOption logKey(
        u"log-key"_s,
        u"verify: a transparency log's PEM public key (Rekor's) the signed entry timestamp of "
        u"a keyless signature must verify with; repeat for several."_s,
        u"pem"_s);
    const QCommandLineOption certificateIssuer(
        u"certificate-oidc-issuer"_s,
        u"verify: the OIDC issuer a keyless signature's certificate must name."_s, u"url"_s);
    const QCommandLineOption certificateIdentity(
        u"certificate-identity"_s,
        u"verify: the subject (email or URI) a keyless signature's certificate must name; "
        u"repeat for several."_s,
        u"subject"_s);
    const QCommandLineOption certificateIdentityPattern(
        u"certificate-identity-regexp"_s,
        u"verify: a regular expression the whole subject must match, instead of "
        u"--certificate-identity."_s,
        u"expression"_s);
    parser.addOptions({json,
                       insecure,
                       caFile,
                       concurrency,
                       database,
                       gitClone,
                       seenAt,
                       via,
                       expect,
                       reason,
                       rollbackTo,
                       environment,
                       yes,
                       markBad,
                       actor,
                       allowPartial,
                       format,
                       requireClean,
                       releaseVersion,
                       dryRun,
                       differs,
                       full,
                       trainFrom,
                       verifyKey,
                       since,
                       until,
                       csv,
                       failureWindow,
                       engineHosts,
                       redeploy,
                       stayRunning,
                       healthTimeout,
                       stopTimeout,
                       certificateAuthority,
                       logKey,
                       certificateIssuer,
                       certificateIdentity,
                       certificateIdentityPattern});
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
    // The policy lives in the service's own repository, where a pipeline already stands.
    if (invocation.gitClone.isEmpty() &&
        (invocation.command == u"policy"_s || invocation.command == u"labels"_s ||
         invocation.command == u"publish"_s || invocation.command == u"lint"_s))
        invocation.gitClone = QDir::currentPath();
    invocation.database =
        parser.isSet(database) ? parser.value(database) : qEnvironmentVariable("BERTH_DATABASE");
    invocation.via = parser.value(via);
    if (parser.isSet(expect)) {
        const QString expected = parser.value(expect);
        if (expected != u"none"_s && !berth::isValidDigest(expected)) {
            printError(
                u"--expect takes a digest (sha256:…) or \"none\", not \"%1\"."_s.arg(expected));
            return ExitUsage;
        }
        invocation.expect = expected == u"none"_s ? QString() : expected;
    }
    invocation.reason = parser.value(reason);
    invocation.rollbackTo = parser.value(rollbackTo);
    invocation.trainFrom = parser.value(trainFrom);
    invocation.environment = parser.value(environment);
    invocation.assumeYes = parser.isSet(yes);
    invocation.markBad = parser.isSet(markBad);
    invocation.allowPartial = parser.isSet(allowPartial);
    invocation.format = parser.value(format);
    invocation.requireClean = parser.isSet(requireClean);
    invocation.full = parser.isSet(full);
    if (parser.isSet(differs))
        invocation.differs = parser.value(differs).split(u',');
    invocation.releaseVersion = parser.value(releaseVersion);
    invocation.dryRun = parser.isSet(dryRun);
    invocation.verifyKeys = parser.values(verifyKey);
    invocation.certificateAuthorities = parser.values(certificateAuthority);
    invocation.logKeys = parser.values(logKey);
    invocation.certificateIssuer = parser.value(certificateIssuer);
    invocation.certificateIdentities = parser.values(certificateIdentity);
    invocation.certificateIdentityPattern = parser.value(certificateIdentityPattern);
    invocation.csv = parser.isSet(csv);
    invocation.engineHosts = parser.values(engineHosts);
    invocation.redeploy = parser.isSet(redeploy);
    for (const auto& [option, seconds, maximum] :
         {std::tuple{&stayRunning, &invocation.stayRunningSeconds, 3600},
          std::tuple{&healthTimeout, &invocation.healthTimeoutSeconds, 3600},
          std::tuple{&stopTimeout, &invocation.stopTimeoutSeconds, 600}}) {
        bool isNumber = false;
        *seconds = parser.value(*option).toInt(&isNumber);
        if (!isNumber || *seconds < 0 || *seconds > maximum) {
            printError(u"--%1 takes a number of seconds from 0 to %2."_s.arg(
                option->names().constFirst(), QString::number(maximum)));
            return ExitUsage;
        }
    }
    for (const auto& [option, bound] :
         {std::pair{&since, &invocation.since}, std::pair{&until, &invocation.until}}) {
        if (!parser.isSet(*option))
            continue;
        const std::optional<QDateTime> time = parsePeriodBound(parser.value(*option));
        if (!time) {
            printError(u"--%1 takes a day (2026-03-01) or an ISO-8601 UTC time "
                       u"(2026-03-01T09:30:00Z), not \"%2\"."_s.arg(option->names().constFirst(),
                                                                    parser.value(*option)));
            return ExitUsage;
        }
        *bound = *time;
    }
    bool windowIsNumber = false;
    const int windowDays = parser.value(failureWindow).toInt(&windowIsNumber);
    if (!windowIsNumber || windowDays < 1 || windowDays > 365) {
        printError(u"--failure-window takes a number of days from 1 to 365."_s);
        return ExitUsage;
    }
    invocation.failureWindowSeconds = qint64(windowDays) * 24 * 3600;
    if (parser.isSet(actor)) {
        if (parser.value(actor).trimmed().isEmpty()) {
            printError(u"--actor takes a name, e.g. --actor \"$CI_JOB_URL\"."_s);
            return ExitUsage;
        }
        berth::setActorOverride(parser.value(actor));
    }
    bool numeric = false;
    invocation.registry.concurrency = parser.value(concurrency).toInt(&numeric);
    if (!numeric || invocation.registry.concurrency < 1 ||
        invocation.registry.concurrency > berth::RegistryOptions::kMaxConcurrency) {
        printError(u"--concurrency takes a number from 1 to %1."_s.arg(
            berth::RegistryOptions::kMaxConcurrency));
        return ExitUsage;
    }

    if (parser.isSet(seenAt)) {
        if (invocation.command != u"record"_s) {
            printError(u"--seen-at only applies to record."_s);
            return ExitUsage;
        }
        const std::optional<QDateTime> time = parseSeenAt(parser.value(seenAt));
        if (!time) {
            printError(u"--seen-at takes an ISO-8601 UTC time no later than now, e.g. "
                       u"2026-03-01T09:30:00Z; \"%1\" is not one."_s.arg(parser.value(seenAt)));
            return ExitUsage;
        }
        invocation.seenAt = *time;
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
