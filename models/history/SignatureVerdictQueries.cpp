// The history store's signature verdicts (schema 5): a cache by build, so a verdict
// survives the process and is judged again only when its evidence or trust changed.

#include "history/HistoryStore.h"

#include "history/HistorySchema.h"
#include "history/HistoryValues.h"

using namespace Qt::StringLiterals;

namespace berth {

Status HistoryStore::storeSignatureVerdicts(const QList<StoredSignatureVerdict>& verdicts) {
    if (const Status allowed = writable(); !allowed)
        return allowed.error();
    if (verdicts.isEmpty())
        return success();
    // Not durably: a verdict lost to a power cut is only judged again.
    return inTransaction(u"keep signature verdicts"_s, [this, &verdicts]() -> Status {
        for (const StoredSignatureVerdict& verdict : verdicts) {
            Result<QSqlQuery> query = run(
                u"keep the signature verdict of %1"_s.arg(verdict.digest),
                u"INSERT INTO signature_verdicts (registry, repository, digest, trust, evidence, "
                u"verdict, summary, findings, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                u"ON CONFLICT (registry, repository, digest) DO UPDATE SET trust = "
                u"excluded.trust, evidence = excluded.evidence, verdict = excluded.verdict, "
                u"summary = excluded.summary, findings = excluded.findings, checked_at = "
                u"excluded.checked_at"_s,
                {verdict.registry, verdict.repository, verdict.digest, verdict.trust,
                 verdict.evidence, verdict.verdict, verdict.summary,
                 QString::fromUtf8(verdict.findings), toMsOrNow(verdict.checkedAt)});
            if (!query)
                return query.error();
        }
        return success();
    });
}

Result<QList<StoredSignatureVerdict>>
HistoryStore::signatureVerdicts(const QString& registry, const QString& repository) const {
    if (m_version < schema::kSignatureVerdictsVersion)
        return QList<StoredSignatureVerdict>{}; // a database from before the cache has none
    Result<QSqlQuery> query =
        run(u"read the signature verdicts"_s,
            u"SELECT digest, trust, evidence, verdict, summary, findings, checked_at FROM "
            u"signature_verdicts WHERE registry = ? AND repository = ? ORDER BY digest"_s,
            {registry, repository});
    if (!query)
        return query.error();
    QList<StoredSignatureVerdict> list;
    while (query.value().next()) {
        const QSqlQuery& row = query.value();
        list.append(StoredSignatureVerdict{registry, repository, row.value(0).toString(),
                                           row.value(1).toString(), row.value(2).toString(),
                                           row.value(3).toString(), row.value(4).toString(),
                                           row.value(5).toString().toUtf8(), fromMs(row.value(6))});
    }
    return list;
}

} // namespace berth
