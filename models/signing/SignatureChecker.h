#pragma once

// The timeline's signature verdicts: after a repository is shown, every build with a
// signature attached (a .sig tag, or a referrers fallback tag) is verified (SignatureReader), all
// at once within the client's request limit, so the first paint never waits on it. Each verdict is
// kept by digest and key set: a refresh asks again only for builds not judged with these keys, and
// a change of keys (a new berth.toml at HEAD) judges every build again. With a history, verdicts
// outlive the process (RememberedVerdicts.h): the last one is shown before the registry
// answers, and a build whose signatures did not change is not checked again.

#include "registry/Build.h"
#include "registry/RegistryOptions.h"
#include "signing/CosignSignature.h"
#include "signing/SignatureReader.h"

#include <QHash>
#include <QObject>

#include <functional>
#include <memory>

namespace berth {

class HistoryAccess;
class ReferrersLister;
class RegistryClient;

class SignatureChecker : public QObject {
    Q_OBJECT
public:
    explicit SignatureChecker(QObject* parent = nullptr);
    ~SignatureChecker() override;

    // Where verdicts are kept between runs; asked at every check (the window's database
    // can change). Unset, or answering nullptr: verdicts last as long as this object.
    void setHistory(std::function<HistoryAccess*()> history) { m_history = std::move(history); }

    // Judges the signed builds of `registry`/`repository` (its path) with `keys`; verdicts
    // already known answer at once. The checks of an earlier call are dropped.
    void check(const QString& registry, const QString& repository, const RegistryOptions& options,
               const QList<Build>& builds, const SignatureTrust& trust);
    void cancel();
    // What each of `accessories` is (SignatureReader::describe), on the same client.
    void describe(const QString& registry, const QString& repository,
                  const RegistryOptions& options, const QList<Accessory>& accessories,
                  QObject* context, Callback<QList<SignatureReader::AccessoryDescription>> done);
    bool isChecking() const { return m_waiting > 0; }

signals:
    // `repository` is host/path.
    void verdictReady(const QString& repository, const QString& digest,
                      const SignatureVerdict& verdict);
    void finished();

private:
    static QString cacheKey(const QString& reference, const QString& trustFingerprint);
    // Verifies each of `digests` with the current reader; `known`: what the history had.
    void judge(quint64 generation, const QString& registry, const QString& repository,
               const QStringList& digests, const SignatureTrust& trust,
               const QString& trustFingerprint, const QHash<QString, SignatureVerdict>& known);
    // The client of `registry`, made anew when the registry changes (and the readers with it).
    void useRegistry(const QString& registry, const RegistryOptions& options);

    std::function<HistoryAccess*()> m_history;
    QHash<QString, SignatureVerdict> m_cache; // by host/path@digest and key set
    std::unique_ptr<RegistryClient> m_client;
    SignatureReader* m_reader = nullptr;    // this check's keys
    SignatureReader* m_describer = nullptr; // no keys: it only reads
    ReferrersLister* m_referrers = nullptr; // what the registry's API is, learnt once
    QString m_clientRegistry;
    quint64 m_generation = 0;
    int m_waiting = 0;
};

} // namespace berth
