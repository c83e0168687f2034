#include "insights/InsightsReader.h"

#include "git/CommitResolver.h"
#include "git/GitRepository.h"
#include "history/HistoryStore.h"
#include "registry/BuildCollector.h"
#include "registry/ImageReference.h"
#include "registry/TagClassifier.h"

#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;

namespace berth {

Result<InsightsInput> readInsightsInput(HistoryStore& store, const QString& repository,
                                        const QString& environment) {
    const Result<ImageReference> reference = ImageReference::parse(repository);
    if (!reference)
        return reference.error();
    const QString registry = reference->domain();
    const QString path = reference->path();
    InsightsInput input;
    input.repository = reference->repository();

    Result<QList<TagPosition>> positions = store.tagHistory(registry, path, environment);
    if (!positions)
        return positions.error();
    input.positions = std::move(positions).value();
    Result<QList<Action>> actions = store.actions(ActionFilter::ofRepository(registry, path));
    if (!actions)
        return actions.error();
    input.actions = std::move(actions).value();
    Result<QList<Verdict>> verdicts = store.verdicts(registry, path);
    if (!verdicts)
        return verdicts.error();
    input.verdicts = std::move(verdicts).value();

    // The revision each build names, as the timeline reads it: its labels, else its SHA tags.
    const Result<QHash<QString, QMap<QString, QString>>> labels =
        store.labelsOfBuildsTagged(registry, path, environment);
    if (!labels)
        return labels.error();
    const Result<QMap<QString, QStringList>> tags = store.tagsByDigest(registry, path);
    if (!tags)
        return tags.error();
    const TagClassifier classifier;
    for (const TagPosition& position : std::as_const(input.positions)) {
        if (input.revisions.contains(position.digest))
            continue;
        input.revisions.insert(position.digest,
                               revisionOf(labels->value(position.digest),
                                          classifier.classifyAll(tags->value(position.digest))));
    }
    return input;
}

Result<ShippedCommitsOf> shippedCommitsIn(const QString& clonePath, const QStringList& revisions) {
    Result<GitRepository> repository = GitRepository::open(clonePath);
    if (!repository)
        return repository.error();
    auto resolver = std::make_shared<CommitResolver>(repository.value());
    auto walker = std::make_shared<ShippedCommits>(repository.value());
    // A full id the walk already read needs no lookup of its own.
    const auto idOf = [resolver, walker](const QString& revision) -> Result<GitOid> {
        if (const std::optional<GitOid> full = GitOid::fromHex(revision.trimmed().toLower());
            full && walker->knows(*full))
            return *full;
        return resolver->resolveId(revision);
    };
    QList<GitOid> tips;
    for (const QString& revision : revisions) {
        const std::optional<GitOid> full = GitOid::fromHex(revision.trimmed().toLower());
        if (full)
            tips.append(*full);
        else if (const Result<GitOid> id = resolver->resolveId(revision))
            tips.append(*id);
    }
    walker->prefetch(tips);
    return ShippedCommitsOf(
        [idOf, walker](const QString& revision) -> Result<QList<ShippedCommit>> {
            const Result<GitOid> id = idOf(revision);
            if (!id)
                return id.error();
            return walker->shippedBy(*id);
        });
}

Result<InsightsReport> readInsights(HistoryStore& store, const QString& repository,
                                    const InsightsOptions& options, const QString& clonePath) {
    return readPooledInsights(store, {repository}, options,
                              [&clonePath](const QString&) { return clonePath; });
}

Result<InsightsReport> readPooledInsights(HistoryStore& store, const QStringList& repositories,
                                          InsightsOptions options,
                                          const std::function<QString(const QString&)>& cloneOf) {
    QList<InsightsInput> inputs;
    for (const QString& repository : repositories) {
        Result<InsightsInput> input = readInsightsInput(store, repository, options.environment);
        if (!input)
            return Error::make(u"%1: %2"_s.arg(repository, input.errorMessage()));
        inputs.append(std::move(input).value());
    }
    if (!options.until.isValid())
        options.until = QDateTime::currentDateTimeUtc();
    if (!options.since.isValid() && inputs.size() > 1) {
        for (const InsightsInput& input : std::as_const(inputs))
            for (const TagPosition& position : input.positions)
                if (!options.since.isValid() || position.firstSeen < options.since)
                    options.since = position.firstSeen.toUTC();
    }
    QList<InsightsReport> reports;
    for (const InsightsInput& input : std::as_const(inputs)) {
        ShippedCommitsOf shipped;
        if (const QString clone = cloneOf(input.repository); !clone.isEmpty()) {
            // In the order the environment first ran them: the read-ahead splits them so.
            QList<TagPosition> positions = input.positions;
            std::sort(positions.begin(), positions.end(),
                      [](const TagPosition& a, const TagPosition& b) {
                          return a.firstSeen < b.firstSeen;
                      });
            QStringList revisions;
            for (const TagPosition& position : std::as_const(positions))
                if (const QString revision = input.revisions.value(position.digest);
                    !revision.isEmpty())
                    revisions.append(revision);
            revisions.removeDuplicates();
            Result<ShippedCommitsOf> fromClone = shippedCommitsIn(clone, revisions);
            if (!fromClone)
                return Error::make(u"%1: %2"_s.arg(input.repository, fromClone.errorMessage()));
            shipped = std::move(fromClone).value();
        }
        reports.append(computeInsights(input, options, shipped));
    }
    return reports.size() == 1 ? reports.constFirst() : combineInsights(reports);
}

} // namespace berth
