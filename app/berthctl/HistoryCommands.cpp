#include "HistoryCommands.h"

#include "history/HistoryStore.h"
#include "history/SqlManifestCache.h"
#include "registry/RegistryClient.h"
#include "release/PendingReconciler.h"

#include <QCoreApplication>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>

#include <memory>

using namespace Qt::StringLiterals;

namespace berth::ctl {

namespace {

QString isoTime(const QDateTime& time) {
    return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : QString();
}

} // namespace

QJsonValue jsonTimeValue(const QDateTime& time) {
    return time.isValid() ? QJsonValue(isoTime(time)) : QJsonValue();
}

QString shortTime(const QDateTime& time) {
    return time.isValid() ? time.toUTC().toString(u"yyyy-MM-dd HH:mm:ss"_s) : u"-"_s;
}

QJsonObject actionToJson(const Action& action) {
    return QJsonObject{
        {u"id"_s, action.id},
        {u"time"_s, jsonTimeValue(action.time)},
        {u"user"_s, action.user},
        {u"host"_s, action.host},
        {u"registry"_s, action.registry},
        {u"repository"_s, action.repository},
        {u"tag"_s, action.tag},
        {u"kind"_s, actionKindName(action.kind)},
        {u"fromDigest"_s, action.fromDigest},
        {u"toDigest"_s, action.toDigest},
        {u"transport"_s, action.transport},
        {u"reason"_s, action.reason},
        {u"state"_s, actionStateName(action.state)},
        {u"error"_s, action.error},
        {u"finished"_s, jsonTimeValue(action.finished)},
        {u"trainId"_s, action.trainId > 0 ? QJsonValue(action.trainId) : QJsonValue()}};
}

namespace {

QString shortDigest(const QString& digest) {
    return digest.isEmpty() ? u"-"_s : digest.section(u':', 1).left(12);
}

// The other tags the history has seen on a digest, for a text column ("-": none).
QString tagList(QStringList tags, const QString& besides) {
    tags.removeAll(besides);
    return tags.isEmpty() ? u"-"_s : tags.join(u", "_s);
}

} // namespace

std::shared_ptr<HistorySession> openHistory(const Invocation& invocation, int* exitCode,
                                            HistoryAccess access) {
    auto session = std::make_shared<HistorySession>();
    const Status opened = session->store.open(invocation.database);
    if (!opened) {
        printError(opened.error().message);
        const QString& code = opened.error().code;
        // Refusals protect the user's file; a broken connection is an operational failure.
        *exitCode = code == HistoryStore::kNotBerthDatabase ||
                            code == HistoryStore::kSchemaTooNew ||
                            code == HistoryStore::kReadOnly || code == HistoryStore::kDamaged
                        ? ExitRefused
                        : ExitFailure;
        return nullptr;
    }
    if (const std::optional<Error>& refusal = session->store.writeRefusal()) {
        if (access == HistoryAccess::Write) {
            printError(refusal->message);
            *exitCode = ExitRefused;
            return nullptr;
        }
        // A read-only file is the user's choice; damage is news.
        if (refusal->code == HistoryStore::kDamaged)
            printWarning(refusal->message);
    }
    session->cache = std::make_unique<SqlManifestCache>(session->store);
    return session;
}

int readOutcome(const Invocation& invocation, const QString& repository,
                const BuildCollection& collection) {
    if (collection.failedTags.isEmpty())
        return ExitOk;
    const int failed = int(collection.failedTags.size());
    const int read = collection.tagsSeen() - failed;
    const auto first = collection.failedTags.cbegin();
    QString firstError = first.value();
    while (firstError.endsWith(u'.'))
        firstError.chop(1); // it sits inside this sentence
    const QString summary =
        u"Read %1 of %2 tags of %3; %4 could not be read (first, %5: %6)"_s.arg(read)
            .arg(read + failed)
            .arg(repository)
            .arg(failed)
            .arg(first.key(), first.value());
    if (invocation.allowPartial && read > 0) {
        printWarning(summary + u"; accepted with --allow-partial."_s);
        return ExitOk;
    }
    printError(summary + (read > 0 ? u"; --allow-partial accepts a partial read."_s : u"."_s));
    return ExitFailure;
}

void collectAndRecord(const Invocation& invocation, const ImageReference& repository,
                      RegistryClient* client, HistoryAccess access, Finish finish,
                      std::function<void(const RecordedCollection&)> done, CollectOptions options) {
    int exitCode = ExitFailure;
    std::shared_ptr<HistorySession> session =
        options.history ? options.history : openHistory(invocation, &exitCode, access);
    if (!session)
        return finish(exitCode);
    const std::optional<RefreshRule>& refresh = options.refresh;
    const QString registry = repository.domain();
    const QDateTime seenAt =
        invocation.seenAt.isValid() ? invocation.seenAt : QDateTime::currentDateTimeUtc();
    if (invocation.seenAt.isValid()) {
        // Positions are kept in the order they were recorded: one recorded late with an
        // earlier time would pass for where the tags point now, and mislead a rollback.
        const Result<QList<TagPosition>> positions =
            session->store.positionsOfRepository(registry, repository.path());
        if (!positions) {
            printError(positions.error().message);
            return finish(ExitFailure);
        }
        QDateTime newest;
        for (const TagPosition& position : positions.value())
            newest = std::max(newest, position.lastSeen);
        if (newest.isValid() && seenAt < newest) {
            printError(u"--seen-at %1 is older than the last observation of %2 (%3); the "
                       u"history keeps positions in the order they were seen, so an older one "
                       u"would pass for the newest. Give a time from %3 on, or leave --seen-at "
                       u"out."_s.arg(seenAt.toString(Qt::ISODate), repository.toString(),
                                     newest.toString(Qt::ISODate)));
            return finish(ExitUsage);
        }
    }
    auto* collector = new BuildCollector(client, session->cache.get(), TagClassifier(), client);
    if (options.buildFilter)
        collector->setBuildFilter(options.buildFilter);
    QMap<QString, KnownTag> known; // a refresh's history, against which moves are told
    if (refresh) {
        const Result<QList<TagPosition>> positions =
            session->store.positionsOfRepository(registry, repository.path());
        if (!positions) {
            printError(positions.error().message);
            return finish(ExitFailure);
        }
        known = knownTagsOf(positions.value());
        collector->setKnownTags(known, *refresh);
    }
    collector->collect(
        repository.path(), collector,
        [session, registry, seenAt, known, finish, done](Result<BuildCollection> collection) {
            if (!collection) {
                printError(collection.error().message);
                return finish(ExitFailure);
            }
            for (const MovedImmutableTag& moved : movedImmutableTags(known, collection->tagDigests))
                printWarning(immutableMoveText(registry + u'/' + collection->repository, moved));
            for (const QString& problem : session->cache->problems())
                printWarning(problem);
            RecordedCollection recorded{collection.value(), {}, 0, {}, &session->store};
            if (const std::optional<Error>& refusal = session->store.writeRefusal()) {
                printWarning(refusal->code == HistoryStore::kReadOnly
                                 ? refusal->message +
                                       u" The tag positions read now were not recorded."_s
                                 : u"The tag positions read now were not recorded."_s);
                return done(recorded);
            }
            // What the history supplied was not seen now: its last sighting stays as it was.
            QMap<QString, QString> seen = collection->tagDigests;
            for (const QString& tag : collection->fromHistory)
                seen.remove(tag);
            const Result<RecordSummary> summary = session->store.recordObservations(
                registry, collection->repository, seen, seenAt, currentObserver(u"berthctl"_s));
            if (!summary) {
                printError(summary.error().message);
                return finish(ExitFailure);
            }
            recorded.summary = summary.value();
            const ReconcileResult reconciled =
                reconcilePendingActions(session->store, registry, collection.value());
            for (const QString& problem : reconciled.problems)
                printWarning(problem);
            for (const SettledAction& settled : reconciled.settled)
                recorded.settled.append(describe(settled));
            recorded.reconciled = int(reconciled.settled.size());
            done(recorded);
        });
}

void runRecord(const Invocation& invocation, Finish finish) {
    if (invocation.arguments.size() != 1) {
        printError(u"record needs exactly one repository, e.g. localhost:5000/acme/app."_s);
        return finish(ExitUsage);
    }
    const std::optional<ImageReference> repository =
        parseRepository(invocation.command, invocation.arguments.first());
    if (!repository)
        return finish(ExitUsage);
    auto* client = new RegistryClient(repository->domain(), invocation.registry, qApp);
    QObject::connect(client, &RegistryClient::registryWarning, qApp, &printWarning);
    const QString name = repository->repository();
    collectAndRecord(
        invocation, *repository, client, HistoryAccess::Write, finish,
        [invocation, finish, name](const RecordedCollection& recorded) {
            const BuildCollection& collection = recorded.collection;
            const int failed = int(collection.failedTags.size());
            for (const QString& warning : recorded.collection.warnings)
                printWarning(warning);
            if (invocation.json) {
                printJson(QJsonObject{
                    {u"repository"_s, name},
                    {u"tags"_s, recorded.collection.tagDigests.size()},
                    {u"newPositions"_s, recorded.summary.newPositions},
                    {u"unchanged"_s, recorded.summary.unchanged},
                    {u"reconciledActions"_s, recorded.reconciled},
                    {u"tagsRead"_s, collection.tagsSeen() - failed},
                    {u"tagsFailed"_s, failed},
                    {u"firstError"_s, failed ? collection.failedTags.cbegin().value() : QString()},
                    {u"warnings"_s, QJsonArray::fromStringList(recorded.collection.warnings)}});
            } else {
                printLine(u"Recorded %1 tags of %2: %3 new positions, %4 unchanged."_s
                              .arg(recorded.collection.tagDigests.size())
                              .arg(name)
                              .arg(recorded.summary.newPositions)
                              .arg(recorded.summary.unchanged));
                for (const QString& settled : recorded.settled)
                    printLine(settled);
            }
            finish(readOutcome(invocation, name, collection));
        });
}

void runHistory(const Invocation& invocation, Finish finish) {
    if (invocation.arguments.size() != 2) {
        printError(u"history needs a repository and a tag, e.g. localhost:5000/acme/app "
                   u"production."_s);
        return finish(ExitUsage);
    }
    const std::optional<ImageReference> repository =
        parseRepository(invocation.command, invocation.arguments.first());
    if (!repository)
        return finish(ExitUsage);
    const QString tag = invocation.arguments.at(1);
    if (const QString problem = tagValidationError(tag); !problem.isEmpty()) {
        printError(problem);
        return finish(ExitUsage);
    }
    int exitCode = ExitFailure;
    const std::shared_ptr<HistorySession> session = openHistory(invocation, &exitCode);
    if (!session)
        return finish(exitCode);
    const Result<QList<TagPosition>> positions =
        session->store.tagHistory(repository->domain(), repository->path(), tag);
    if (!positions) {
        printError(positions.error().message);
        return finish(ExitFailure);
    }
    const Result<QMap<QString, QStringList>> known =
        session->store.tagsByDigest(repository->domain(), repository->path());
    if (!known) {
        printError(known.error().message);
        return finish(ExitFailure);
    }
    if (invocation.json) {
        QJsonArray array;
        for (const TagPosition& position : positions.value())
            array.append(
                QJsonObject{{u"tag"_s, position.tag},
                            {u"digest"_s, position.digest},
                            {u"tags"_s, QJsonArray::fromStringList(known->value(position.digest))},
                            {u"firstSeen"_s, jsonTimeValue(position.firstSeen)},
                            {u"lastSeen"_s, jsonTimeValue(position.lastSeen)},
                            {u"observedBy"_s, position.observedBy}});
        printJson(array);
        return finish(ExitOk);
    }
    if (positions->isEmpty()) {
        printWarning(u"%1:%2 has no recorded positions in %3; run `berthctl record %1` to start "
                     u"its history."_s.arg(repository->repository(), tag,
                                           session->store.location().display()));
        return finish(ExitOk);
    }
    QList<QStringList> rows;
    for (const TagPosition& position : positions.value())
        rows.append({position.digest, tagList(known->value(position.digest), tag),
                     shortTime(position.firstSeen), shortTime(position.lastSeen),
                     position.observedBy});
    printTable({u"DIGEST"_s, u"ALSO TAGGED"_s, u"FIRST SEEN (UTC)"_s, u"LAST SEEN (UTC)"_s,
                u"OBSERVED BY"_s},
               rows);
    finish(ExitOk);
}

void runAudit(const Invocation& invocation, Finish finish) {
    if (invocation.arguments.size() > 1) {
        printError(u"audit takes at most one repository, e.g. localhost:5000/acme/app."_s);
        return finish(ExitUsage);
    }
    ActionFilter filter;
    if (!invocation.arguments.isEmpty()) {
        const std::optional<ImageReference> repository =
            parseRepository(invocation.command, invocation.arguments.first());
        if (!repository)
            return finish(ExitUsage);
        filter.registry = repository->domain();
        filter.repository = repository->path();
    }
    int exitCode = ExitFailure;
    const std::shared_ptr<HistorySession> session = openHistory(invocation, &exitCode);
    if (!session)
        return finish(exitCode);
    const Result<QList<Action>> actions = session->store.actions(filter);
    if (!actions) {
        printError(actions.error().message);
        return finish(ExitFailure);
    }
    // What each digest was known as, read once per repository the log mentions.
    QHash<QString, QMap<QString, QStringList>> knownByRepository;
    for (const Action& action : actions.value()) {
        const QString key = action.registry + u'/' + action.repository;
        if (knownByRepository.contains(key))
            continue;
        const Result<QMap<QString, QStringList>> known =
            session->store.tagsByDigest(action.registry, action.repository);
        if (!known) {
            printError(known.error().message);
            return finish(ExitFailure);
        }
        knownByRepository.insert(key, known.value());
    }
    auto tagsOf = [&knownByRepository](const Action& action, const QString& digest) {
        return knownByRepository.value(action.registry + u'/' + action.repository).value(digest);
    };
    if (invocation.json) {
        QJsonArray array;
        for (const Action& action : actions.value()) {
            QJsonObject object = actionToJson(action);
            object.insert(u"fromTags"_s,
                          QJsonArray::fromStringList(tagsOf(action, action.fromDigest)));
            object.insert(u"toTags"_s, QJsonArray::fromStringList(tagsOf(action, action.toDigest)));
            array.append(object);
        }
        printJson(array);
        return finish(ExitOk);
    }
    auto digestCell = [&tagsOf](const Action& action, const QString& digest) {
        const QString others = tagList(tagsOf(action, digest), action.tag);
        return others == u"-"_s ? shortDigest(digest)
                                : u"%1 (%2)"_s.arg(shortDigest(digest), others);
    };
    QList<QStringList> rows;
    for (const Action& action : actions.value())
        rows.append({shortTime(action.time), action.user + u'@' + action.host,
                     action.registry + u'/' + action.repository + u':' + action.tag,
                     action.trainId > 0
                         ? u"%1 (train #%2)"_s.arg(actionKindName(action.kind)).arg(action.trainId)
                         : actionKindName(action.kind),
                     digestCell(action, action.fromDigest) + u" -> "_s +
                         digestCell(action, action.toDigest),
                     actionStateName(action.state),
                     action.error.isEmpty() ? action.reason : action.error});
    printTable({u"TIME (UTC)"_s, u"BY"_s, u"TAG"_s, u"KIND"_s, u"FROM -> TO"_s, u"STATE"_s,
                u"REASON / ERROR"_s},
               rows);
    finish(ExitOk);
}

} // namespace berth::ctl
