// insights-bench seed <history.sqlite> <host/path> <commits.txt> <moves>
//   Writes a production history onto the commits listed (one "<id> <author time>" per
//   line, oldest first): <moves> moves spread evenly over them, each build tagged with its
//   commit's SHA; every 40th deployment is marked bad and every 50th rolled back by Berth
//   to the build before it, then promoted forward again.
// insights-bench measure <history.sqlite> <host/path> <clone> <runs>
//   Computes the insights <runs> times after one warm-up run, with a fresh walk of the
//   clone each time, and prints one line per run: milliseconds, deployments, commits.

#include "git/GitLibrary.h"
#include "history/HistoryStore.h"
#include "insights/InsightsReader.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTextStream>
#include <QThreadPool>

#include <cstdio>

using namespace Qt::StringLiterals;
using namespace berth;

namespace {

QString digestOfMove(int move) {
    return u"sha256:%1"_s.arg(move, 64, 16, QChar(u'0'));
}

int seed(const QString& database, const QString& repository, const QString& commitsFile,
         int moves) {
    QFile file(commitsFile);
    if (!file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "cannot read %s\n", qPrintable(commitsFile));
        return 1;
    }
    QList<std::pair<QString, QDateTime>> commits;
    while (!file.atEnd()) {
        const QList<QByteArray> fields = file.readLine().trimmed().split(' ');
        if (fields.size() == 2)
            commits.append({QString::fromLatin1(fields[0]),
                            QDateTime::fromSecsSinceEpoch(fields[1].toLongLong(), Qt::UTC)});
    }
    HistoryStore store;
    if (const Status opened = store.open(database); !opened) {
        std::fprintf(stderr, "%s\n", qPrintable(opened.error().message));
        return 1;
    }
    const QString registry = repository.section(u'/', 0, 0);
    const QString path = repository.section(u'/', 1);
    if (moves < 1 || commits.size() < moves) {
        std::fprintf(stderr, "%s lists %lld commits, fewer than the %d moves asked for\n",
                     qPrintable(commitsFile), static_cast<long long>(commits.size()), moves);
        return 1;
    }
    const qsizetype stride = commits.size() / moves;
    const Status written = store.durably(u"seed"_s, [&]() -> Status {
        QString previous;
        for (int move = 0; move < moves; ++move) {
            const auto& [id, authored] = commits[(move + 1) * stride - 1];
            const QString digest = digestOfMove(move);
            const QDateTime deployed = authored.addSecs(3600);
            const auto stay = [&](const QString& build, const QDateTime& from, const QDateTime& to,
                                  const QString& tag) -> Status {
                const QMap<QString, QString> tags{{u"production"_s, build}, {tag, build}};
                if (auto r = store.recordObservations(registry, path, tags, from, u"bench"_s); !r)
                    return r.error();
                if (auto r = store.recordObservations(registry, path, tags, to, u"bench"_s); !r)
                    return r.error();
                return success();
            };
            if (const Status s = stay(digest, deployed, deployed.addSecs(1200), id); !s)
                return s;
            if (move % 40 == 39) {
                Verdict bad{registry,         path,
                            digest,           u"production"_s,
                            VerdictKind::Bad, deployed.addSecs(600),
                            u"bench"_s,       u"broke checkout"_s};
                if (const Status s = store.setVerdict(bad); !s)
                    return s;
            }
            if (move % 50 == 49 && !previous.isEmpty()) {
                Action rollback;
                rollback.time = deployed.addSecs(1500);
                rollback.finished = rollback.time.addSecs(2);
                rollback.registry = registry;
                rollback.repository = path;
                rollback.tag = u"production"_s;
                rollback.fromDigest = digest;
                rollback.toDigest = previous;
                rollback.kind = ActionKind::Rollback;
                rollback.transport = u"registry"_s;
                rollback.state = ActionState::Succeeded;
                if (auto r = store.recordFinishedAction(rollback); !r)
                    return r.error();
                const QDateTime back = rollback.time.addSecs(5);
                if (const Status s =
                        stay(previous, back, back.addSecs(1200), commits[move * stride - 1].first);
                    !s)
                    return s;
                // And forward again to this build, once fixed.
                if (const Status s = stay(digest, back.addSecs(1800), back.addSecs(2400), id); !s)
                    return s;
            }
            previous = digest;
        }
        return success();
    });
    if (!written) {
        std::fprintf(stderr, "%s\n", qPrintable(written.error().message));
        return 1;
    }
    return 0;
}

int measure(const QString& database, const QString& repository, const QString& clone, int runs) {
    HistoryStore store;
    if (const Status opened = store.open(database); !opened) {
        std::fprintf(stderr, "%s\n", qPrintable(opened.error().message));
        return 1;
    }
    InsightsOptions options;
    options.until = QDateTime::currentDateTimeUtc();
    for (int run = 0; run <= runs; ++run) {
        QElapsedTimer timer;
        timer.start();
        const Result<InsightsReport> report = readInsights(store, repository, options, clone);
        const qint64 elapsed = timer.elapsed();
        if (!report) {
            std::fprintf(stderr, "%s\n", qPrintable(report.errorMessage()));
            return 1;
        }
        if (run > 0) // the first run warms the history and the clone
            std::printf("%lld\t%d\t%lld\n", static_cast<long long>(elapsed), report->deployments(),
                        static_cast<long long>(report->leadTimes.size()));
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const QStringList arguments = app.arguments();
    if (arguments.size() == 6 && arguments[1] == u"seed"_s)
        return seed(arguments[2], arguments[3], arguments[4], arguments[5].toInt());
    if (arguments.size() == 6 && arguments[1] == u"measure"_s) {
        GitLibrary git(QThreadPool::globalInstance());
        return measure(arguments[2], arguments[3], arguments[4], arguments[5].toInt());
    }
    std::fprintf(stderr, "usage: insights-bench seed <db> <host/path> <commits.txt> <moves>\n"
                         "       insights-bench measure <db> <host/path> <clone> <runs>\n");
    return 2;
}
