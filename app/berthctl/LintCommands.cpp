#include "LintCommands.h"

#include "HistoryCommands.h"

#include "policy/TagLint.h"
#include "registry/RegistryClient.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace berth::ctl {

namespace {

QJsonValue jsonTime(const QDateTime& time) {
    return time.isValid() ? QJsonValue(time.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
}

QJsonObject findingToJson(const TagLintFinding& finding) {
    QJsonArray moves;
    for (const TagLintMove& move : finding.moves)
        moves.append(QJsonObject{{u"tag"_s, move.tag},
                                 {u"when"_s, jsonTime(move.when)},
                                 {u"fromDigest"_s, move.fromDigest},
                                 {u"toDigest"_s, move.toDigest},
                                 {u"observedBy"_s, move.observedBy},
                                 {u"audited"_s, move.audited}});
    QJsonObject object{{u"code"_s, tagLintCodeName(finding.code)},
                       {u"severity"_s, tagLintSeverityName(finding.severity)},
                       {u"tags"_s, QJsonArray::fromStringList(finding.tags)},
                       {u"digests"_s, QJsonArray::fromStringList(finding.digests)},
                       {u"setting"_s, finding.setting},
                       {u"rule"_s, finding.rule}};
    if (!moves.isEmpty())
        object.insert(u"moves"_s, moves);
    return object;
}

// The builds and tags a finding concerns, short: "v1.2 latest @ 3f2a9c1d0b4e,7c1e…".
QString concerns(const TagLintFinding& finding) {
    QStringList digests;
    for (const QString& digest : finding.digests)
        digests.append(digest.section(u':', 1).left(12));
    return finding.tags.join(u' ') + u" @ "_s + digests.join(u',');
}

void report(const Invocation& invocation, const ImageReference& repository, const TagPolicy& policy,
            const QList<TagLintFinding>& findings) {
    const auto errors = std::count_if(findings.cbegin(), findings.cend(), [](const auto& finding) {
        return finding.severity == TagLintSeverity::Error;
    });
    const qsizetype warnings = findings.size() - errors;
    if (invocation.json) {
        QJsonArray array;
        for (const TagLintFinding& finding : findings)
            array.append(findingToJson(finding));
        printJson(QJsonObject{{u"repository"_s, repository.toString()},
                              {u"policy"_s, policy.origin},
                              {u"errors"_s, qint64(errors)},
                              {u"warnings"_s, qint64(warnings)},
                              {u"findings"_s, array}});
        return;
    }
    for (const TagLintFinding& finding : findings)
        printLine(u"%1 %2 %3: %4"_s.arg(tagLintSeverityName(finding.severity),
                                        tagLintCodeName(finding.code), concerns(finding),
                                        finding.rule));
    printLine(findings.isEmpty()
                  ? u"%1 follows its tag policy (%2)."_s.arg(repository.toString(), policy.origin)
                  : u"%1: %2 errors, %3 warnings against the tag policy (%4)."_s
                        .arg(repository.toString())
                        .arg(errors)
                        .arg(warnings)
                        .arg(policy.origin));
}

} // namespace

void runLint(const Invocation& invocation, Finish finish) {
    const std::optional<ImageReference> repository = soleRepositoryArgument(invocation);
    if (!repository)
        return finish(ExitUsage);
    const Result<TagPolicy> policy = readTagPolicy(invocation.gitClone);
    if (!policy) {
        printError(policy.errorMessage());
        return finish(ExitFailure);
    }
    auto* client = new RegistryClient(repository->domain(), invocation.registry, qApp);
    QObject::connect(client, &RegistryClient::registryWarning, qApp, &printWarning);
    // Recorded before it is linted: a tag that moved since the last read is in the
    // history by the time the history is read, so this run already reports it.
    collectAndRecord(
        invocation, *repository, client, HistoryAccess::Read, finish,
        [invocation, finish, repository = *repository,
         policy = policy.value()](const RecordedCollection& recorded) {
            for (const QString& warning : recorded.collection.warnings)
                printWarning(warning);
            // Linting a partial read would call a floating tag behind a release it missed.
            if (const int outcome =
                    readOutcome(invocation, repository.repository(), recorded.collection);
                outcome != ExitOk)
                return finish(outcome);
            int exitCode = ExitFailure;
            const std::shared_ptr<HistorySession> session = openHistory(invocation, &exitCode);
            if (!session)
                return finish(exitCode);
            const Result<QList<TagPosition>> positions =
                session->store.positionsOfRepository(repository.domain(), repository.path());
            if (!positions) {
                printError(positions.error().message);
                return finish(ExitFailure);
            }
            const Result<QList<Action>> actions = session->store.actions(
                ActionFilter::ofRepository(repository.domain(), repository.path()));
            if (!actions) {
                printError(actions.error().message);
                return finish(ExitFailure);
            }
            const QList<TagLintFinding> findings =
                lintTags(policy, recorded.collection.builds, positions.value(), actions.value());
            report(invocation, repository, policy, findings);
            finish(hasLintErrors(findings) ? ExitRefused : ExitOk);
        });
}

} // namespace berth::ctl
