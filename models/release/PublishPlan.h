#pragma once

// What `berthctl publish` does to a build CI just pushed: the tag set the policy asks for
// (short SHA, <branch>-<sha>, the exact version, the floating v2.4 / v2 pointers and
// latest), and for each tag whether it is created, moved, kept or left alone, and why.
// Pure: the registry's answers come in, decisions come out, so every rule is testable
// without a server.
//
// Floating tags only move forward: v2.4 follows the highest release 2.4.x the registry
// holds, v2 the highest 2.x.y, latest the highest release of all. A late hotfix v2.3.9
// published after v2.4.1 moves v2.3 only. Pre-releases get their exact tag and nothing
// else.

#include "policy/SemanticVersion.h"
#include "policy/TagPolicy.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace berth {

// The build being published and where it comes from.
struct PublishSubject {
    QString digest;
    QString commit; // the clone's HEAD, 40 hex
    QString branch; // empty when unknown (detached, no CI variable)
    std::optional<SemanticVersion> version;
};

enum class PublishIntent {
    Apply, // the tag belongs on the build
    Hold,  // a floating tag that stays where it is: a higher release holds it
};

struct PublishCandidate {
    QString tag;
    TagKind kind = TagKind::Other;
    PublishIntent intent = PublishIntent::Apply;
    QString why; // the rule that put the tag in the set, or holds it back
};

// The tags the policy asks for, in a fixed order (commit, branch-commit, exact, minor,
// major, latest). `registryTags` is every tag of the repository; only versions among them
// matter (they decide which floating tags move). Notes say what the set leaves out and why.
struct PublishTagSet {
    QList<PublishCandidate> candidates;
    QStringList notes;
};
PublishTagSet publishTagSet(const TagPolicy& policy, const PublishSubject& subject,
                            const QStringList& registryTags);

enum class PublishAction {
    Create,   // the tag does not exist: it is added
    Move,     // a floating tag moves forward to the build
    Keep,     // already on the build: nothing to do
    Hold,     // a floating tag a higher release holds: left where it is
    Conflict, // an immutable tag already on another build: the whole publish is refused
};
QString publishActionName(PublishAction action); // "create", "move", "keep", "hold", "conflict"

struct PublishStep {
    QString tag;
    TagKind kind = TagKind::Other;
    PublishAction action = PublishAction::Create;
    QString now;   // digest the tag points at ("" = absent)
    QString after; // digest it will point at
    QString why;

    bool changesRegistry() const {
        return action == PublishAction::Create || action == PublishAction::Move;
    }
};

struct PublishPlan {
    QString repository;
    PublishSubject subject;
    QList<PublishStep> steps;
    QStringList notes;
    QStringList refusals; // any refusal: nothing is applied (exit 3)

    bool refused() const { return !refusals.isEmpty(); }
    QList<PublishStep> changes() const;
    // One line per tag: tag, now, after, why; then notes and refusals.
    QString text() const;
    QJsonObject toJson() const;
};

// Decides each candidate against where its tag points now (`current`: tag -> digest, ""
// or missing = absent).
PublishPlan settlePublishPlan(const TagPolicy& policy, const QString& repository,
                              const PublishSubject& subject, const PublishTagSet& set,
                              const QMap<QString, QString>& current);

// The build's revision label (org.opencontainers.image.revision, else git.commit) against
// the clone's HEAD: empty when they agree (an abbreviation of 7+ digits of HEAD agrees),
// else why the publish is refused.
QString revisionRefusal(const QMap<QString, QString>& labels, const QString& headCommit);
// The labels the policy requires that the build lacks.
QStringList missingRequiredLabels(const TagPolicy& policy, const QMap<QString, QString>& labels);

// A branch as the branch-SHA tag form spells it: lower case, every run of characters
// outside [a-z0-9._] one '-' (feature/Login-Fix -> feature-login-fix). Empty when nothing
// is left.
QString branchTagSlug(const QString& branch);

} // namespace berth
