#include "DockerCli.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace berth::test {

namespace {

const QString kDockerCli = u"/usr/bin/docker"_s;
const QString kBusybox = u"/bin/busybox"_s;

bool writeFile(const QString& path, const QByteArray& content) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

} // namespace

DockerCli::DockerCli(QString workDir)
    : m_workDir(std::move(workDir)) {
    QDir().mkpath(configDir());
}

QString DockerCli::unavailableReason() {
    if (!QFile::exists(kDockerCli) || !QFile::exists(kBusybox))
        return u"the docker CLI or a static busybox is missing"_s;
    return {};
}

QString DockerCli::configDir() const {
    return m_workDir + u"/docker-config"_s;
}

CtlRun DockerCli::run(const QString& host, const QStringList& arguments) const {
    return runProgram(kDockerCli, QStringList{u"-H"_s, host} + arguments,
                      {{u"DOCKER_CONFIG"_s, configDir()}, {u"DOCKER_BUILDKIT"_s, u"0"_s}});
}

bool DockerCli::ok(const QString& host, const QStringList& arguments) const {
    const CtlRun result = run(host, arguments);
    if (result.exitCode != 0)
        qWarning("docker %s: %s", qPrintable(arguments.join(u' ')), qPrintable(result.err));
    return result.exitCode == 0;
}

QString DockerCli::buildAndPush(const QString& host, const QString& image, const QString& lines,
                                const QHash<QString, QByteArray>& files) const {
    const QString context =
        m_workDir + u"/build-"_s + QUuid::createUuid().toString(QUuid::WithoutBraces);
    if (!QDir().mkpath(context) || !QFile::copy(kBusybox, context + u"/busybox"_s))
        return {};
    QString dockerfile = u"FROM scratch\nCOPY busybox /busybox\n"_s;
    for (auto file = files.cbegin(); file != files.cend(); ++file) {
        if (!writeFile(context + u'/' + file.key(), file.value()))
            return {};
        dockerfile += u"COPY %1 /%1\n"_s.arg(file.key());
    }
    dockerfile += u"ENTRYPOINT [\"/busybox\"]\n"_s + lines;
    if (!writeFile(context + u"/Dockerfile"_s, dockerfile.toUtf8()) ||
        !ok(host, {u"build"_s, u"-q"_s, u"-t"_s, image, context}) || !ok(host, {u"push"_s, image}))
        return {};
    const CtlRun digest =
        run(host, {u"image"_s, u"inspect"_s, u"--format"_s, u"{{index .RepoDigests 0}}"_s, image});
    return QString::fromUtf8(digest.out).trimmed().section(u'@', 1);
}

QJsonObject DockerCli::inspect(const QString& host, const QString& container) const {
    const CtlRun result = run(host, {u"container"_s, u"inspect"_s, container});
    if (result.exitCode != 0)
        return {};
    return QJsonDocument::fromJson(result.out).array().first().toObject();
}

} // namespace berth::test
