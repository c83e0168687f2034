#include "GitCommands.h"

#include "core/WhenFinished.h"
#include "git/CommitResolver.h"
#include "git/GitError.h"
#include "git/RevisionDiff.h"
#include "registry/BuildCollector.h"
#include "registry/ImageReference.h"
#include "registry/RegistryClient.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace berth::ctl {

namespace {

struct DiffEnd {
    QString ref;
    const Build* build = nullptr;
};

// A tag or a digest of the collected repository, or an explanation on stderr.
std::optional<DiffEnd> findBuild(const BuildCollection& collection, const QString& ref) {
    QString digest = ref;
    if (!ref.contains(u':')) {
        digest = collection.tagDigests.value(ref);
        if (digest.isEmpty()) {
            printError(u"%1 has no tag \"%2\"."_s.arg(collection.repository, ref));
            return std::nullopt;
        }
    }
    for (const Build& build : collection.builds) {
        if (build.digest == digest) {
            if (build.revision.isEmpty()) {
                printError(u"The build %1 (%2) names no commit: it has no "
                           u"org.opencontainers.image.revision label, SHA tag or branch-SHA "
                           u"tag."_s.arg(ref, digest));
                return std::nullopt;
            }
            return DiffEnd{ref, &build};
        }
    }
    printError(u"%1 has no build %2 under any tag."_s.arg(collection.repository, digest));
    return std::nullopt;
}

QJsonObject commitJson(const CommitInfo& commit) {
    return QJsonObject{{u"id"_s, commit.id},
                       {u"shortId"_s, commit.shortId},
                       {u"summary"_s, commit.summary},
                       {u"author"_s, commit.authorName},
                       {u"authorEmail"_s, commit.authorEmail},
                       {u"date"_s, commit.time.toString(Qt::ISODate)}};
}

QJsonObject listJson(const CommitList& list) {
    QJsonArray commits;
    for (const CommitInfo& commit : list.commits)
        commits.append(commitJson(commit));
    return QJsonObject{
        {u"count"_s, list.totalCount}, {u"truncated"_s, list.truncated()}, {u"commits"_s, commits}};
}

QJsonObject endJson(const DiffEnd& end, const CommitInfo& commit) {
    return QJsonObject{{u"ref"_s, end.ref},
                       {u"digest"_s, end.build->digest},
                       {u"revision"_s, end.build->revision},
                       {u"commit"_s, commitJson(commit)}};
}

void printList(const QString& title, const CommitList& list) {
    printLine(
        u"%1: %2 commit(s)%3"_s.arg(title)
            .arg(list.totalCount)
            .arg(list.truncated() ? u", first %1 shown"_s.arg(list.commits.size()) : QString()));
    if (list.commits.isEmpty())
        return;
    QList<QStringList> rows;
    for (const CommitInfo& commit : list.commits)
        rows.append({commit.shortId, commit.time.toString(u"yyyy-MM-dd HH:mm"_s), commit.authorName,
                     commit.summary});
    printTable({u"COMMIT"_s, u"DATE"_s, u"AUTHOR"_s, u"SUMMARY"_s}, rows);
}

void report(const Invocation& invocation, const QString& repository, const DiffEnd& from,
            const DiffEnd& to, const RevisionDiff& diff) {
    if (invocation.json) {
        printJson(QJsonObject{{u"repository"_s, repository},
                              {u"from"_s, endJson(from, diff.from)},
                              {u"to"_s, endJson(to, diff.to)},
                              {u"toDescendsFromFrom"_s, diff.range.toDescendsFromFrom},
                              {u"gained"_s, listJson(diff.range.gained)},
                              {u"lost"_s, listJson(diff.range.lost)}});
        return;
    }
    printTable({u""_s, u"REF"_s, u"DIGEST"_s, u"COMMIT"_s, u"SUMMARY"_s},
               {{u"from"_s, from.ref, from.build->digest.section(u':', 1).left(12),
                 diff.from.shortId, diff.from.summary},
                {u"to"_s, to.ref, to.build->digest.section(u':', 1).left(12), diff.to.shortId,
                 diff.to.summary}});
    printList(u"Gained (in %1, not in %2)"_s.arg(to.ref, from.ref), diff.range.gained);
    printList(u"Lost (in %1, not in %2)"_s.arg(from.ref, to.ref), diff.range.lost);
    if (!diff.range.toDescendsFromFrom) {
        printWarning(u"%1 does not descend from %2: moving to it drops commits %2 has."_s.arg(
            to.ref, from.ref));
    }
}

} // namespace

void runDiff(const Invocation& invocation, Finish finish) {
    if (invocation.arguments.size() != 3) {
        printError(u"diff needs a repository and two refs (tags or digests), e.g. "
                   u"diff localhost:5000/acme/app staging production --git ~/src/app."_s);
        return finish(ExitUsage);
    }
    if (invocation.gitClone.isEmpty()) {
        printError(u"diff needs --git <path>: a local clone of the image's source."_s);
        return finish(ExitUsage);
    }
    const std::optional<ImageReference> repository =
        parseRepository(invocation.command, invocation.arguments[0]);
    if (!repository)
        return finish(ExitUsage);

    auto* client = new RegistryClient(repository->domain(), invocation.registry, qApp);
    QObject::connect(client, &RegistryClient::registryWarning, qApp, &printWarning);
    auto* collector = new BuildCollector(client, nullptr, {}, client);
    const QString name = invocation.arguments[0];
    collector->collect(
        repository->path(), client, [invocation, finish, name](Result<BuildCollection> collected) {
            if (!collected) {
                printError(collected.error().message);
                return finish(ExitFailure);
            }
            // The collection lives in the continuation so the DiffEnd pointers stay valid.
            auto collection = std::make_shared<BuildCollection>(std::move(collected).value());
            const std::optional<DiffEnd> from = findBuild(*collection, invocation.arguments[1]);
            const std::optional<DiffEnd> to = findBuild(*collection, invocation.arguments[2]);
            if (!from || !to)
                return finish(ExitFailure);
            whenFinished(qApp,
                         RevisionDiff::computeAsync(invocation.gitClone, from->build->revision,
                                                    to->build->revision),
                         [invocation, finish, name, collection, from = *from,
                          to = *to](const Result<RevisionDiff>& diff) {
                             if (!diff) {
                                 printError(diff.error().message);
                                 return finish(ExitFailure);
                             }
                             report(invocation, name, from, to, diff.value());
                             finish(ExitOk);
                         });
        });
}

QHash<QString, QString> commitSummaries(const QString& clonePath, const QList<Build>& builds) {
    QFuture<QList<BuildCommit>> future = CommitResolver::resolveBuildsAsync(clonePath, builds);
    future.waitForFinished();
    QHash<QString, QString> summaries;
    bool warned = false;
    for (const BuildCommit& resolved : future.result()) {
        if (resolved.commit) {
            summaries.insert(resolved.digest, resolved.commit->summary);
            continue;
        }
        const QString& code = resolved.commit.error().code;
        if (code == GitErrorCode::NotARepository && !warned) {
            printWarning(resolved.commit.errorMessage());
            warned = true;
        }
        summaries.insert(resolved.digest, code == GitErrorCode::NotInClone   ? u"(not in clone)"_s
                                          : code == GitErrorCode::Ambiguous  ? u"(ambiguous)"_s
                                          : code == GitErrorCode::NoRevision ? u"-"_s
                                                                             : u"(%1)"_s.arg(code));
    }
    return summaries;
}

} // namespace berth::ctl
