#pragma once

// What every berthctl command shares: exit codes, parsed global options, output.

#include "registry/ImageReference.h"
#include "registry/RegistryOptions.h"

#include <QDateTime>
#include <QJsonValue>
#include <QStringList>

#include <functional>
#include <optional>

namespace berth {
class RegistryClient;
}

namespace berth::ctl {

// Documented in the README; scripts rely on them.
enum ExitCode : int {
    ExitOk = 0,
    ExitFailure = 1, // network, registry or database failure
    ExitUsage = 2,   // bad command line or malformed reference
    ExitRefused = 3, // a precondition refused the operation
};

struct Invocation {
    QString command;
    QStringList arguments; // positional arguments after the command
    bool json = false;
    RegistryOptions registry;
    QString database; // --db, else BERTH_DATABASE, else empty (the default SQLite file)
    QString gitClone; // --git: a local clone of the images' source repository
    // promote, rollback, mark
    QString via;                   // --via registry|engine (empty: registry)
    std::optional<QString> expect; // --expect <digest|none>: where the tag must point now
    QString reason;                // --reason
    QString rollbackTo;            // --to: rollback's build; train promote's target environment
    QString trainFrom;             // --from: train promote's source environment
    QString environment;           // --env, for mark
    bool assumeYes = false;        // --yes: no confirmation prompt
    bool markBad = false;          // --mark-bad (rollback): mark the build left bad first
    QDateTime seenAt;          // --seen-at (record): when the observation happened, UTC; else now
    bool allowPartial = false; // --allow-partial (record, builds): some unread tags exit 0
    // labels
    QString format;            // --format args|json|env (empty: args)
    bool requireClean = false; // --require-clean: uncommitted changes refuse
    // board
    QStringList differs; // --differs a,b: only rows where environments a and b differ
    bool full = false;   // --full: ask about every tag, the immutable ones too
    // publish
    QString releaseVersion; // --version X.Y.Z (empty: the release tag on HEAD, if any)
    bool dryRun = false;    // --dry-run: print the plan, change nothing
    // running, redeploy
    QStringList engineHosts;        // --hosts env=host[,host], one per environment
    bool redeploy = false;          // --redeploy (promote, rollback): then redeploy the tag's hosts
    int stayRunningSeconds = 10;    // --stay-running: a new container without a health check
    int healthTimeoutSeconds = 120; // --health-timeout: a new container with one
    int stopTimeoutSeconds = 10;    // --stop-timeout: what the old container gets to stop
    // insights
    QDateTime since;                             // --since, UTC; invalid: the first observation
    QDateTime until;                             // --until, UTC; invalid: now
    bool csv = false;                            // --csv: the weeks as CSV
    qint64 failureWindowSeconds = 7 * 24 * 3600; // --failure-window <days>
    // verify
    QStringList verifyKeys; // --verify-key <pem>, each a public key signatures may verify with
    // keyless signatures (verify, and the gate of promote and rollback)
    QStringList certificateAuthorities; // --certificate-authority <pem>: roots to chain to
    QStringList logKeys;                // --log-key <pem>: transparency-log keys
    QString certificateIssuer;          // --certificate-oidc-issuer <url>
    QStringList certificateIdentities;  // --certificate-identity <subject>, exact
    QString certificateIdentityPattern; // --certificate-identity-regexp <expression>
};

using Finish = std::function<void(int exitCode)>;

void printError(const QString& message);
// A repository argument (registry/path, no tag or digest); says what is wrong otherwise.
std::optional<ImageReference> parseRepository(const QString& command, const QString& text);
// The command's only argument, a repository.
std::optional<ImageReference> soleRepositoryArgument(const Invocation& invocation);
void printWarning(const QString& message);
// A client of the registry `domain` with the invocation's options, living as long as the
// process; its warnings go to stderr.
RegistryClient* makeClient(const QString& domain, const Invocation& invocation);
void printJson(const QJsonValue& value);
void printLine(const QString& line);
// Columns padded to their widest cell; the last column is never padded.
void printTable(const QStringList& header, const QList<QStringList>& rows);

} // namespace berth::ctl
