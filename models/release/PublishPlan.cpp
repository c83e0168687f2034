#include "release/PublishPlan.h"

#include "registry/ImageReference.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

constexpr qsizetype kLongestTag = 128; // the distribution spec's tag grammar
constexpr int kBranchCommitLength = 7; // when the policy keeps no plain commit tags

QString shortDigest(const QString& digest) {
    return digest.isEmpty() ? u"(absent)"_s : digest.left(19);
}

QString spelled(const TagPolicy& policy, const SemanticVersion& version) {
    return policy.semverPrefix + version.text();
}

// The highest release the registry holds among those `inLine` accepts, counting the one
// being published: a floating tag belongs on the build only when that is this version.
std::optional<SemanticVersion>
highestRelease(const QStringList& registryTags, const SemanticVersion& publishing,
               const std::function<bool(const SemanticVersion&)>& inLine) {
    std::optional<SemanticVersion> highest = publishing;
    for (const QString& tag : registryTags) {
        const std::optional<SemanticVersion> version = SemanticVersion::parse(tag);
        if (version && version->isRelease() && inLine(*version) && *version > *highest)
            highest = version;
    }
    return highest;
}

void addFloating(PublishTagSet& set, const TagPolicy& policy, const SemanticVersion& version,
                 const QStringList& registryTags, const QString& tag, TagKind kind,
                 const QString& line, const std::function<bool(const SemanticVersion&)>& inLine) {
    const SemanticVersion highest = *highestRelease(registryTags, version, inLine);
    PublishCandidate candidate{tag, kind, PublishIntent::Apply, {}};
    if (highest == version) {
        candidate.why = u"%1 is the highest release %2"_s.arg(spelled(policy, version), line);
    } else {
        candidate.intent = PublishIntent::Hold;
        candidate.why =
            u"%1 is higher (%2 only moves forward)"_s.arg(spelled(policy, highest), tag);
    }
    set.candidates.append(candidate);
}

} // namespace

QString branchTagSlug(const QString& branch) {
    QString slug;
    for (const QChar c : branch.toLower()) {
        const bool kept =
            (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'.' || c == u'_';
        if (kept)
            slug += c;
        else if (!slug.isEmpty() && !slug.endsWith(u'-'))
            slug += u'-';
    }
    while (slug.endsWith(u'-'))
        slug.chop(1);
    return slug;
}

PublishTagSet publishTagSet(const TagPolicy& policy, const PublishSubject& subject,
                            const QStringList& registryTags) {
    PublishTagSet set;
    if (policy.commitLength > 0)
        set.candidates.append({subject.commit.left(policy.commitLength), TagKind::GitSha,
                               PublishIntent::Apply, u"the build's commit"_s});
    if (policy.branchCommit) {
        const int length = policy.commitLength > 0 ? policy.commitLength : kBranchCommitLength;
        QString slug = branchTagSlug(subject.branch);
        slug = slug.left(kLongestTag - 1 - length);
        while (slug.endsWith(u'-'))
            slug.chop(1);
        if (subject.branch.isEmpty())
            set.notes.append(u"no <branch>-<sha> tag: the branch is not known (set BERTH_BRANCH "
                             u"on a detached checkout)"_s);
        else if (slug.isEmpty())
            set.notes.append(u"no <branch>-<sha> tag: \"%1\" has no letter or digit to spell it "
                             u"with"_s.arg(subject.branch));
        else
            set.candidates.append({slug + u'-' + subject.commit.left(length), TagKind::BranchSha,
                                   PublishIntent::Apply,
                                   u"the build's commit on %1"_s.arg(subject.branch)});
    }
    if (!subject.version) {
        set.notes.append(u"no version tags: not a release (no --version, and no release tag "
                         u"on HEAD)"_s);
        return set;
    }
    const SemanticVersion& version = *subject.version;
    set.candidates.append(
        {spelled(policy, version), TagKind::ExactSemver, PublishIntent::Apply, u"the release"_s});
    if (!version.isRelease()) {
        set.notes.append(
            u"no floating tags and no latest: %1 is a pre-release"_s.arg(spelled(policy, version)));
        return set;
    }
    const QString prefix = policy.semverPrefix;
    if (policy.floatingMinor)
        addFloating(set, policy, version, registryTags,
                    u"%1%2.%3"_s.arg(prefix).arg(version.major).arg(version.minor),
                    TagKind::FloatingSemver, u"%1.%2.x"_s.arg(version.major).arg(version.minor),
                    [&version](const SemanticVersion& other) {
                        return other.major == version.major && other.minor == version.minor;
                    });
    if (policy.floatingMajor)
        addFloating(
            set, policy, version, registryTags, u"%1%2"_s.arg(prefix).arg(version.major),
            TagKind::FloatingSemver, u"%1.x"_s.arg(version.major),
            [&version](const SemanticVersion& other) { return other.major == version.major; });
    if (policy.latest)
        addFloating(set, policy, version, registryTags, u"latest"_s, TagKind::Latest, u"of all"_s,
                    [](const SemanticVersion&) { return true; });
    return set;
}

QString publishActionName(PublishAction action) {
    switch (action) {
    case PublishAction::Create:
        return u"create"_s;
    case PublishAction::Move:
        return u"move"_s;
    case PublishAction::Keep:
        return u"keep"_s;
    case PublishAction::Hold:
        return u"hold"_s;
    case PublishAction::Conflict:
        return u"conflict"_s;
    }
    return {};
}

PublishPlan settlePublishPlan(const TagPolicy& policy, const QString& repository,
                              const PublishSubject& subject, const PublishTagSet& set,
                              const QMap<QString, QString>& current) {
    PublishPlan plan;
    plan.repository = repository;
    plan.subject = subject;
    plan.notes = set.notes;
    for (const PublishCandidate& candidate : set.candidates) {
        PublishStep step;
        step.tag = candidate.tag;
        step.kind = candidate.kind;
        step.now = current.value(candidate.tag);
        step.why = candidate.why;
        if (candidate.intent == PublishIntent::Hold) {
            step.action = PublishAction::Hold;
            step.after = step.now;
        } else if (step.now == subject.digest) {
            step.action = PublishAction::Keep;
            step.after = step.now;
            step.why = u"already on the build"_s;
        } else if (step.now.isEmpty()) {
            step.action = PublishAction::Create;
            step.after = subject.digest;
        } else if (policy.isImmutable(candidate.kind) || !isMutableKind(candidate.kind)) {
            step.action = PublishAction::Conflict;
            step.after = step.now;
            step.why = u"immutable (%1): it already names another build"_s.arg(
                tagKindName(candidate.kind));
            plan.refusals.append(
                u"%1 already points at %2, not at the build %3: %4 tags are immutable, so "
                u"nothing was published. A new release needs a new version."_s.arg(
                    candidate.tag, shortDigest(step.now), shortDigest(subject.digest),
                    tagKindName(candidate.kind)));
        } else {
            step.action = PublishAction::Move;
            step.after = subject.digest;
        }
        plan.steps.append(step);
    }
    return plan;
}

QList<PublishStep> PublishPlan::changes() const {
    QList<PublishStep> changing;
    for (const PublishStep& step : steps) {
        if (step.changesRegistry())
            changing.append(step);
    }
    return changing;
}

QString PublishPlan::text() const {
    QString text = u"Publish %1@%2 (commit %3%4)\n"_s.arg(
        repository, shortDigest(subject.digest), subject.commit.left(12),
        subject.version ? u", version "_s + subject.version->text() : QString());
    for (const PublishStep& step : steps)
        text += u"  %1 %2 %3 -> %4  %5\n"_s.arg(
            publishActionName(step.action).leftJustified(8), step.tag.leftJustified(24),
            shortDigest(step.now).leftJustified(19), shortDigest(step.after).leftJustified(19),
            step.why);
    for (const QString& note : notes)
        text += u"  note: %1\n"_s.arg(note);
    for (const QString& refusal : refusals)
        text += u"  REFUSED: %1\n"_s.arg(refusal);
    return text;
}

QJsonObject PublishPlan::toJson() const {
    QJsonArray tags;
    for (const PublishStep& step : steps)
        tags.append(QJsonObject{{u"tag"_s, step.tag},
                                {u"kind"_s, tagKindName(step.kind)},
                                {u"action"_s, publishActionName(step.action)},
                                {u"now"_s, step.now},
                                {u"after"_s, step.after},
                                {u"why"_s, step.why}});
    return QJsonObject{
        {u"repository"_s, repository},
        {u"digest"_s, subject.digest},
        {u"commit"_s, subject.commit},
        {u"branch"_s, subject.branch},
        {u"version"_s, subject.version ? QJsonValue(subject.version->text()) : QJsonValue()},
        {u"tags"_s, tags},
        {u"notes"_s, QJsonArray::fromStringList(notes)},
        {u"refusals"_s, QJsonArray::fromStringList(refusals)}};
}

QString revisionRefusal(const QMap<QString, QString>& labels, const QString& headCommit) {
    QString key = u"org.opencontainers.image.revision"_s;
    QString revision = labels.value(key).trimmed();
    if (revision.isEmpty()) {
        key = u"git.commit"_s;
        revision = labels.value(key).trimmed();
    }
    if (revision.isEmpty())
        return u"The build carries no revision label (org.opencontainers.image.revision or "
               u"git.commit), so nothing ties it to HEAD %1. Build it with $(berthctl labels)."_s
                   .arg(headCommit.left(12));
    const QString lower = revision.toLower();
    const bool agrees =
        lower.size() >= 7 && lower.size() <= headCommit.size() && headCommit.startsWith(lower);
    if (agrees)
        return {};
    return u"The build's %1 label names commit %2, but the clone's HEAD is %3: this is not the "
           u"build of this checkout, so nothing was published."_s.arg(key, revision.left(40),
                                                                      headCommit.left(12));
}

QStringList missingRequiredLabels(const TagPolicy& policy, const QMap<QString, QString>& labels) {
    QStringList missing;
    for (const QString& label : policy.requiredLabels) {
        if (labels.value(label).trimmed().isEmpty())
            missing.append(label);
    }
    return missing;
}

} // namespace berth
