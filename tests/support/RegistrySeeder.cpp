#include "RegistrySeeder.h"

#include "RegistryServer.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryFile>

using namespace Qt::StringLiterals;

namespace berth::test {

namespace {

constexpr int SeedTimeoutMs = 180000; // the benchmark's hundreds of images on a busy CI box
const QString PasswordVariable = u"BERTH_SEED_PASSWORD"_s;

QJsonObject failed(QString* error, const QString& message) {
    if (error) {
        *error = message;
    }
    return {};
}

} // namespace

QString RegistrySeeder::scriptPath() {
    return QStringLiteral(BERTH_SOURCE_DIR "/scripts/seed-registry");
}

QString RegistrySeeder::signerPath() {
    return QStringLiteral(BERTH_SOURCE_DIR "/tests/support/cosign_signer.py");
}

QJsonObject RegistrySeeder::seed(const RegistryServer& server, const QJsonObject& spec,
                                 QString* error) {
    return runScript(scriptPath(), server, spec, error);
}

QJsonObject RegistrySeeder::sign(const RegistryServer& server, const QJsonObject& spec,
                                 QString* error) {
    return runScript(signerPath(), server, spec, error);
}

QJsonObject RegistrySeeder::runScript(const QString& script, const RegistryServer& server,
                                      const QJsonObject& spec, QString* error) {
    const QString name = QFileInfo(script).fileName();
    QTemporaryFile specFile;
    if (!specFile.open()) {
        return failed(error, u"could not create a spec file: %1"_s.arg(specFile.errorString()));
    }
    specFile.write(QJsonDocument(spec).toJson(QJsonDocument::Compact));
    specFile.flush();

    QStringList arguments{u"--registry"_s, server.hostPort()};
    if (server.options().tls) {
        arguments << u"--tls"_s << u"--ca-file"_s << server.caFile();
    }
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (server.options().auth != RegistryServer::Auth::None) {
        // The password travels in the environment, never on a command line.
        environment.insert(PasswordVariable, server.options().password);
        arguments << u"--username"_s << server.options().username << u"--password-env"_s
                  << PasswordVariable;
    }
    arguments << specFile.fileName();

    QProcess process;
    process.setProcessEnvironment(environment);
    // Run with Debian's python explicitly: a pyenv python3 first on PATH must not matter.
    process.start(u"/usr/bin/python3"_s, QStringList{script} + arguments);
    if (!process.waitForStarted()) {
        return failed(error, u"could not run %1: %2"_s.arg(script, process.errorString()));
    }
    if (!process.waitForFinished(SeedTimeoutMs)) {
        process.kill();
        process.waitForFinished();
        return failed(error,
                      u"%1 did not finish within %2 s"_s.arg(name).arg(SeedTimeoutMs / 1000));
    }
    const QString stderrText = QString::fromUtf8(process.readAllStandardError()).trimmed();
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        return failed(
            error, u"%1 failed (exit %2): %3"_s.arg(name).arg(process.exitCode()).arg(stderrText));
    }
    QJsonParseError parseError;
    const QJsonDocument answer =
        QJsonDocument::fromJson(process.readAllStandardOutput(), &parseError);
    if (!answer.isObject()) {
        return failed(error,
                      u"%1 printed no JSON object: %2"_s.arg(name, parseError.errorString()));
    }
    if (error) {
        error->clear();
    }
    return answer.object();
}

bool RegistrySeeder::seedRepository(const RegistryServer& server, const QString& repository,
                                    const QJsonArray& images) {
    QString error;
    seed(server, {{u"repository"_s, repository}, {u"images"_s, images}}, &error);
    if (!error.isEmpty())
        qWarning("%s", qPrintable(error));
    return error.isEmpty();
}

QJsonObject RegistrySeeder::image(const QStringList& tags, const QString& layerSeed) {
    return QJsonObject{{u"tags"_s, QJsonArray::fromStringList(tags)},  {u"format"_s, u"oci"_s},
                       {u"created"_s, u"2026-01-02T03:04:05Z"_s},      {u"labels"_s, QJsonObject{}},
                       {u"platforms"_s, QJsonArray{u"linux/amd64"_s}}, {u"layerSeed"_s, layerSeed}};
}

} // namespace berth::test
