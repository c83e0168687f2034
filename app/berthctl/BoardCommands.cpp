#include "BoardCommands.h"

#include "HistoryCommands.h"

#include "board/BoardState.h"
#include "board/Projects.h"
#include "board/ReleaseBoard.h"
#include "git/CloneSettings.h"
#include "policy/TagPolicy.h"
#include "registry/ImageReference.h"
#include "registry/RegistryClient.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;

namespace berth::ctl {

namespace {

struct BoardRead {
    QString repository; // host/path
    BuildCollection collection;
    QList<TagPosition> positions;
    QList<Verdict> verdicts;
    bool failed = false;
};

struct BoardSession {
    Invocation invocation;
    Finish finish;
    TagPolicy policy;
    std::shared_ptr<HistorySession> history; // opened once, for every repository's read
    QList<ImageReference> repositories;
    QHash<QString, RegistryClient*> clients; // one per registry, its connections shared
    QList<BoardRead> reads;                  // one per repository, in their order
    qsizetype started = 0;                   // repositories whose read has begun
    qsizetype finished = 0;
};

// Repositories read at once: each read already keeps many requests in flight, so a few
// repositories overlap one's listing and database work with another's HEADs.
constexpr qsizetype kReadsAtOnce = 4;

// The builds a cell can show: where a moving tag (an environment, a floating version,
// latest) or a name outside every scheme (an environment only a policy names) points.
// Builds tagged only with versions and SHAs are listed and checked, never read.
bool boardMayShow(const QList<ClassifiedTag>& tags) {
    return std::any_of(tags.cbegin(), tags.cend(), [](const ClassifiedTag& tag) {
        return isMutableKind(tag.kind) || tag.kind == TagKind::Other;
    });
}

RegistryClient* clientFor(BoardSession& session, const QString& domain) {
    RegistryClient*& client = session.clients[domain];
    if (!client) {
        client = new RegistryClient(domain, session.invocation.registry, qApp);
        QObject::connect(client, &RegistryClient::registryWarning, qApp, &printWarning);
    }
    return client;
}

QJsonObject cellJson(const BoardCell& cell) {
    QJsonObject object{{u"environment"_s, cell.environment}};
    if (cell.isEmpty())
        return object;
    object.insert(u"digest"_s, cell.digest);
    object.insert(u"version"_s, cell.version);
    object.insert(u"since"_s, cell.since.isValid() ? QJsonValue(cell.since.toString(Qt::ISODate))
                                                   : QJsonValue());
    object.insert(u"verdict"_s,
                  cell.verdict ? QJsonValue(verdictKindName(*cell.verdict)) : QJsonValue());
    object.insert(u"upstream"_s, cell.upstream.isEmpty() ? QJsonValue() : cell.upstream);
    object.insert(u"standing"_s, upstreamStandingName(cell.standing));
    return object;
}

// Without --git, each repository's linked clone names its policy, as in the window; one
// that cannot be read is said, and its row follows the defaults.
QHash<QString, TagPolicy> linkedPolicies(const QList<BoardRead>& reads) {
    QHash<QString, TagPolicy> policies;
    QStringList unreadable;
    for (const BoardRead& read : reads) {
        const QString clone = CloneSettings::cloneFor(read.repository);
        if (clone.isEmpty())
            continue;
        const Result<TagPolicy> policy = readTagPolicy(clone);
        if (policy)
            policies.insert(read.repository, *policy);
        else
            unreadable.append(u"%1: %2"_s.arg(read.repository, policy.errorMessage()));
    }
    if (!unreadable.isEmpty())
        printWarning(u"Following the default promotion order where a policy cannot be read: "_s +
                     unreadable.join(u"; "_s));
    return policies;
}

void printBoard(const std::shared_ptr<BoardSession>& session) {
    const QStringList order = session->policy.promotionOrdered
                                  ? session->policy.environments
                                  : QStringList{u"dev"_s, u"staging"_s, u"production"_s};
    // The window's board state: the columns follow every row's policy order.
    BoardState state;
    QStringList names;
    for (const BoardRead& read : std::as_const(session->reads))
        names.append(read.repository);
    state.reset(names, order, session->policy.classifier());
    if (session->invocation.gitClone.isEmpty())
        state.setPolicies(linkedPolicies(session->reads));
    for (const BoardRead& read : std::as_const(session->reads)) {
        LoadedRepository look;
        look.repository = read.repository;
        look.collection = read.collection;
        look.positions = read.positions;
        look.verdicts = read.verdicts;
        state.show(look);
    }
    const QStringList columns = state.columns();

    QList<BoardRow> rows;
    QList<BoardRead> reads; // of the rows shown, in the same order
    bool anyFailed = false;
    const QStringList& differs = session->invocation.differs;
    for (const BoardRead& read : std::as_const(session->reads)) {
        anyFailed = anyFailed || read.failed;
        BoardRow row = state.row(read.repository);
        // A row that could not be read is kept: nothing says its environments agree.
        if (!differs.isEmpty() && !read.failed &&
            !environmentsDiffer(row, differs.at(0), differs.at(1)))
            continue;
        rows.append(std::move(row));
        reads.append(read);
    }
    if (session->invocation.json) {
        QJsonArray rowsJson;
        for (qsizetype i = 0; i < rows.size(); ++i) {
            QJsonArray cells;
            for (const BoardCell& cell : rows[i].cells)
                cells.append(cellJson(cell));
            rowsJson.append(QJsonObject{{u"repository"_s, rows[i].repository},
                                        {u"read"_s, !reads[i].failed},
                                        {u"cells"_s, cells}});
        }
        printJson(QJsonObject{{u"columns"_s, QJsonArray::fromStringList(columns)},
                              {u"rows"_s, rowsJson}});
    } else {
        QList<QStringList> table;
        for (qsizetype i = 0; i < rows.size(); ++i) {
            QStringList line{rows[i].repository};
            for (const BoardCell& cell : rows[i].cells)
                line.append(reads[i].failed ? u"(not read)"_s : boardCellText(cell));
            table.append(line);
        }
        QStringList header{u"REPOSITORY"_s};
        for (const QString& column : columns)
            header.append(column.toUpper());
        printTable(header, table);
    }
    session->finish(anyFailed ? ExitFailure : ExitOk);
}

void readRepository(const std::shared_ptr<BoardSession>& session, qsizetype index);

// Starts reads until kReadsAtOnce are under way.
void readMore(const std::shared_ptr<BoardSession>& session) {
    while (session->started < session->repositories.size() &&
           session->started - session->finished < kReadsAtOnce)
        readRepository(session, session->started++);
}

// One repository read and recorded as `builds` records it, then its history read; one that
// fails is kept as a row that says so.
void readRepository(const std::shared_ptr<BoardSession>& session, qsizetype index) {
    const ImageReference repository = session->repositories.at(index);
    session->reads[index].repository = repository.repository();
    // collectAndRecord answers either done or finish, once; a failure was printed.
    auto answered = std::make_shared<bool>(false);
    // From the event loop, after the read's own callback has returned. The
    // board is printed once, by the last read to finish.
    const auto readDone = [session] {
        const bool last = ++session->finished == session->repositories.size();
        QMetaObject::invokeMethod(
            qApp, [session, last] { last ? printBoard(session) : readMore(session); },
            Qt::QueuedConnection);
    };
    collectAndRecord(
        session->invocation, repository, clientFor(*session, repository.domain()),
        HistoryAccess::Read,
        [session, index, answered, readDone](int) {
            if (std::exchange(*answered, true))
                return;
            session->reads[index].failed = true;
            readDone();
        },
        [session, index, repository, answered, readDone](const RecordedCollection& recorded) {
            if (std::exchange(*answered, true))
                return;
            for (const QString& warning : recorded.collection.warnings)
                printWarning(warning);
            BoardRead& read = session->reads[index];
            read.collection = recorded.collection;
            const Result<QList<TagPosition>> positions =
                recorded.store->positionsOfRepository(repository.domain(), repository.path());
            const Result<QList<Verdict>> verdicts =
                recorded.store->verdicts(repository.domain(), repository.path());
            if (!positions || !verdicts) {
                printWarning(u"%1: the history could not be read (%2); the board shows where "
                             u"its environments are now only."_s.arg(
                                 read.repository,
                                 positions ? verdicts.errorMessage() : positions.errorMessage()));
            }
            if (positions)
                read.positions = positions.value();
            if (verdicts)
                read.verdicts = verdicts.value();
            readDone();
        },
        // A board is looked at again and again: only what can have moved is asked about,
        // and only the builds it can show are read.
        CollectOptions{RefreshRule{.full = session->invocation.full}, session->history,
                       &boardMayShow});
}

// Replaces each catalog path by the repositories listed under it, in the catalog's order,
// after the repositories named outright; then reads them all.
void expandCatalogPaths(const std::shared_ptr<BoardSession>& session, QList<CatalogPath> paths) {
    if (paths.isEmpty()) {
        session->reads.resize(session->repositories.size());
        return readMore(session);
    }
    const CatalogPath path = paths.takeFirst();
    clientFor(*session, path.registry)
        ->listRepositories(qApp, [session, path, paths](Result<QStringList> names) {
            if (!names) {
                printError(u"The catalog of %1 could not be read (%2); a registry without a "
                           u"catalog needs its repositories named one by one."_s.arg(
                               path.registry, names.errorMessage()));
                return session->finish(ExitFailure);
            }
            int found = 0;
            for (const QString& name : names.value()) {
                if (!name.startsWith(path.prefix))
                    continue;
                if (const Result<ImageReference> reference =
                        ImageReference::parse(path.registry + u'/' + name)) {
                    session->repositories.append(reference.value());
                    ++found;
                }
            }
            if (found == 0) {
                printError(u"The catalog of %1 lists no repository under \"%2\"."_s.arg(
                    path.registry, path.prefix));
                return session->finish(ExitFailure);
            }
            expandCatalogPaths(session, paths);
        });
}

} // namespace

void runBoard(const Invocation& invocation, Finish finish) {
    if (invocation.arguments.isEmpty()) {
        printError(u"board takes one or more repositories, e.g. localhost:5000/acme/api "
                   u"localhost:5000/acme/web, or a registry path ending in / for every "
                   u"repository its catalog lists there, e.g. localhost:5000/acme/."_s);
        return finish(ExitUsage);
    }
    if (!invocation.differs.isEmpty() &&
        (invocation.differs.size() != 2 || !isValidTag(invocation.differs.at(0)) ||
         !isValidTag(invocation.differs.at(1)))) {
        printError(u"--differs takes two environments, e.g. staging,production."_s);
        return finish(ExitUsage);
    }
    auto session = std::make_shared<BoardSession>();
    session->invocation = invocation;
    session->finish = std::move(finish);
    QList<CatalogPath> catalogPaths;
    const QList<Project> projects = ProjectSettings::projects();
    for (const QString& argument : invocation.arguments) {
        // A project the window keeps, by its name.
        const auto project =
            std::find_if(projects.cbegin(), projects.cend(),
                         [&argument](const Project& p) { return p.name == argument; });
        if (project != projects.cend()) {
            if (project->usesCatalog())
                catalogPaths.append(CatalogPath{project->registry, project->catalogPath});
            for (const QString& repository : project->repositories) {
                if (const Result<ImageReference> reference = ImageReference::parse(repository))
                    session->repositories.append(reference.value());
            }
            continue;
        }
        if (argument.endsWith(u'/')) {
            const Result<CatalogPath> path = parseCatalogPath(argument);
            if (!path) {
                printError(path.errorMessage());
                return session->finish(ExitUsage);
            }
            catalogPaths.append(*path);
            continue;
        }
        const std::optional<ImageReference> repository =
            parseRepository(invocation.command, argument);
        if (!repository)
            return session->finish(ExitUsage);
        session->repositories.append(*repository);
    }
    const Result<TagPolicy> policy =
        invocation.gitClone.isEmpty()
            ? Result<TagPolicy>(TagPolicy::defaults(u"built-in defaults (no --git clone)"_s))
            : readTagPolicy(invocation.gitClone);
    if (!policy) {
        printError(policy.errorMessage());
        return session->finish(ExitFailure);
    }
    session->policy = policy.value();
    int exitCode = ExitFailure;
    session->history = openHistory(invocation, &exitCode, HistoryAccess::Read);
    if (!session->history)
        return session->finish(exitCode);
    expandCatalogPaths(session, catalogPaths);
}

} // namespace berth::ctl
