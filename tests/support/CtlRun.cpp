#include "CtlRun.h"

#include <QJsonDocument>
#include <QProcess>
#include <QProcessEnvironment>

namespace berth::test {

namespace {

constexpr int kRunTimeoutMs = 120000;

} // namespace

QJsonObject CtlRun::json() const {
    return QJsonDocument::fromJson(out).object();
}

CtlRun runProgram(const QString& program, const QStringList& arguments,
                  const QHash<QString, QString>& environment, const QString& workingDirectory,
                  const QByteArray& input) {
    QProcess process;
    QProcessEnvironment variables = QProcessEnvironment::systemEnvironment();
    for (auto it = environment.cbegin(); it != environment.cend(); ++it)
        variables.insert(it.key(), it.value());
    process.setProcessEnvironment(variables);
    if (!workingDirectory.isEmpty())
        process.setWorkingDirectory(workingDirectory);
    process.start(program, arguments);
    process.write(input);
    process.closeWriteChannel();
    CtlRun run;
    if (process.waitForFinished(kRunTimeoutMs) && process.exitStatus() == QProcess::NormalExit)
        run.exitCode = process.exitCode();
    run.out = process.readAllStandardOutput();
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

} // namespace berth::test
