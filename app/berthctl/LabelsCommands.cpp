#include "LabelsCommands.h"

#include "git/BuildLabels.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

using namespace Qt::StringLiterals;

namespace berth::ctl {

namespace {

// One line for `docker build $(berthctl labels) .`: each value is a commit id, a UTC date, a
// URL, a version or a branch name git accepts, none with spaces or glob characters, so the
// shell splits the line exactly at the separators.
QString asArguments(const BuildLabels& build) {
    QStringList words;
    for (const auto& [key, value] : build.labels)
        words << u"--label"_s << u"%1=%2"_s.arg(key, value);
    return words.join(u' ') + u'\n';
}

// KEY=value lines for a dotenv file or $GITHUB_ENV: org.opencontainers.image.revision
// becomes ORG_OPENCONTAINERS_IMAGE_REVISION.
QString asEnvironment(const BuildLabels& build) {
    QString text;
    for (const auto& [key, value] : build.labels) {
        QString name = key.toUpper();
        name.replace(u'.', u'_').replace(u'-', u'_');
        text += u"%1=%2\n"_s.arg(name, value);
    }
    return text;
}

QJsonObject asJson(const BuildLabels& build) {
    QJsonObject labels;
    for (const auto& [key, value] : build.labels)
        labels.insert(key, value);
    return QJsonObject{{u"labels"_s, labels},
                       {u"dirty"_s, !build.changedFiles.isEmpty()},
                       {u"changedFiles"_s, QJsonArray::fromStringList(build.changedFiles)},
                       {u"notes"_s, QJsonArray::fromStringList(build.notes)}};
}

QString changedSummary(const QStringList& files) {
    constexpr qsizetype kNamed = 5;
    QString named = files.mid(0, kNamed).join(u", "_s);
    if (files.size() > kNamed)
        named += u" and %1 more"_s.arg(files.size() - kNamed);
    return u"%1 tracked file(s) differ from HEAD (%2)"_s.arg(files.size()).arg(named);
}

} // namespace

void runLabels(const Invocation& invocation, Finish finish) {
    if (!invocation.arguments.isEmpty()) {
        printError(u"labels takes no arguments; name the clone with --git <path>."_s);
        return finish(ExitUsage);
    }
    const QString format = invocation.json ? u"json"_s : invocation.format;
    if (!format.isEmpty() && format != u"args"_s && format != u"json"_s && format != u"env"_s) {
        printError(u"--format takes args, json or env, not \"%1\"."_s.arg(format));
        return finish(ExitUsage);
    }
    const Result<BuildLabels> build = readBuildLabels(
        invocation.gitClone, [](const char* name) { return qEnvironmentVariable(name); });
    if (!build) {
        printError(build.errorMessage());
        return finish(ExitFailure);
    }
    if (!build->changedFiles.isEmpty()) {
        const QString changed = changedSummary(build->changedFiles);
        if (invocation.requireClean) {
            printError(changed + u": an image built from this work tree would not be the "
                                 u"commit its labels name. Commit or stash them "
                                 u"(--require-clean)."_s);
            return finish(ExitRefused);
        }
        printWarning(changed + u": the image will not be exactly the commit its labels name."_s);
    }
    for (const QString& note : build->notes)
        printWarning(note);
    if (format == u"json"_s)
        printJson(asJson(*build));
    else
        QTextStream(stdout) << (format == u"env"_s ? asEnvironment(*build) : asArguments(*build));
    finish(ExitOk);
}

} // namespace berth::ctl
