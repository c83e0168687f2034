#pragma once

// Reads WWW-Authenticate challenges (RFC 7235) so the client can pick how to log in
// to a registry: the header grammar is subtle enough to deserve its own unit.

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace berth {

struct AuthChallenge {
    QString scheme;                // lower-cased: "bearer", "basic", ...
    QMap<QString, QString> params; // keys lower-cased, values unescaped
    QString token68;               // when the challenge carries a token68 instead of params

    QString param(const QString& name) const; // case-insensitive lookup, empty if absent
};

// Every challenge from every WWW-Authenticate header line: several challenges per
// line, several lines, quoted strings with backslash escapes and embedded commas,
// token values, any case for scheme and parameter names, stray whitespace and empty
// list elements. Malformed input never throws; what can be read is returned.
QList<AuthChallenge> parseAuthChallenges(const QList<QByteArray>& headerValues);

// Bearer over Basic; nullopt when neither is offered.
std::optional<AuthChallenge> preferredChallenge(const QList<AuthChallenge>& challenges);

// Splits a scope parameter into its space-separated scopes.
QStringList splitScopes(const QString& scope);

} // namespace berth
