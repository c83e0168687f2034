#include "PublishCommands.h"

#include "HistoryCommands.h"

#include "git/BuildLabels.h"
#include "registry/ImageReference.h"
#include "registry/RegistryClient.h"
#include "release/Publisher.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

using namespace Qt::StringLiterals;

namespace berth::ctl {

namespace {

// Who published, when the pipeline gives no --reason: the job's own address, so an audit
// row leads back to the log of the run that wrote it.
QString ciIdentity() {
    if (const QString gitlab = qEnvironmentVariable("CI_JOB_URL"); !gitlab.isEmpty())
        return gitlab;
    const QString server = qEnvironmentVariable("GITHUB_SERVER_URL");
    const QString repository = qEnvironmentVariable("GITHUB_REPOSITORY");
    const QString run = qEnvironmentVariable("GITHUB_RUN_ID");
    if (!server.isEmpty() && !repository.isEmpty() && !run.isEmpty())
        return u"%1/%2/actions/runs/%3"_s.arg(server, repository, run);
    return qEnvironmentVariable("BUILD_URL"); // Jenkins
}

struct PublishSession {
    std::shared_ptr<HistorySession> history;
    RegistryClient* client = nullptr;
    Publisher* publisher = nullptr;
};

void report(const Invocation& invocation, const PublishOutcome& outcome) {
    const PublishPlan& plan = outcome.plan;
    if (invocation.json) {
        QJsonObject object = plan.toJson();
        object.insert(u"dryRun"_s, invocation.dryRun);
        object.insert(u"applied"_s, QJsonArray::fromStringList(outcome.applied));
        object.insert(u"failed"_s, QJsonArray::fromStringList(outcome.failed));
        QJsonArray ids;
        for (const qint64 id : outcome.actionIds)
            ids.append(id);
        object.insert(u"actionIds"_s, ids);
        printJson(object);
        return;
    }
    QTextStream(stdout) << plan.text();
    if (plan.refused() || invocation.dryRun)
        return;
    if (!outcome.applied.isEmpty()) {
        QStringList ids;
        for (const qint64 id : outcome.actionIds)
            ids.append(u"#"_s + QString::number(id));
        printLine(
            u"Applied %1 (audit %2)."_s.arg(outcome.applied.join(u", "_s), ids.join(u", "_s)));
    } else if (outcome.failed.isEmpty()) {
        printLine(u"Nothing to do: every tag of the set is already where the policy puts it."_s);
    }
    for (const QString& failure : outcome.failed)
        printError(failure);
}

} // namespace

void runPublish(const Invocation& invocation, Finish finish) {
    if (invocation.arguments.size() != 2) {
        printError(u"publish takes <repository> <built-ref>: the repository and the build CI "
                   u"pushed (its digest or the tag it was pushed under)."_s);
        return finish(ExitUsage);
    }
    const std::optional<ImageReference> repository =
        parseRepository(invocation.command, invocation.arguments.at(0));
    if (!repository)
        return finish(ExitUsage);
    const QString builtRef = invocation.arguments.at(1);
    if (!isValidDigest(builtRef) && !isValidTag(builtRef)) {
        printError(u"\"%1\" is neither a digest (sha256:…) nor a tag."_s.arg(builtRef));
        return finish(ExitUsage);
    }
    std::optional<SemanticVersion> version;
    if (!invocation.releaseVersion.isEmpty()) {
        version = SemanticVersion::parse(invocation.releaseVersion);
        if (!version) {
            printError(u"--version takes an exact version, 2.4.1 or v2.4.1 (a pre-release: "
                       u"3.0.0-rc.1), not \"%1\"."_s.arg(invocation.releaseVersion));
            return finish(ExitUsage);
        }
    }

    const Result<TagPolicy> policy = readTagPolicy(invocation.gitClone);
    if (!policy) {
        printError(policy.errorMessage());
        return finish(ExitFailure);
    }
    // The build's revision label is what ties it to HEAD; uncommitted changes in the
    // clone publish nothing, so the work tree is not walked.
    const Result<BuildLabels> head = readBuildLabels(
        invocation.gitClone, [](const char* name) { return qEnvironmentVariable(name); },
        WorkTreeCheck::Skip);
    if (!head) {
        printError(head.errorMessage());
        return finish(ExitFailure);
    }
    const QString tagOnHead = head->value(u"org.opencontainers.image.version"_s);
    if (!version && !tagOnHead.isEmpty())
        version = SemanticVersion::parse(tagOnHead);
    else if (version && !tagOnHead.isEmpty() && *SemanticVersion::parse(tagOnHead) != *version)
        printWarning(u"--version %1 differs from the release tag %2 on HEAD; publishing %1."_s.arg(
            version->text(), tagOnHead));

    int exitCode = ExitOk;
    auto session = std::make_shared<PublishSession>();
    session->history = openHistory(invocation, &exitCode, HistoryAccess::Write);
    if (!session->history)
        return finish(exitCode);
    session->client = new RegistryClient(repository->domain(), invocation.registry, qApp);
    session->publisher = new Publisher(session->client, &session->history->store, qApp);
    if (!invocation.json)
        QObject::connect(
            session->publisher, &Publisher::stepStarted, qApp,
            [](const QString& step) { QTextStream(stderr) << step << "…" << Qt::endl; });

    PublishRequest request;
    request.registry = repository->domain();
    request.repository = repository->path();
    request.builtRef = builtRef;
    request.subject.commit = head->value(u"org.opencontainers.image.revision"_s);
    request.subject.branch = head->value(u"git.branch"_s);
    request.subject.version = version;
    request.policy = policy.value();
    const QString ci = ciIdentity();
    request.reason = !invocation.reason.isEmpty() ? invocation.reason
                     : !ci.isEmpty()              ? u"published by %1"_s.arg(ci)
                                                  : u"berthctl publish"_s;
    request.dryRun = invocation.dryRun;
    session->publisher->run(
        request, qApp, [session, invocation, finish](Result<PublishOutcome> outcome) {
            if (!outcome) {
                printError(outcome.errorMessage());
                return finish(outcome.error().outcome == Outcome::Refused ? ExitRefused
                                                                          : ExitFailure);
            }
            report(invocation, outcome.value());
            if (outcome->plan.refused())
                return finish(ExitRefused);
            finish(outcome->failed.isEmpty() ? ExitOk : ExitFailure);
        });
}

} // namespace berth::ctl
