#pragma once

// Berth's memory: every tag position ever observed, every promote and rollback it
// performed, verdicts on builds, and manifests and configs by digest. One schema on
// SQLite (default, WAL, safe for several processes) and PostgreSQL (a team's shared
// database).
//
// Threads: Qt allows a database connection only in the thread that created it, so a
// HistoryStore is used from the thread that called open(). A worker thread opens a
// HistoryStore of its own on the same location; each instance has its own connection.

#include "core/Result.h"
#include "history/HistoryLocation.h"
#include "history/HistoryTypes.h"

#include <QHash>
#include <QSqlQuery>
#include <QVariantList>

#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>

class QSqlDatabase;
class QThread;

namespace berth {

class HistoryStore {
public:
    // Error codes of refusals that left the database untouched.
    static inline const QString kNotBerthDatabase = QStringLiteral("NOT_BERTH_DATABASE");
    static inline const QString kSchemaTooNew = QStringLiteral("SCHEMA_TOO_NEW");
    static inline const QString kReadOnly = QStringLiteral("READ_ONLY");
    // SQLite's own check found damage: the file is read where it can be, never written.
    static inline const QString kDamaged = QStringLiteral("DATABASE_DAMAGED");
    // beginAction found another pending action on the same tag.
    static inline const QString kActionInProgress = QStringLiteral("ACTION_IN_PROGRESS");

    HistoryStore();
    ~HistoryStore();
    HistoryStore(const HistoryStore&) = delete;
    HistoryStore& operator=(const HistoryStore&) = delete;

    // Empty: history.sqlite in the user's data directory; a path: that SQLite file;
    // postgresql://user@host:port/dbname: PostgreSQL. Creates or migrates the schema,
    // refusing (untouched) a file that is not Berth's or has a newer schema than this
    // program knows. A read-only or damaged SQLite file opens for reading only: every
    // write then answers writeRefusal().
    Status open(const QString& location);
    void close();
    bool isOpen() const;
    // Why this database takes no writes (code kReadOnly or kDamaged); nullopt when it does.
    const std::optional<Error>& writeRefusal() const { return m_writeRefusal; }
    const HistoryLocation& location() const { return m_location; }
    int schemaVersion() const { return m_version; }

    // A new row for a tag seen for the first time or on a new digest; otherwise its
    // current row's last_seen moves forward. Tags not in the map are left alone.
    Result<RecordSummary> recordObservations(const QString& registry, const QString& repository,
                                             const QMap<QString, QString>& tagDigests,
                                             const QDateTime& seenAt, const QString& observedBy);
    // Every position of one tag, newest first.
    Result<QList<TagPosition>> tagHistory(const QString& registry, const QString& repository,
                                          const QString& tag) const;
    // Every position of every tag of a repository: by tag name, newest first within a tag.
    Result<QList<TagPosition>> positionsOfRepository(const QString& registry,
                                                     const QString& repository) const;

    // Every tag the history has seen on each digest of a repository (now or before), by
    // digest, names sorted: what a bare digest in the audit was known as.
    Result<QMap<QString, QStringList>> tagsByDigest(const QString& registry,
                                                    const QString& repository) const;
    // Every repository (path) of `registry` the history has seen a tag of, sorted.
    Result<QStringList> repositoriesSeen(const QString& registry) const;
    // The labels of every build `tag` ever pointed at, by digest, from the manifest cache in
    // one query: what insights need of a whole production history. Builds whose config was
    // never read (and indexes, which have none) are absent.
    Result<QHash<QString, QMap<QString, QString>>> labelsOfBuildsTagged(const QString& registry,
                                                                        const QString& repository,
                                                                        const QString& tag) const;

    // Writes the action as pending (before the registry is touched); returns its id. Both
    // commit durably (they survive a power cut) unless called inside durably(), whose
    // commit is then the durable one.
    Result<qint64> beginAction(Action action);
    Status finishAction(qint64 id, ActionState state, const QString& error = {});
    Result<QList<Action>> actions(const ActionFilter& filter = {}) const; // newest first
    Result<QList<Action>> pendingActions() const;                         // oldest first
    // An action written finished: a train's service that was refused or failed before its
    // move began, so the train's record names every service it was asked to move.
    Result<qint64> recordFinishedAction(Action action);

    // Redeploy steps (schema 4): written pending before the engine is asked, finished
    // with what came of it. A redeploy of a container is a row of its own (step
    // "redeploy") pending until its outcome; a second one for the same container is refused
    // with kActionInProgress.
    Result<qint64> beginRedeployStep(RedeployStep step);
    Status finishRedeployStep(qint64 id, ActionState state, const QString& result);
    Result<QList<RedeployStep>> pendingRedeploySteps() const; // oldest first
    // Of one repository, newest first; `limit` 0: all.
    Result<QList<RedeployStep>> redeploySteps(const QString& registry, const QString& repository,
                                              int limit = 0) const;
    // The steps `redeploy` (a row of step "redeploy") took so far, oldest first.
    Result<QList<RedeployStep>> stepsOfRedeploy(const RedeployStep& redeploy) const;

    Result<qint64> beginTrain(Train train);
    Result<QList<Train>> trains(int limit = 0) const;           // newest first; 0: all
    Result<std::optional<Train>> train(qint64 id) const;        // nullopt: no such train
    Result<QList<Action>> actionsOfTrain(qint64 trainId) const; // in the order they began

    Status setVerdict(Verdict verdict);
    Result<QList<Verdict>> verdicts(const QString& registry, const QString& repository) const;

    // Signature verdicts (schema 5), one per build; storing one replaces the build's
    // earlier one. All of `verdicts` are written in one transaction.
    Status storeSignatureVerdicts(const QList<StoredSignatureVerdict>& verdicts);
    Result<QList<StoredSignatureVerdict>> signatureVerdicts(const QString& registry,
                                                            const QString& repository) const;

    // Manifests and configs are immutable by digest: storing one already there is a no-op.
    Result<std::optional<ManifestBlob>> manifest(const QString& digest) const;
    Status storeManifest(const ManifestRecord& record);
    // Drops a cached manifest whose bytes turned out not to match its digest (a damaged or
    // tampered row of a shared database); the next read fetches it from the registry.
    Status forgetManifest(const QString& digest);
    Result<std::optional<QByteArray>> config(const QString& digest) const;
    // created/labels also fill in every stored manifest that uses this config.
    Status storeConfig(const QString& digest, const QByteArray& bytes, const QDateTime& created,
                       const QMap<QString, QString>& labels);

    // Runs `reads` inside one read transaction on SQLite: every statement then shares one
    // snapshot and one lock, instead of taking and dropping the file's read lock each
    // (hundreds of cached manifests per refresh). A write inside it is a savepoint and takes
    // the write lock only then. Elsewhere, or inside a transaction already, `reads` just runs.
    void readTogether(const std::function<void()>& reads);

    // Runs `body` as one transaction whose commit survives a power cut (the audit's rule);
    // writes inside it, audit rows and positions alike, commit together, once. A write
    // that fails inside it is undone alone. Nothing is committed when `body` fails.
    Status durably(const QString& purpose, const std::function<Status()>& body);

private:
    // Writes `action` as it is (pending or finished), user and host filled in when empty.
    Result<qint64> insertAction(Action action);
    // The redeploy log's rows WHERE `condition` (with its ORDER BY), bound to `values`.
    Result<QList<RedeployStep>> readRedeploySteps(const QString& purpose, const QString& condition,
                                                  const QVariantList& values) const;
    // Finishes a pending row of `table` (state, `textColumn`, finished_at) durably;
    // `missing` ("… %1 has no pending … %2.") when no such row is pending.
    Status finishPendingRow(const QString& table, const QString& textColumn, qint64 id,
                            ActionState state, const QString& text, const QString& purpose,
                            const QString& missing);
    // Runs one INSERT … RETURNING id durably; answers the new row's id.
    Result<qint64> insertReturningId(const QString& purpose, const QString& sql,
                                     const QVariantList& values);
    QSqlDatabase database() const;
    Status openSqlite();
    Status connectSqlite(bool readOnly, bool immutable);
    Status checkSqlite();
    Status writable() const;
    QString recoveryAdvice() const;
    Status openPostgres();
    Status prepareSchema();
    Result<int> readVersion() const;
    Status migrate();
    Status inTransaction(const QString& purpose, const std::function<Status()>& body);
    Status transaction(const QString& purpose, bool durable, const std::function<Status()>& body);
    Status nested(const QString& purpose, const std::function<Status()>& body);
    Result<QSqlQuery> run(const QString& purpose, const QString& sql,
                          const QVariantList& values = {}) const;
    // A statement prepared once and kept until close(), for lookups asked hundreds of
    // times per refresh (one per digest): preparing costs more than running, and on
    // PostgreSQL it is a round trip of its own.
    Result<QSqlQuery*> reusable(const QString& purpose, const QString& sql) const;
    static QVariant bindable(const QVariant& value);
    Error failure(const QString& purpose, const QString& driverText,
                  const QString& code = {}) const;

    QString m_connectionName;
    mutable std::unordered_map<QString, std::unique_ptr<QSqlQuery>> m_statements; // by SQL
    HistoryLocation m_location;
    int m_transactionDepth = 0; // open transaction plus savepoints
    QThread* m_thread = nullptr;
    int m_version = 0;
    std::optional<Error> m_writeRefusal;
};

// The operating system's login name of this process: $USER, $LOGNAME, else the account
// of the effective user id (root in a container sets neither variable).
QString currentLoginName();
// Who actions and verdicts are recorded under: the name given to setActorOverride
// (berthctl --actor), else $BERTH_ACTOR (a CI job names itself, e.g. by its URL), else
// the login name.
QString currentActor();
// For the whole process; empty restores the default.
void setActorOverride(const QString& actor);
// actor@host (program), the observed_by of this process.
QString currentObserver(const QString& program);

} // namespace berth
