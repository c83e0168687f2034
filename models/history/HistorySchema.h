#pragma once

// The history database's schema, one version at a time. Each migration is a list of
// statements applied in one transaction together with the new version number, so a
// database is always at exactly one known version.

#include <QStringList>

namespace berth::schema {

enum class Dialect { Sqlite, Postgres };

inline constexpr int kLatestVersion = 5;
// The first version whose actions name their release train.
inline constexpr int kTrainsVersion = 3;
// The first version that records the steps of redeploying containers.
inline constexpr int kRedeployVersion = 4;
// The first version that keeps signature verdicts.
inline constexpr int kSignatureVerdictsVersion = 5;

// The statements that take a database from `version - 1` to `version`.
QStringList migration(int version, Dialect dialect);

// Every table Berth creates; a database holding any other table is not Berth's.
QStringList tableNames();

} // namespace berth::schema
