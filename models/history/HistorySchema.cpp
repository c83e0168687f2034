#include "history/HistorySchema.h"

using namespace Qt::StringLiterals;

namespace berth::schema {

namespace {

// Times are integer milliseconds since the epoch (UTC) in both dialects: they sort,
// compare and convert the same way everywhere.
QStringList version1() {
    return {
        u"CREATE TABLE schema_version (version INTEGER NOT NULL)"_s,
        // Repository-independent: a digest names the same bytes in every repository.
        u"CREATE TABLE manifests (digest TEXT PRIMARY KEY, media_type TEXT NOT NULL, "
        u"size BIGINT NOT NULL DEFAULT 0, config_digest TEXT NOT NULL DEFAULT '', "
        u"created BIGINT, labels TEXT, platforms TEXT NOT NULL DEFAULT '[]', "
        u"raw %BLOB% NOT NULL, stored_at BIGINT NOT NULL)"_s,
        u"CREATE INDEX manifests_by_config ON manifests (config_digest)"_s,
        u"CREATE TABLE configs (digest TEXT PRIMARY KEY, created BIGINT, labels TEXT, "
        u"raw %BLOB% NOT NULL, stored_at BIGINT NOT NULL)"_s,
        u"CREATE TABLE tag_observations (id %ID%, registry TEXT NOT NULL, "
        u"repository TEXT NOT NULL, tag TEXT NOT NULL, digest TEXT NOT NULL, "
        u"first_seen BIGINT NOT NULL, last_seen BIGINT NOT NULL, observed_by TEXT NOT NULL)"_s,
        u"CREATE INDEX tag_observations_by_tag ON tag_observations "
        u"(registry, repository, tag, id)"_s,
        u"CREATE TABLE actions (id %ID%, started_at BIGINT NOT NULL, user_name TEXT NOT NULL, "
        u"host TEXT NOT NULL, registry TEXT NOT NULL, repository TEXT NOT NULL, "
        u"tag TEXT NOT NULL, from_digest TEXT NOT NULL, to_digest TEXT NOT NULL, "
        u"kind TEXT NOT NULL, transport TEXT NOT NULL, reason TEXT NOT NULL, "
        u"state TEXT NOT NULL, error TEXT NOT NULL, finished_at BIGINT)"_s,
        u"CREATE INDEX actions_by_repository ON actions (registry, repository, id)"_s,
        u"CREATE INDEX actions_by_state ON actions (state)"_s,
        u"CREATE TABLE verdicts (registry TEXT NOT NULL, repository TEXT NOT NULL, "
        u"digest TEXT NOT NULL, environment TEXT NOT NULL, verdict TEXT NOT NULL, "
        u"decided_at BIGINT NOT NULL, user_name TEXT NOT NULL, reason TEXT NOT NULL, "
        u"PRIMARY KEY (registry, repository, digest, environment))"_s,
    };
}

// At most one pending action per tag: the database itself serialises two people
// promoting the same environment at once, across every Berth sharing it.
QStringList version2() {
    return {
        // Pending rows left by crashed runs would block the index; only the newest per
        // tag can still be in flight.
        u"UPDATE actions SET state = 'failed', error = 'superseded by a later action on "
        u"this tag before schema version 2' WHERE state = 'pending' AND id NOT IN (SELECT "
        u"MAX(id) FROM actions WHERE state = 'pending' GROUP BY registry, repository, tag)"_s,
        u"CREATE UNIQUE INDEX actions_one_pending_per_tag ON actions (registry, repository, "
        u"tag) WHERE state = 'pending'"_s,
    };
}

// Release trains: many services moved as one confirmed action. A train is one row (who,
// why, between which environments); each service's move stays an ordinary audit row that
// names its train, so every single-tag reader (timeline, pending reconciliation, lint)
// keeps working unchanged.
QStringList version3() {
    return {
        u"CREATE TABLE trains (id %ID%, started_at BIGINT NOT NULL, user_name TEXT NOT NULL, "
        u"host TEXT NOT NULL, kind TEXT NOT NULL, from_environment TEXT NOT NULL, "
        u"to_environment TEXT NOT NULL, reason TEXT NOT NULL, rolls_back BIGINT)"_s,
        u"ALTER TABLE actions ADD COLUMN train_id BIGINT"_s,
        u"CREATE INDEX actions_by_train ON actions (train_id)"_s,
    };
}

// Redeploys: a row per redeploy of a container, and one per step of it (pull, stop,
// rename, create, start, wait, remove, restore), each written pending before the engine is asked
// and finished with its result, like a retag's audit row. A table of its own: the readers of
// `actions` (timeline, insights, lint, reconciliation) each take a row there for a tag
// move. The process id lets the next Berth on the same machine tell a step whose process
// died from one still at work.
QStringList version4() {
    return {
        u"CREATE TABLE redeploy_steps (id %ID%, started_at BIGINT NOT NULL, "
        u"user_name TEXT NOT NULL, host TEXT NOT NULL, process_id BIGINT NOT NULL, "
        u"registry TEXT NOT NULL, repository TEXT NOT NULL, environment TEXT NOT NULL, "
        u"engine_host TEXT NOT NULL, container TEXT NOT NULL, from_digest TEXT NOT NULL, "
        u"to_digest TEXT NOT NULL, step TEXT NOT NULL, reason TEXT NOT NULL, "
        u"state TEXT NOT NULL, result TEXT NOT NULL, finished_at BIGINT)"_s,
        u"CREATE INDEX redeploy_steps_by_repository ON redeploy_steps (registry, repository, "
        u"id)"_s,
        // A redeploy of a container is itself a row (step "redeploy"), pending from before
        // the first step until the outcome: one at a time per container, across every
        // Berth sharing the database, and the mark a killed Berth leaves behind.
        u"CREATE UNIQUE INDEX redeploy_steps_one_redeploy ON redeploy_steps (engine_host, "
        u"container) WHERE state = 'pending' AND step = 'redeploy'"_s,
    };
}

// Signature verdicts by build: what its signatures earned, the trust they were judged
// against (a fingerprint of keys, authorities, log keys and identities) and the signature
// manifest judged (its digest). A later Berth shows them before asking the registry and
// judges again only when the signatures or the trust changed. One row per build: a cache,
// not a record, so a verdict under other keys replaces it.
QStringList version5() {
    return {
        u"CREATE TABLE signature_verdicts (registry TEXT NOT NULL, repository TEXT NOT NULL, "
        u"digest TEXT NOT NULL, trust TEXT NOT NULL, evidence TEXT NOT NULL, "
        u"verdict TEXT NOT NULL, summary TEXT NOT NULL, findings TEXT NOT NULL, "
        u"checked_at BIGINT NOT NULL, PRIMARY KEY (registry, repository, digest))"_s,
    };
}

} // namespace

QStringList migration(int version, Dialect dialect) {
    QStringList statements;
    if (version == 1)
        statements = version1();
    else if (version == 2)
        statements = version2();
    else if (version == 3)
        statements = version3();
    else if (version == 4)
        statements = version4();
    else if (version == 5)
        statements = version5();
    const bool sqlite = dialect == Dialect::Sqlite;
    for (QString& statement : statements) {
        statement.replace(u"%ID%"_s, sqlite ? u"INTEGER PRIMARY KEY AUTOINCREMENT"_s
                                            : u"BIGSERIAL PRIMARY KEY"_s);
        statement.replace(u"%BLOB%"_s, sqlite ? u"BLOB"_s : u"BYTEA"_s);
    }
    return statements;
}

QStringList tableNames() {
    return {u"schema_version"_s,   u"manifests"_s,      u"configs"_s,
            u"tag_observations"_s, u"actions"_s,        u"verdicts"_s,
            u"trains"_s,           u"redeploy_steps"_s, u"signature_verdicts"_s};
}

} // namespace berth::schema
