#pragma once

// Runs a command-line program (berthctl, openssl, git) to its end and keeps what it said:
// the tests' one way to drive a process.

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace berth::test {

struct CtlRun {
    int exitCode = -1; // -1: it did not start, crashed or ran past two minutes
    QByteArray out;
    QString err;
    QJsonObject json() const; // stdout as a JSON object
};

// `program` with `arguments`, the process environment plus `environment`, in
// `workingDirectory` (empty: the test's), `input` on stdin.
CtlRun runProgram(const QString& program, const QStringList& arguments,
                  const QHash<QString, QString>& environment = {},
                  const QString& workingDirectory = {}, const QByteArray& input = {});

} // namespace berth::test
