#include "GitSandbox.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>

using namespace Qt::StringLiterals;

namespace berth::test {

GitSandbox::GitSandbox(const QString& root)
    : m_root(root) {
}

void GitSandbox::isolateThisProcess() const {
    qputenv("HOME", m_root.toUtf8());
    qputenv("XDG_CONFIG_HOME", (m_root + u"/.config"_s).toUtf8());
    qputenv("GIT_CONFIG_NOSYSTEM", "1");
}

QProcessEnvironment GitSandbox::environment() const {
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"HOME"_s, m_root);
    environment.insert(u"XDG_CONFIG_HOME"_s, m_root + u"/.config"_s);
    environment.insert(u"GIT_CONFIG_NOSYSTEM"_s, u"1"_s);
    // What a CI runner would set must come from the test, never from the machine running it.
    for (const char* name : {"BERTH_BRANCH", "CI_COMMIT_BRANCH", "GITHUB_HEAD_REF",
                             "GITHUB_REF_NAME", "BRANCH_NAME", "SOURCE_DATE_EPOCH"})
        environment.remove(QString::fromLatin1(name));
    return environment;
}

ProcessRun GitSandbox::run(const QString& program, const QStringList& arguments, const QString& dir,
                           const QProcessEnvironment& environment) const {
    QProcess process;
    process.setProcessEnvironment(environment);
    process.setWorkingDirectory(dir);
    process.start(program, arguments);
    ProcessRun result;
    if (!process.waitForFinished(120000) || process.exitStatus() != QProcess::NormalExit) {
        process.kill();
        process.waitForFinished();
        result.errors = QString::fromUtf8(process.readAllStandardError());
        return result;
    }
    result.exitCode = process.exitCode();
    result.out = process.readAllStandardOutput();
    result.errors = QString::fromUtf8(process.readAllStandardError());
    return result;
}

ProcessRun GitSandbox::berthctl(const QStringList& arguments, const QString& dir,
                                const QProcessEnvironment& extra) const {
    QProcessEnvironment environment = this->environment();
    for (const QString& name : extra.keys())
        environment.insert(name, extra.value(name));
    return run(QStringLiteral(BERTHCTL_PATH), arguments, dir, environment);
}

bool GitSandbox::git(const QString& dir, const QStringList& arguments) {
    const ProcessRun result = run(u"git"_s, arguments, dir, environment());
    if (result.exitCode == 0)
        return true;
    m_lastError = u"git %1 (in %2): %3"_s.arg(arguments.join(u' '), dir, result.errors);
    return false;
}

QString GitSandbox::gitOutput(const QString& dir, const QStringList& arguments) {
    const ProcessRun result = run(u"git"_s, arguments, dir, environment());
    if (result.exitCode == 0)
        return QString::fromUtf8(result.out).trimmed();
    m_lastError = u"git %1 (in %2): %3"_s.arg(arguments.join(u' '), dir, result.errors);
    return {};
}

QString GitSandbox::newRepository(const QString& name) {
    const QString dir = QDir(m_root).filePath(name);
    if (!QDir().mkpath(dir)) {
        m_lastError = u"cannot create %1"_s.arg(dir);
        return {};
    }
    if (!git(dir, {u"init"_s, u"-q"_s, u"-b"_s, u"main"_s}) ||
        !git(dir, {u"config"_s, u"user.name"_s, u"Ada Lovelace"_s}) ||
        !git(dir, {u"config"_s, u"user.email"_s, u"ada@example.org"_s}))
        return {};
    return dir;
}

QString GitSandbox::commitFile(const QString& dir, const QString& file, const QByteArray& content,
                               const QString& message) {
    const QString path = QDir(dir).filePath(file);
    QDir().mkpath(QFileInfo(path).path());
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(content) != content.size()) {
        m_lastError = u"cannot write %1"_s.arg(path);
        return {};
    }
    out.close();
    if (!git(dir, {u"add"_s, file}) || !git(dir, {u"commit"_s, u"-q"_s, u"-m"_s, message}))
        return {};
    return gitOutput(dir, {u"rev-parse"_s, u"HEAD"_s});
}

} // namespace berth::test
