#include "signing/RememberedVerdicts.h"

#include "history/HistoryAccess.h"
#include "history/HistoryStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

std::optional<SignatureVerdictKind> verdictKindOf(const QString& name) {
    for (const SignatureVerdictKind kind :
         {SignatureVerdictKind::Unsigned, SignatureVerdictKind::SignedUnverified,
          SignatureVerdictKind::Invalid, SignatureVerdictKind::Verified}) {
        if (signatureVerdictName(kind) == name)
            return kind;
    }
    return std::nullopt;
}

QByteArray findingsJson(const QList<SignatureFinding>& findings) {
    QJsonArray array;
    for (const SignatureFinding& finding : findings)
        array.append(QJsonObject{{u"layer"_s, finding.layerDigest},
                                 {u"verdict"_s, signatureVerdictName(finding.kind)},
                                 {u"detail"_s, finding.detail},
                                 {u"key"_s, finding.keyFingerprint}});
    return QJsonDocument(array).toJson(QJsonDocument::Compact);
}

std::optional<QList<SignatureFinding>> findingsOf(const QByteArray& json) {
    const QJsonDocument document = QJsonDocument::fromJson(json);
    if (!document.isArray())
        return std::nullopt;
    QList<SignatureFinding> findings;
    for (const QJsonValue& value : document.array()) {
        const QJsonObject object = value.toObject();
        const std::optional<SignatureVerdictKind> kind =
            verdictKindOf(object.value(u"verdict"_s).toString());
        if (!kind)
            return std::nullopt;
        findings.append(SignatureFinding{object.value(u"layer"_s).toString(), *kind,
                                         object.value(u"detail"_s).toString(),
                                         object.value(u"key"_s).toString()});
    }
    return findings;
}

} // namespace

StoredSignatureVerdict storedVerdict(const QString& registry, const QString& repository,
                                     const QString& digest, const QString& trust,
                                     const SignatureVerdict& verdict) {
    return StoredSignatureVerdict{registry,
                                  repository,
                                  digest,
                                  trust,
                                  verdict.evidence,
                                  signatureVerdictName(verdict.kind),
                                  verdict.summary,
                                  findingsJson(verdict.findings),
                                  QDateTime::currentDateTimeUtc()};
}

std::optional<SignatureVerdict> verdictOfRow(const StoredSignatureVerdict& row) {
    const std::optional<SignatureVerdictKind> kind = verdictKindOf(row.verdict);
    std::optional<QList<SignatureFinding>> findings = findingsOf(row.findings);
    // A row a person or another version mangled is no verdict: the build is judged again.
    if (!kind || !findings || row.evidence.isEmpty())
        return std::nullopt;
    return SignatureVerdict{*kind, row.summary, std::move(*findings), row.evidence};
}

void recallVerdicts(HistoryAccess& history, const QString& registry, const QString& repository,
                    const SignatureTrust& trust, QObject* context,
                    Callback<QHash<QString, SignatureVerdict>> done) {
    history.run<QHash<QString, SignatureVerdict>>(
        context,
        [registry, repository, fingerprint = trust.fingerprint()](
            HistoryStore& store) -> Result<QHash<QString, SignatureVerdict>> {
            const Result<QList<StoredSignatureVerdict>> rows =
                store.signatureVerdicts(registry, repository);
            QHash<QString, SignatureVerdict> byDigest;
            if (!rows)
                return rows.error();
            for (const StoredSignatureVerdict& row : rows.value()) {
                if (row.trust != fingerprint)
                    continue;
                if (std::optional<SignatureVerdict> verdict = verdictOfRow(row))
                    byDigest.insert(row.digest, std::move(*verdict));
            }
            return byDigest;
        },
        [done = std::move(done)](Result<QHash<QString, SignatureVerdict>> recalled) {
            // A history that cannot be opened recalls nothing; the builds are judged anew.
            done(recalled ? std::move(recalled) : QHash<QString, SignatureVerdict>());
        });
}

void rememberVerdicts(HistoryAccess& history, const QString& registry, const QString& repository,
                      const SignatureTrust& trust, const QHash<QString, SignatureVerdict>& verdicts,
                      const QHash<QString, SignatureVerdict>& recalled, QObject* context,
                      Callback<Unit> done) {
    QList<StoredSignatureVerdict> rows;
    const QString fingerprint = trust.fingerprint();
    for (auto it = verdicts.cbegin(); it != verdicts.cend(); ++it) {
        const QString& evidence = it.value().evidence;
        const auto kept = recalled.constFind(it.key());
        if (evidence.isEmpty() || (kept != recalled.cend() && kept->evidence == evidence))
            continue;
        rows.append(storedVerdict(registry, repository, it.key(), fingerprint, it.value()));
    }
    if (rows.isEmpty()) {
        if (done)
            done(Unit{});
        return;
    }
    history.run<Unit>(
        context, [rows](HistoryStore& store) { return store.storeSignatureVerdicts(rows); },
        [done = std::move(done)](Status written) {
            if (done)
                done(std::move(written));
        });
}

} // namespace berth
