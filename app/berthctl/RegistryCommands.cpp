#include "RegistryCommands.h"

#include "GitCommands.h"
#include "HistoryCommands.h"
#include "VerifyCommands.h"

#include "history/HistoryAccess.h"
#include "registry/BuildCollector.h"
#include "registry/BuildJson.h"
#include "registry/ImageReference.h"
#include "registry/RegistryClient.h"
#include "release/SignatureGate.h"
#include "signing/RememberedVerdicts.h"
#include "signing/SignatureReader.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QLocale>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace berth::ctl {

namespace {

QString shortDigest(const QString& digest) {
    return digest.section(u':', 1).left(12);
}

QString tagsColumn(const QList<ClassifiedTag>& tags) {
    QStringList names;
    for (const ClassifiedTag& tag : tags) {
        // Moving tags are what a release manager looks for first; mark them.
        names.append(isMutableKind(tag.kind) ? tag.name + u'*' : tag.name);
    }
    return names.join(u' ');
}

// "signature, sbom": what is attached to the build.
QString attachedColumn(const QList<Accessory>& accessories) {
    QStringList kinds;
    for (const AccessoryKind kind : accessoryKinds(accessories))
        kinds.append(accessoryKindName(kind));
    return kinds.isEmpty() ? u"-"_s : kinds.join(u", "_s);
}

// What signatures are trusted by for builds --json: the options' keys and identities,
// and those of the --git clone's policy when it names any.
SignatureTrust buildsTrust(const Invocation& invocation, const SignatureTrust& fromOptions) {
    if (invocation.gitClone.isEmpty())
        return fromOptions;
    const Result<TagPolicy> policy = readTagPolicy(invocation.gitClone);
    if (!policy) {
        printWarning(policy.errorMessage() + u" Signatures are judged with the options only."_s);
        return fromOptions;
    }
    const Result<SignatureGate> gate = signatureGate(policy.value(), fromOptions);
    if (!gate) {
        printWarning(gate.errorMessage() + u" Signatures are judged with the options only."_s);
        return fromOptions;
    }
    return gate->trust;
}

// Each build's signature verdict, by digest: verified offline for the signed ones, all at
// once; a build with none is unsigned without asking. The history's verdicts spare the
// checks of signatures that did not change, and the new verdicts are kept there. `done`
// once every answer is in.
void judgeSignatures(RegistryClient* client, const ImageReference& repository,
                     const QList<Build>& builds, const SignatureTrust& trust,
                     const std::shared_ptr<HistorySession>& session,
                     std::function<void(const QHash<QString, QJsonObject>&)> done) {
    auto verdicts = std::make_shared<QHash<QString, QJsonObject>>();
    QStringList signedDigests;
    QStringList accessoryTags; // the referrers fallback tags among them
    for (const Build& build : builds) {
        for (const Accessory& accessory : build.accessories)
            accessoryTags.append(accessory.tag);
        if (mayCarrySignatures(build.accessories))
            signedDigests.append(build.digest);
        else
            verdicts->insert(
                build.digest,
                {{u"verdict"_s, signatureVerdictName(SignatureVerdictKind::Unsigned)}});
    }
    if (signedDigests.isEmpty())
        return done(*verdicts);
    // The store lives as long as the session, which every answer below holds.
    berth::InlineHistory history(&session->store);
    auto* reader = new SignatureReader(client, repository.domain(), trust, qApp);
    reader->setListedTags(accessoryTags);
    recallVerdicts(
        history, repository.domain(), repository.path(), trust, qApp,
        [=](Result<QHash<QString, SignatureVerdict>> recalled) {
            const QHash<QString, SignatureVerdict> known =
                recalled ? recalled.value() : QHash<QString, SignatureVerdict>();
            reader->setKnownVerdicts(known);
            auto judged = std::make_shared<QHash<QString, SignatureVerdict>>();
            auto waiting = std::make_shared<qsizetype>(signedDigests.size());
            for (const QString& digest : signedDigests) {
                reader->verify(
                    repository.path(), digest, qApp, [=](Result<SignatureVerdict> verdict) {
                        if (verdict)
                            judged->insert(digest, verdict.value());
                        verdicts->insert(
                            digest, verdict ? QJsonObject{{u"verdict"_s,
                                                           signatureVerdictName(verdict->kind)},
                                                          {u"summary"_s, verdict->summary}}
                                            : QJsonObject{{u"verdict"_s, u"unknown"_s},
                                                          {u"summary"_s, verdict.errorMessage()}});
                        if (--*waiting > 0)
                            return;
                        // A history that takes no writes only misses the next run's saving.
                        berth::InlineHistory keepIn(&session->store);
                        rememberVerdicts(keepIn, repository.domain(), repository.path(), trust,
                                         *judged, known);
                        done(*verdicts);
                    });
            }
        });
}

} // namespace

void runRepos(const Invocation& invocation, Finish finish) {
    if (invocation.arguments.size() != 1) {
        printError(u"repos needs exactly one registry, e.g. localhost:5000."_s);
        return finish(ExitUsage);
    }
    const QString domain = invocation.arguments.first();
    RegistryClient* client = makeClient(domain, invocation);
    client->listRepositories(client, [invocation, finish, domain](Result<QStringList> repos) {
        if (!repos) {
            printError(repos.error().message);
            return finish(ExitFailure);
        }
        if (invocation.json)
            printJson(QJsonArray::fromStringList(repos.value()));
        else
            for (const QString& name : repos.value())
                printLine(domain + u'/' + name);
        finish(ExitOk);
    });
}

void runTags(const Invocation& invocation, Finish finish) {
    const std::optional<ImageReference> repository = soleRepositoryArgument(invocation);
    if (!repository)
        return finish(ExitUsage);
    RegistryClient* client = makeClient(repository->domain(), invocation);
    client->listTags(repository->path(), client, [invocation, finish](Result<QStringList> tags) {
        if (!tags) {
            printError(tags.error().message);
            return finish(ExitFailure);
        }
        if (invocation.json) {
            printJson(QJsonArray::fromStringList(tags.value()));
        } else {
            QList<QStringList> rows;
            const TagClassifier classifier;
            for (const ClassifiedTag& tag : classifier.classifyAll(tags.value()))
                rows.append({tag.name, tagKindName(tag.kind)});
            printTable({u"TAG"_s, u"KIND"_s}, rows);
        }
        finish(ExitOk);
    });
}

void runBuilds(const Invocation& invocation, Finish finish) {
    const std::optional<ImageReference> repository = soleRepositoryArgument(invocation);
    if (!repository)
        return finish(ExitUsage);
    // --json judges each build's signatures with what the options trust.
    const std::optional<SignatureTrust> trust = signatureTrustOf(invocation);
    if (!trust)
        return finish(ExitUsage);
    int exitCode = ExitFailure;
    const std::shared_ptr<HistorySession> session =
        openHistory(invocation, &exitCode, HistoryAccess::Read);
    if (!session)
        return finish(exitCode);
    RegistryClient* client = makeClient(repository->domain(), invocation);
    // Every read goes through the history: cached manifests, recorded tag positions, and
    // (--json) signature verdicts.
    const QString name = repository->repository();
    CollectOptions options;
    options.history = session;
    collectAndRecord(
        invocation, *repository, client, HistoryAccess::Read, finish,
        [invocation, finish, name, client, repository = *repository, trust = *trust,
         session](const RecordedCollection& recorded) {
            const BuildCollection* collection = &recorded.collection;
            for (const QString& warning : collection->warnings)
                printWarning(warning);
            // --git: each build's commit summary from the local clone.
            const QHash<QString, QString> summaries =
                invocation.gitClone.isEmpty()
                    ? QHash<QString, QString>()
                    : commitSummaries(invocation.gitClone, collection->builds);
            if (invocation.json) {
                QJsonArray builds = buildsToJson(collection->builds);
                for (qsizetype i = 0; i < builds.size() && !summaries.isEmpty(); ++i) {
                    QJsonObject object = builds[i].toObject();
                    object.insert(u"commitSummary"_s,
                                  summaries.value(collection->builds[i].digest));
                    builds[i] = object;
                }
                const QList<Build> listed = collection->builds;
                const int outcome = readOutcome(invocation, name, *collection);
                judgeSignatures(
                    client, repository, listed, buildsTrust(invocation, trust), session,
                    [builds, listed, outcome, finish](const QHash<QString, QJsonObject>& verdicts) {
                        QJsonArray judged = builds;
                        for (qsizetype i = 0; i < judged.size(); ++i) {
                            QJsonObject object = judged[i].toObject();
                            object.insert(u"signature"_s, verdicts.value(listed[i].digest));
                            judged[i] = object;
                        }
                        printJson(judged);
                        finish(outcome);
                    });
                return;
            }
            const bool anyAttached =
                std::any_of(collection->builds.cbegin(), collection->builds.cend(),
                            [](const Build& build) { return !build.accessories.isEmpty(); });
            QList<QStringList> rows;
            for (const Build& build : collection->builds) {
                rows.append({build.created.isValid() ? build.created.toString(u"yyyy-MM-dd HH:mm"_s)
                                                     : u"-"_s,
                             shortDigest(build.digest),
                             build.revision.isEmpty() ? u"-"_s : build.revision.left(12),
                             build.platforms.isEmpty() ? u"-"_s
                             : build.platforms.size() == 1
                                 ? build.platforms.first().toString()
                                 : u"%1 platforms"_s.arg(build.platforms.size()),
                             tagsColumn(build.tags)});
                if (!summaries.isEmpty())
                    rows.last().insert(3, summaries.value(build.digest));
                if (anyAttached)
                    rows.last().append(attachedColumn(build.accessories));
            }
            QStringList header{u"CREATED (UTC)"_s, u"DIGEST"_s, u"REVISION"_s, u"PLATFORM"_s,
                               u"TAGS (* moves)"_s};
            if (!summaries.isEmpty())
                header.insert(3, u"COMMIT"_s);
            if (anyAttached)
                header.append(u"ATTACHED"_s);
            printTable(header, rows);
            finish(readOutcome(invocation, name, *collection));
        },
        options);
}

} // namespace berth::ctl
