#pragma once

// The shown repository's signatures, for the window. After each read of the repository it
// has every build's signatures judged (models/signing/SignatureChecker: the verdicts the
// history keeps answer first, then the registry's signatures are checked) with the trust
// the linked clone's policy names, and hands each verdict to the timeline and, for the
// build on show, to the details panel. It also describes what a shown build has attached.

#include "registry/RegistryOptions.h"

#include <QObject>

#include <functional>

namespace berth {
struct Build;
class RepositoryLoader;
class SignatureChecker;
class TimelineModel;
struct TagPolicy;
} // namespace berth

namespace berth::ui {

class DetailsPanel;

class SignatureWatch : public QObject {
    Q_OBJECT
public:
    using OptionsSource = std::function<RegistryOptions(const QString& domain)>;
    using PolicySource = std::function<TagPolicy()>;  // the policy in force now
    using ShownDigest = std::function<QString()>;     // the build the details panel shows
    using ShownRepository = std::function<QString()>; // host/path, "" when none

    // The verdicts are kept in the loader's history.
    SignatureWatch(OptionsSource options, PolicySource policy, ShownRepository repository,
                   ShownDigest shown, RepositoryLoader* loader, TimelineModel* timeline,
                   DetailsPanel* details, QObject* parent);

    // Judges the builds the timeline holds for the shown repository; stops when none is.
    void check();
    // Lists what `build` has attached in the details panel, while it is still shown.
    void describe(const Build& build);
    // Drops the checks under way: their verdicts are never drawn.
    void cancel();

private:
    OptionsSource m_options;
    PolicySource m_policy;
    ShownRepository m_repository;
    ShownDigest m_shown;
    TimelineModel* m_timeline;
    DetailsPanel* m_details;
    SignatureChecker* m_checker;
};

} // namespace berth::ui
