#include "signing/SignatureChecker.h"

#include "registry/RegistryClient.h"

#include <QCryptographicHash>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace berth {

SignatureChecker::SignatureChecker(QObject* parent)
    : QObject(parent) {
}

SignatureChecker::~SignatureChecker() = default;

QString SignatureChecker::cacheKey(const QString& reference, const SignatureTrust& trust) {
    // Any change of what is trusted asks again.
    QStringList parts;
    for (const VerificationKey& key : trust.keys)
        parts.append(key.fingerprint());
    for (const VerificationKey& key : trust.logKeys)
        parts.append(u"log "_s + key.fingerprint());
    for (const CertificateAuthorities& authority : trust.authorities)
        for (const QByteArray& der : authority.certificates())
            parts.append(u"ca "_s +
                         QString::fromLatin1(
                             QCryptographicHash::hash(der, QCryptographicHash::Sha256).toHex()));
    for (const CertificateIdentity& identity : trust.identities)
        parts.append(u"id "_s + identity.text());
    parts.sort();
    return reference + u'|' + parts.join(u',');
}

void SignatureChecker::useRegistry(const QString& registry, const RegistryOptions& options) {
    // One client per registry, kept while the window stays on it: connections and the
    // token serve every build's reads.
    if (m_client && m_clientRegistry == registry)
        return;
    delete m_reader;
    m_reader = nullptr;
    delete m_describer;
    m_client = std::make_unique<RegistryClient>(registry, options);
    m_clientRegistry = registry;
    m_describer = new SignatureReader(m_client.get(), registry, {}, this);
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

    for (const Build& build : builds) {
        const bool isSigned =
            std::any_of(build.accessories.cbegin(), build.accessories.cend(),
                        [](const Accessory& a) { return a.kind == AccessoryKind::Signature; });
        if (!isSigned)
            continue;
        const QString key = cacheKey(fullName + u'@' + build.digest, trust);
        if (const auto known = m_cache.constFind(key); known != m_cache.cend()) {
            emit verdictReady(fullName, build.digest, known.value());
            continue;
        }
        ++m_waiting;
        m_reader->verify(repository, build.digest, this,
                         [this, generation, fullName, digest = build.digest,
                          key](Result<SignatureVerdict> verdict) {
                             if (generation != m_generation)
                                 return;
                             SignatureVerdict shown;
                             if (verdict) {
                                 shown = verdict.value();
                                 m_cache.insert(key, shown); // a failed read is asked again
                             } else {
                                 shown.kind = SignatureVerdictKind::SignedUnverified;
                                 shown.summary = u"not checked: "_s + verdict.errorMessage();
                             }
                             emit verdictReady(fullName, digest, shown);
                             if (--m_waiting == 0)
                                 emit finished();
                         });
    }
    if (m_waiting == 0)
        emit finished();
}

} // namespace berth
