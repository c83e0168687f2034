#include "CtlSupport.h"

#include "core/DisplayText.h"
#include "registry/RegistryClient.h"

#include <QCoreApplication>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

using namespace Qt::StringLiterals;

namespace berth::ctl {

// Every printer below may carry a registry's, an engine's or a remote's words.
void printError(const QString& message) {
    QTextStream(stderr) << "berthctl: " << escapedForTerminal(message) << Qt::endl;
}

std::optional<ImageReference> parseRepository(const QString& command, const QString& text) {
    const Result<ImageReference> reference = ImageReference::parse(text);
    if (!reference) {
        printError(reference.error().message);
        return std::nullopt;
    }
    if (!reference->tag().isEmpty() || !reference->digest().isEmpty()) {
        printError(
            u"%1 takes a repository, not an image: drop the tag or digest from \"%2\"."_s.arg(
                command, text));
        return std::nullopt;
    }
    return reference.value();
}

std::optional<ImageReference> soleRepositoryArgument(const Invocation& invocation) {
    if (invocation.arguments.size() != 1) {
        printError(u"%1 needs exactly one repository, e.g. localhost:5000/acme/app."_s.arg(
            invocation.command));
        return std::nullopt;
    }
    return parseRepository(invocation.command, invocation.arguments.first());
}

RegistryClient* makeClient(const QString& domain, const Invocation& invocation) {
    auto* client = new RegistryClient(domain, invocation.registry, qApp);
    QObject::connect(client, &RegistryClient::registryWarning, qApp, &printWarning);
    return client;
}

void printWarning(const QString& message) {
    QTextStream(stderr) << "berthctl: warning: " << escapedForTerminal(message) << Qt::endl;
}

void printJson(const QJsonValue& value) {
    const QJsonDocument document =
        value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    QTextStream(stdout) << document.toJson(QJsonDocument::Indented);
}

void printLine(const QString& line) {
    QTextStream(stdout) << escapedForTerminal(line) << Qt::endl;
}

void printTable(const QStringList& header, const QList<QStringList>& rows) {
    QList<qsizetype> widths(header.size(), 0);
    auto measure = [&widths](const QStringList& row) {
        for (qsizetype i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], row[i].size());
    };
    measure(header);
    for (const QStringList& row : rows)
        measure(row);
    QTextStream out(stdout);
    auto write = [&out, &widths](const QStringList& row) {
        QString line;
        for (qsizetype i = 0; i < row.size(); ++i)
            line += i + 1 < row.size() ? row[i].leftJustified(widths[i] + 2) : row[i];
        out << escapedForTerminal(line.trimmed()) << '\n';
    };
    write(header);
    for (const QStringList& row : rows)
        write(row);
    out.flush();
}

} // namespace berth::ctl
