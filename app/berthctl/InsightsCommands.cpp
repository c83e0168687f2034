#include "InsightsCommands.h"

#include "HistoryCommands.h"

#include "board/Projects.h"
#include "git/CloneSettings.h"
#include "insights/DeliveryInsights.h"
#include "insights/InsightsJson.h"
#include "insights/InsightsReader.h"
#include "insights/InsightsText.h"

#include <QTextStream>

using namespace Qt::StringLiterals;

namespace berth::ctl {

namespace {

// The repositories (host/path) the arguments name: repositories, or projects by name.
std::optional<QStringList> repositoriesOf(const Invocation& invocation, HistoryStore& store) {
    const QList<Project> projects = ProjectSettings::projects();
    QStringList repositories;
    for (const QString& argument : invocation.arguments) {
        const auto project =
            std::find_if(projects.cbegin(), projects.cend(),
                         [&argument](const Project& p) { return p.name == argument; });
        if (project == projects.cend()) {
            const std::optional<ImageReference> reference =
                parseRepository(invocation.command, argument);
            if (!reference)
                return std::nullopt;
            repositories.append(reference->repository());
            continue;
        }
        if (!project->usesCatalog()) {
            repositories += project->repositories;
            continue;
        }
        // Insights read only the history: a catalog project is what it has seen there.
        const Result<QStringList> seen = store.repositoriesSeen(project->registry);
        if (!seen) {
            printError(seen.errorMessage());
            return std::nullopt;
        }
        for (const QString& path : *seen)
            if (path.startsWith(project->catalogPath))
                repositories.append(project->registry + u'/' + path);
    }
    repositories.removeDuplicates();
    return repositories;
}

void printReport(const InsightsReport& report) {
    QTextStream out(stdout);
    out << u"Insights for %1 of %2, %3 to %4 (UTC)\n"_s.arg(
        report.environment, report.repositories.join(u", "_s),
        report.since.toString(u"yyyy-MM-dd HH:mm"_s), report.until.toString(u"yyyy-MM-dd HH:mm"_s));
    out.flush();
    printTable({u"FIGURE"_s, u"VALUE"_s},
               {{u"Deployment frequency"_s, deploymentFrequencyText(report)},
                {u"Lead time for changes"_s, leadTimeText(report)},
                {u"Change failure rate"_s,
                 changeFailureRateText(report) + u" (rollback or bad within %1)"_s.arg(
                                                     durationText(report.failureWindowSeconds))},
                {u"Time to restore"_s, timeToRestoreText(report)}});
    printLine(u""_s);
    QList<QStringList> rows;
    for (const InsightsWeek& week : report.weeks)
        rows.append({week.monday.toString(Qt::ISODate), QString::number(week.deployments),
                     QString::number(week.failures), QString::number(week.restores),
                     durationText(week.medianLeadSeconds),
                     week.hasGap ? u"not observed throughout"_s : QString()});
    printTable(
        {u"WEEK OF"_s, u"DEPLOYS"_s, u"FAILED"_s, u"RESTORED"_s, u"MEDIAN LEAD"_s, u"NOTE"_s},
        rows);
    for (const QString& note : report.notes)
        printLine(u"note: "_s + note);
}

} // namespace

void runInsights(const Invocation& invocation, Finish finish) {
    if (invocation.arguments.isEmpty()) {
        printError(u"insights takes one or more repositories or project names, e.g. "
                   u"localhost:5000/acme/api."_s);
        return finish(ExitUsage);
    }
    if (invocation.json && invocation.csv) {
        printError(u"insights prints --json or --csv, not both."_s);
        return finish(ExitUsage);
    }
    int exitCode = ExitFailure;
    const std::shared_ptr<HistorySession> history = openHistory(invocation, &exitCode);
    if (!history)
        return finish(exitCode);
    const std::optional<QStringList> repositories = repositoriesOf(invocation, history->store);
    if (!repositories)
        return finish(ExitUsage);
    if (repositories->isEmpty()) {
        printError(u"the history has seen no repository of that project yet."_s);
        return finish(ExitFailure);
    }
    if (!invocation.gitClone.isEmpty() && repositories->size() > 1) {
        printError(u"--git names one clone, for one repository; a project's repositories use "
                   u"their linked clones."_s);
        return finish(ExitUsage);
    }

    InsightsOptions options;
    if (!invocation.environment.isEmpty())
        options.environment = invocation.environment;
    options.since = invocation.since;
    options.until = invocation.until;
    options.failureWindowSeconds = invocation.failureWindowSeconds;
    const Result<InsightsReport> report = readPooledInsights(
        history->store, *repositories, options, [&invocation](const QString& repository) {
            return invocation.gitClone.isEmpty() ? CloneSettings::cloneFor(repository)
                                                 : invocation.gitClone;
        });
    if (!report) {
        printError(report.errorMessage());
        return finish(ExitFailure);
    }
    if (invocation.json)
        printJson(insightsToJson(*report));
    else if (invocation.csv)
        QTextStream(stdout) << insightsWeeksCsv(*report);
    else
        printReport(*report);
    finish(ExitOk);
}

} // namespace berth::ctl
