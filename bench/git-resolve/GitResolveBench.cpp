// Times Berth's git layer against the git command on the same repository in the
// same run: resolving SHA tags to commits, and a 1,000-commit A..B list.
// Usage: git-resolve-bench <repository> <tags-file> <from> <to> [runs]

#include "git/CommitRange.h"
#include "git/CommitResolver.h"
#include "git/GitError.h"
#include "git/GitLibrary.h"
#include "registry/Build.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTextStream>

#include <algorithm>
#include <functional>

using namespace Qt::StringLiterals;
using namespace berth;

namespace {

struct Timing {
    double firstMs = 0;
    double medianMs = 0;
    QString note;
};

Timing measure(int runs, const std::function<QString()>& body) {
    QList<double> samples;
    Timing timing;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        timing.note = body();
        samples.append(static_cast<double>(timer.nsecsElapsed()) / 1e6);
    }
    timing.firstMs = samples.first();
    std::sort(samples.begin(), samples.end());
    timing.medianMs = samples[samples.size() / 2];
    return timing;
}

QByteArray runGit(const QString& repository, const QStringList& arguments,
                  const QByteArray& input = {}) {
    QProcess git;
    git.start(u"git"_s, QStringList{u"-C"_s, repository} + arguments);
    git.write(input);
    git.closeWriteChannel();
    git.waitForFinished(-1);
    return git.readAllStandardOutput();
}

void row(QTextStream& out, const QString& what, const Timing& timing, const QString& goal) {
    out << what.leftJustified(58) << QString::number(timing.medianMs, 'f', 1).rightJustified(9)
        << QString::number(timing.firstMs, 'f', 1).rightJustified(9) << "  "
        << goal.leftJustified(8) << timing.note << Qt::endl;
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const GitLibrary git;
    const QStringList arguments = app.arguments();
    if (arguments.size() < 5) {
        QTextStream(stderr) << "usage: git-resolve-bench <repository> <tags-file> <from> <to> "
                               "[runs]\n";
        return 2;
    }
    const QString repository = arguments[1];
    const QString from = arguments[3];
    const QString to = arguments[4];
    const int runs = arguments.size() > 5 ? std::max(1, arguments[5].toInt()) : 5;
    QFile tagsFile(arguments[2]);
    if (!tagsFile.open(QIODevice::ReadOnly))
        return 2;
    const QByteArray tagBytes = tagsFile.readAll();
    QList<Build> builds;
    for (const QByteArray& line : tagBytes.split('\n')) {
        if (line.isEmpty())
            continue;
        Build build;
        build.digest = QString::fromLatin1(line);
        build.revision = build.digest;
        builds.append(build);
    }

    QTextStream out(stdout);
    out << u"%1 runs each; times in ms"_s.arg(runs) << Qt::endl;
    out << u"measure"_s.leftJustified(58) << u"median"_s.rightJustified(9)
        << u"first"_s.rightJustified(9) << "  " << u"goal"_s.leftJustified(8) << "result"
        << Qt::endl;

    row(out, u"Berth: resolve %1 SHA tags (batch, full commit info)"_s.arg(builds.size()),
        measure(runs,
                [&] {
                    const QList<BuildCommit> resolved =
                        CommitResolver::resolveBuildsAsync(repository, builds).result();
                    int ok = 0;
                    int ambiguous = 0;
                    for (const BuildCommit& entry : resolved) {
                        ok += entry.commit.ok() ? 1 : 0;
                        ambiguous += !entry.commit.ok() &&
                                             entry.commit.error().code == GitErrorCode::Ambiguous
                                         ? 1
                                         : 0;
                    }
                    return u"%1 commits, %2 ambiguous"_s.arg(ok).arg(ambiguous);
                }),
        u"<= 500"_s);
    row(out, u"git cat-file --batch-check (ids and types only)"_s,
        measure(runs,
                [&] {
                    const QByteArray answer =
                        runGit(repository, {u"cat-file"_s, u"--batch-check"_s}, tagBytes);
                    return u"%1 commits, %2 ambiguous"_s.arg(answer.count(" commit "))
                        .arg(answer.count(" ambiguous"));
                }),
        QString());

    const GitOid fromId = *GitOid::fromHex(from);
    const GitOid toId = *GitOid::fromHex(to);
    const Result<GitRepository> opened = GitRepository::open(repository);
    if (!opened) {
        QTextStream(stderr) << opened.errorMessage() << Qt::endl;
        return 1;
    }
    row(out, u"Berth: CommitRange A..B and B..A, descendant, commit info"_s,
        measure(runs,
                [&] {
                    const Result<CommitRange> range =
                        CommitRange::compute(opened.value(), fromId, toId);
                    return range
                               ? u"%1 gained, %2 lost, descends %3"_s.arg(range->gained.totalCount)
                                     .arg(range->lost.totalCount)
                                     .arg(range->toDescendsFromFrom ? u"yes"_s : u"no"_s)
                               : range.errorMessage();
                }),
        u"<= 50"_s);
    row(out, u"Berth: ids only (revList A..B)"_s,
        measure(runs,
                [&] {
                    const Result<QList<GitOid>> ids = revList(opened.value(), fromId, toId);
                    return ids ? u"%1 ids"_s.arg(ids->size()) : ids.errorMessage();
                }),
        QString());
    row(out, u"git rev-list A..B"_s,
        measure(runs,
                [&] {
                    return u"%1 ids"_s.arg(
                        runGit(repository, {u"rev-list"_s, from + u".."_s + to}).count('\n'));
                }),
        QString());
    row(out, u"git log --format=%H%x09%an%x09%at%x09%s A..B"_s,
        measure(runs,
                [&] {
                    return u"%1 commits"_s.arg(
                        runGit(repository, {u"log"_s, u"--format=%H%x09%an%x09%at%x09%s"_s,
                                            from + u".."_s + to})
                            .count('\n'));
                }),
        QString());
    return 0;
}
