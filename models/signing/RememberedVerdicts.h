#pragma once

// Signature verdicts kept in the history by build (schema 5), so a verdict outlives the
// process: the window shows a build's last verdict before the registry answers, and a
// reader given them (SignatureReader::setKnownVerdicts) judges again only a build whose
// signature manifest changed. A verdict counts only under the trust it was judged with:
// new keys, authorities or identities judge every build again.

#include "core/Callback.h"
#include "history/HistoryTypes.h"
#include "signing/CosignSignature.h"
#include "signing/SignatureTrust.h"

#include <QHash>

namespace berth {

class HistoryAccess;

// The row that keeps `verdict` on `digest`, judged with the trust whose fingerprint is
// `trust`; and the verdict a row keeps, nullopt for a row that is none (an unknown name).
StoredSignatureVerdict storedVerdict(const QString& registry, const QString& repository,
                                     const QString& digest, const QString& trust,
                                     const SignatureVerdict& verdict);
std::optional<SignatureVerdict> verdictOfRow(const StoredSignatureVerdict& row);

// The history's verdicts on `repository` (its path in `registry`) that `trust` earned,
// by digest. A history that cannot be read answers none: verdicts are only judged again.
void recallVerdicts(HistoryAccess& history, const QString& registry, const QString& repository,
                    const SignatureTrust& trust, QObject* context,
                    Callback<QHash<QString, SignatureVerdict>> done);

// Keeps `verdicts` (by digest) as `trust` earned them, except those `recalled` (what
// recallVerdicts answered) already holds on the same evidence: nothing is written twice.
// Only verdicts on a signature manifest that was read are kept (an unsigned build's has no
// evidence). `done`, when given, hears whether the write went through.
void rememberVerdicts(HistoryAccess& history, const QString& registry, const QString& repository,
                      const SignatureTrust& trust, const QHash<QString, SignatureVerdict>& verdicts,
                      const QHash<QString, SignatureVerdict>& recalled, QObject* context = nullptr,
                      Callback<Unit> done = {});

} // namespace berth
