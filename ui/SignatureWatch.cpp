#include "SignatureWatch.h"

#include "DetailsPanel.h"

#include "registry/ImageReference.h"
#include "release/SignatureGate.h"
#include "signing/SignatureChecker.h"
#include "timeline/RepositoryLoader.h"
#include "timeline/TimelineModel.h"

namespace berth::ui {

SignatureWatch::SignatureWatch(OptionsSource options, PolicySource policy,
                               ShownRepository repository, ShownDigest shown,
                               RepositoryLoader* loader, TimelineModel* timeline,
                               DetailsPanel* details, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_policy(std::move(policy))
    , m_repository(std::move(repository))
    , m_shown(std::move(shown))
    , m_timeline(timeline)
    , m_details(details)
    , m_checker(new SignatureChecker(this)) {
    m_checker->setHistory([loader]() -> HistoryAccess* { return loader->history(); });
    connect(
        m_checker, &SignatureChecker::verdictReady, this,
        [this](const QString& repository, const QString& digest, const SignatureVerdict& verdict) {
            if (repository != m_repository())
                return;
            m_timeline->setSignatureVerdict(digest, verdict);
            if (m_shown() == digest)
                m_details->showSignatureSummary(verdict.summary);
        });
}

void SignatureWatch::check() {
    const QString repository = m_repository();
    const Result<ImageReference> reference = ImageReference::parse(repository);
    if (repository.isEmpty() || !reference)
        return m_checker->cancel();
    // A gate whose committed key is unusable verifies with no key: builds read unverified.
    const Result<SignatureGate> gate = signatureGate(m_policy(), {});
    m_checker->check(reference->domain(), reference->path(), m_options(reference->domain()),
                     m_timeline->builds(), gate ? gate->trust : SignatureTrust{});
}

void SignatureWatch::describe(const Build& build) {
    const QString repository = m_repository();
    const Result<ImageReference> reference = ImageReference::parse(repository);
    if (build.accessories.isEmpty() || !reference)
        return;
    m_checker->describe(reference->domain(), reference->path(), m_options(reference->domain()),
                        build.accessories, m_details,
                        [this, digest = build.digest, repository](
                            Result<QList<SignatureReader::AccessoryDescription>> described) {
                            // Only while the same build is shown.
                            if (!described || repository != m_repository() || m_shown() != digest)
                                return;
                            m_details->showAccessories(described.value());
                        });
}

void SignatureWatch::cancel() {
    m_checker->cancel();
}

} // namespace berth::ui
