// Benchmark: the window's release board over a project on a seeded registry, as BoardPage
// loads it (BoardLoader on a history thread of its own, a fresh one per run so every run
// opens the database as a starting window does).
//
// Usage: board-bench <history.sqlite> <registry/path/> [runs]
// Prints per run, tab-separated: ms to the first paint from the history (BoardLoader's
// `restored`, every repository the history knows), ms to the last repository read and
// recorded, and the repositories read; then the process's peak RSS in MB.
// The first run against an empty history is the cold load (nothing to paint first).

#include "board/BoardLoader.h"
#include "board/Projects.h"
#include "history/HistoryAccess.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

#include <sys/resource.h>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const QStringList arguments = app.arguments();
    if (arguments.size() < 3) {
        QTextStream(stderr) << "usage: board-bench <history.sqlite> <registry/path/> [runs]\n";
        return 2;
    }
    const Result<Project> project = Project::fromText(u"bench"_s, arguments.at(2));
    if (!project) {
        QTextStream(stderr) << project.errorMessage() << '\n';
        return 2;
    }
    const int runs = arguments.size() > 3 ? arguments.at(3).toInt() : 1;
    QTextStream out(stdout);
    out << "run\tfirst_paint_ms\tloaded_ms\trepositories\n";
    for (int run = 0; run < runs; ++run) {
        auto history = std::make_unique<HistoryThread>(arguments.at(1));
        BoardLoader loader([&history] { return history.get(); });
        QElapsedTimer clock;
        qint64 firstPaint = -1;
        int loaded = 0;
        int failed = 0;
        QObject::connect(&loader, &BoardLoader::restored, &app,
                         [&](const QList<LoadedRepository>&) { firstPaint = clock.elapsed(); });
        QObject::connect(&loader, &BoardLoader::repositoryLoaded, &app,
                         [&](const LoadedRepository&) { ++loaded; });
        QObject::connect(&loader, &BoardLoader::repositoryFailed, &app,
                         [&](const QString& repository, const QString& message) {
                             ++failed;
                             QTextStream(stderr) << repository << ": " << message << '\n';
                         });
        QObject::connect(&loader, &BoardLoader::projectFailed, &app,
                         [](const QString& message) { QTextStream(stderr) << message << '\n'; });
        QObject::connect(&loader, &BoardLoader::finished, &app, [&app] { app.quit(); });
        clock.start();
        loader.loadProject(project.value(), RegistryOptions{});
        app.exec();
        const qint64 total = clock.elapsed();
        out << run << '\t' << firstPaint << '\t' << total << '\t' << loaded << Qt::endl;
        if (failed > 0)
            return 1;
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    out << "peak_rss_mb\t" << usage.ru_maxrss / 1024 << Qt::endl;
    return 0;
}
