#include "signing/SignatureChecker.h"

#include "registry/ReferrersLister.h"
#include "registry/RegistryClient.h"
#include "signing/RememberedVerdicts.h"

#include <QCryptographicHash>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace berth {

SignatureChecker::SignatureChecker(QObject* parent)
    : QObject(parent) {
}

SignatureChecker::~SignatureChecker() = default;

QString SignatureChecker::cacheKey(const QString& reference, const QString& trustFingerprint) {
    // Any change of what is trusted asks again.
    return reference + u'|' + trustFingerprint;
}

void SignatureChecker::useRegistry(const QString& registry, const RegistryOptions& options) {
    // One client per registry, kept while the window stays on it: connections and the
    // token serve every build's reads.
    if (m_client && m_clientRegistry == registry)
        return;
    delete m_reader;
    m_reader = nullptr;
    delete m_describer;
    delete m_referrers;
    m_client = std::make_unique<RegistryClient>(registry, options);
    m_clientRegistry = registry;
    m_referrers = new ReferrersLister(m_client.get(), this);
    m_describer = new SignatureReader(m_client.get(), registry, {}, this);
    m_describer->useReferrersLister(m_referrers);
}

void SignatureChecker::describe(const QString& registry, const QString& repository,
                                const RegistryOptions& options, const QList<Accessory>& accessories,
                                QObject* context,
                                Callback<QList<SignatureReader::AccessoryDescription>> done) {
    useRegistry(registry, options);
    m_describer->describe(repository, accessories, context, std::move(done));
}

void SignatureChecker::cancel() {
    ++m_generation;
    if (m_client)
        m_client->cancelAll();
    const bool wasChecking = m_waiting > 0;
    m_waiting = 0;
    if (wasChecking)
        emit finished();
}

void SignatureChecker::check(const QString& registry, const QString& repository,
                             const RegistryOptions& options, const QList<Build>& builds,
                             const SignatureTrust& trust) {
    cancel();
    const quint64 generation = m_generation;
    const QString fullName = registry + u'/' + repository;
    useRegistry(registry, options);
    // The reader trusts what this call does.
    delete m_reader;
    m_reader = new SignatureReader(m_client.get(), registry, trust, this);
    m_reader->useReferrersLister(m_referrers);

    // Hashed once per check: it covers every key and certificate trusted.
    const QString trustFingerprint = trust.fingerprint();
    QStringList toJudge;
    QStringList accessoryTags; // the referrers fallback tags among them
    for (const Build& build : builds) {
        for (const Accessory& accessory : build.accessories)
            accessoryTags.append(accessory.tag);
        if (!mayCarrySignatures(build.accessories))
            continue;
        const QString key = cacheKey(fullName + u'@' + build.digest, trustFingerprint);
        if (const auto known = m_cache.constFind(key); known != m_cache.cend()) {
            emit verdictReady(fullName, build.digest, known.value());
            continue;
        }
        toJudge.append(build.digest);
    }
    if (toJudge.isEmpty())
        return emit finished();
    m_reader->setListedTags(accessoryTags);
    // Checking from here on, the history's read included.
    m_waiting = int(toJudge.size());
    HistoryAccess* history = m_history ? m_history() : nullptr;
    if (!history)
        return judge(generation, registry, repository, toJudge, trust, trustFingerprint, {});
    recallVerdicts(*history, registry, repository, trust, this,
                   [this, generation, registry, repository, fullName, toJudge, trust,
                    trustFingerprint](Result<QHash<QString, SignatureVerdict>> recalled) {
                       if (generation != m_generation)
                           return;
                       const QHash<QString, SignatureVerdict> known =
                           recalled ? recalled.value() : QHash<QString, SignatureVerdict>();
                       // Shown at once: the last verdict these keys earned. The registry read that
                       // follows confirms it, or replaces it when the signatures changed since.
                       for (const QString& digest : toJudge) {
                           if (const auto last = known.constFind(digest); last != known.cend())
                               emit verdictReady(fullName, digest, last.value());
                       }
                       m_reader->setKnownVerdicts(known);
                       judge(generation, registry, repository, toJudge, trust, trustFingerprint,
                             known);
                   });
}

void SignatureChecker::judge(quint64 generation, const QString& registry, const QString& repository,
                             const QStringList& digests, const SignatureTrust& trust,
                             const QString& trustFingerprint,
                             const QHash<QString, SignatureVerdict>& known) {
    const QString fullName = registry + u'/' + repository;
    auto judged = std::make_shared<QHash<QString, SignatureVerdict>>(); // read now
    for (const QString& digest : digests) {
        const QString key = cacheKey(fullName + u'@' + digest, trustFingerprint);
        const auto kept = known.constFind(digest);
        const std::optional<SignatureVerdict> last =
            kept == known.cend() ? std::nullopt : std::optional(kept.value());
        m_reader->verify(
            repository, digest, this,
            [this, generation, registry, repository, fullName, digest, key, trust, last, judged,
             known](Result<SignatureVerdict> verdict) {
                if (generation != m_generation)
                    return;
                SignatureVerdict shown;
                if (verdict) {
                    shown = verdict.value();
                    m_cache.insert(key, shown); // a failed read is asked again
                    judged->insert(digest, shown);
                } else if (last) {
                    // The registry is away: the last verdict stands, said to be one.
                    shown = *last;
                    shown.summary +=
                        u" (as last checked; not checked now: %1)"_s.arg(verdict.errorMessage());
                } else {
                    shown.kind = SignatureVerdictKind::SignedUnverified;
                    shown.summary = u"not checked: "_s + verdict.errorMessage();
                }
                emit verdictReady(fullName, digest, shown);
                if (--m_waiting > 0)
                    return;
                if (HistoryAccess* history = m_history ? m_history() : nullptr)
                    rememberVerdicts(*history, registry, repository, trust, *judged, known);
                emit finished();
            });
    }
}

} // namespace berth
