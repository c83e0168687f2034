#include "policy/TagLint.h"

#include "policy/SemanticVersion.h"
#include "registry/BuildCollector.h"

#include <QHash>
#include <QMap>

#include <algorithm>
#include <array>
#include <optional>
#include <tuple>
#include <utility>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

const std::array<std::pair<TagLintCode, QLatin1StringView>, 11> CodeNames{{
    {TagLintCode::StrayTag, "STRAY_TAG"_L1},
    {TagLintCode::ImmutableMoved, "IMMUTABLE_MOVED"_L1},
    {TagLintCode::FloatingBehind, "FLOATING_BEHIND"_L1},
    {TagLintCode::LatestBehind, "LATEST_BEHIND"_L1},
    {TagLintCode::RevisionMismatch, "REVISION_MISMATCH"_L1},
    {TagLintCode::EnvironmentUntraceable, "ENVIRONMENT_UNTRACEABLE"_L1},
    {TagLintCode::MixedSpelling, "MIXED_SPELLING"_L1},
    {TagLintCode::NoRevision, "NO_REVISION"_L1},
    {TagLintCode::MissingLabel, "MISSING_LABEL"_L1},
    {TagLintCode::Untraceable, "UNTRACEABLE"_L1},
    {TagLintCode::AmbiguousSha, "AMBIGUOUS_SHA"_L1},
}};

const QString kRevisionLabel = u"org.opencontainers.image.revision"_s;
const QString kCommitLabel = u"git.commit"_s;

QString shortDigest(const QString& digest) {
    const qsizetype colon = digest.indexOf(u':');
    return colon < 0 ? digest.left(12) : digest.left(colon + 13);
}

// Two spellings of one commit: either is an abbreviation of the other.
bool sameCommit(const QString& a, const QString& b) {
    return !a.isEmpty() && !b.isEmpty() && (a.startsWith(b) || b.startsWith(a));
}

// The revision the build's labels name (lower case, as git prints it), else empty.
QString labelRevision(const Build& build) {
    for (const QString& key : {kRevisionLabel, kCommitLabel}) {
        const QString value = build.labels.value(key).trimmed();
        if (!value.isEmpty())
            return value.toLower();
    }
    return {};
}

bool isShaKind(TagKind kind) {
    return kind == TagKind::GitSha || kind == TagKind::BranchSha;
}

struct Release {
    SemanticVersion version;
    QString tag;
    QString digest;
};

// A build with its tags classified by the policy, not by whoever read it.
struct LintBuild {
    const Build* build = nullptr;
    QList<ClassifiedTag> tags;
    QString revision; // the labels' commit, else the longest SHA tag's, lower case

    QStringList tagNames() const {
        QStringList names;
        for (const ClassifiedTag& tag : tags)
            names.append(tag.name);
        return names;
    }
    QString describe() const {
        const QStringList names = tagNames();
        return names.isEmpty() ? shortDigest(build->digest)
                               : u"%1 (%2)"_s.arg(shortDigest(build->digest), names.join(u", "_s));
    }
};

class Linter {
public:
    Linter(const TagPolicy& policy, const QList<Build>& builds)
        : m_policy(policy)
        , m_classifier(policy.classifier()) {
        for (const Build& build : builds) {
            LintBuild lint{&build, {}, {}};
            for (const ClassifiedTag& tag : build.tags)
                lint.tags.append({tag.name, m_classifier.classify(tag.name)});
            sortTagsForDisplay(lint.tags);
            lint.revision = revisionOf(build.labels, lint.tags).toLower();
            m_builds.append(lint);
        }
        for (const LintBuild& build : std::as_const(m_builds)) {
            for (const ClassifiedTag& tag : build.tags) {
                m_tags.insert(tag.name, {tag.kind, build.build->digest});
                const std::optional<SemanticVersion> version = SemanticVersion::parse(tag.name);
                if (tag.kind == TagKind::ExactSemver && version && version->isRelease())
                    m_releases.append({*version, tag.name, build.build->digest});
            }
        }
    }

    QList<TagLintFinding> run(const QList<TagPosition>& positions, const QList<Action>& actions) {
        checkForms();
        checkMoves(positions, actions);
        checkFloating();
        checkLatest();
        for (const LintBuild& build : std::as_const(m_builds)) {
            // A build that could not be read completely has no labels to judge.
            if (build.build->problem.isEmpty())
                checkLabels(build);
            checkTraceable(build);
        }
        checkAmbiguousShas();
        std::stable_sort(
            m_findings.begin(), m_findings.end(),
            [](const TagLintFinding& a, const TagLintFinding& b) {
                return std::tuple(a.severity, a.code, a.tags.join(u' '), a.digests.join(u' ')) <
                       std::tuple(b.severity, b.code, b.tags.join(u' '), b.digests.join(u' '));
            });
        return m_findings;
    }

private:
    struct TagState {
        TagKind kind = TagKind::Other;
        QString digest;
    };

    void add(TagLintCode code, QStringList tags, QStringList digests, const QString& setting,
             const QString& rule, QList<TagLintMove> moves = {}) {
        digests.removeDuplicates();
        m_findings.append(TagLintFinding{code, severityOf(code), std::move(tags),
                                         std::move(digests), setting, rule, std::move(moves)});
    }

    QString prefixed(const QString& version) const { return m_policy.semverPrefix + version; }

    // The forms the policy names, for a tag that fits none of them.
    QString forms() const {
        QStringList forms{prefixed(u"1.2.3"_s)};
        if (m_policy.floatingMinor)
            forms.append(prefixed(u"1.2"_s));
        if (m_policy.floatingMajor)
            forms.append(prefixed(u"1"_s));
        if (m_policy.latest)
            forms.append(u"latest"_s);
        if (m_policy.commitLength > 0) {
            forms.append(u"a %1-digit commit SHA"_s.arg(m_policy.commitLength));
            if (m_policy.branchCommit)
                forms.append(u"<branch>-<SHA>"_s);
        }
        forms.append(u"the environments %1"_s.arg(m_policy.environments.join(u", "_s)));
        return forms.join(u", "_s);
    }

    // STRAY_TAG and MIXED_SPELLING: every tag against the forms the policy declares.
    void checkForms() {
        const TagClassifier plain;
        QStringList misspelled;
        QStringList misspelledDigests;
        QString wellSpelled; // one semver tag spelled the policy's way, for the sentence
        const bool wantsV = m_policy.semverPrefix == u"v"_s;
        for (auto it = m_tags.cbegin(); it != m_tags.cend(); ++it) {
            const QString& tag = it.key();
            const QString& digest = it.value().digest;
            const auto stray = [&](const QString& setting, const QString& rule) {
                add(TagLintCode::StrayTag, {tag}, {digest}, setting, rule);
            };
            switch (it.value().kind) {
            case TagKind::Other:
                if (plain.classify(tag) == TagKind::Environment)
                    stray(u"environments.order"_s,
                          u"%1 reads as an environment, but environments.order names only %2"_s.arg(
                              tag, m_policy.environments.join(u", "_s)));
                else
                    stray(u"tags"_s,
                          u"%1 fits none of the forms [tags] and [environments] name (%2)"_s.arg(
                              tag, forms()));
                break;
            case TagKind::ExactSemver:
            case TagKind::FloatingSemver:
                if (tag.startsWith(u'v') != wantsV) {
                    misspelled.append(tag);
                    misspelledDigests.append(digest);
                } else {
                    if (wellSpelled.isEmpty())
                        wellSpelled = tag;
                    if (it.value().kind == TagKind::FloatingSemver)
                        checkFloatingForm(tag, digest);
                }
                break;
            case TagKind::Latest:
                if (!m_policy.latest)
                    stray(
                        u"tags.latest"_s,
                        u"latest is tagged, but tags.latest = false: the policy keeps no latest"_s);
                break;
            case TagKind::GitSha:
                if (m_policy.commitLength == 0)
                    stray(
                        u"tags.commit"_s,
                        u"%1 is a commit SHA tag, but tags.commit = 0: the policy uses none"_s.arg(
                            tag));
                else if (tag.size() != m_policy.commitLength)
                    stray(u"tags.commit"_s,
                          u"%1 is a %2-digit commit SHA, but tags.commit = %3"_s.arg(tag)
                              .arg(tag.size())
                              .arg(m_policy.commitLength));
                break;
            case TagKind::BranchSha: {
                const QString sha = TagClassifier::commitShaOf(tag, TagKind::BranchSha);
                if (!m_policy.branchCommit || m_policy.commitLength == 0)
                    stray(m_policy.branchCommit ? u"tags.commit"_s : u"tags.branch_commit"_s,
                          u"%1 is a <branch>-<SHA> tag, but %2: the policy uses none"_s.arg(
                              tag, m_policy.branchCommit ? u"tags.commit = 0"_s
                                                         : u"tags.branch_commit = false"_s));
                else if (sha.size() != m_policy.commitLength)
                    stray(u"tags.commit"_s,
                          u"%1 carries a %2-digit commit SHA, but tags.commit = %3"_s.arg(tag)
                              .arg(sha.size())
                              .arg(m_policy.commitLength));
                break;
            }
            case TagKind::Environment:
                break;
            }
        }
        if (misspelled.isEmpty())
            return;
        const QString asked =
            wantsV ? u"tags.semver = \"v\" (v1.2.3)"_s : u"tags.semver = \"\" (1.2.3)"_s;
        if (!wellSpelled.isEmpty()) {
            // Both spellings side by side: one finding for the repository, not one per tag.
            add(TagLintCode::MixedSpelling, misspelled, misspelledDigests, u"tags.semver"_s,
                u"%1 %2 spelled %3 a \"v\", beside %4: one repository, two spellings; %5"_s.arg(
                    misspelled.join(u", "_s), misspelled.size() == 1 ? u"is"_s : u"are"_s,
                    wantsV ? u"without"_s : u"with"_s, wellSpelled, asked));
            return;
        }
        for (qsizetype i = 0; i < misspelled.size(); ++i)
            add(TagLintCode::StrayTag, {misspelled[i]}, {misspelledDigests[i]}, u"tags.semver"_s,
                u"%1 is spelled %2 a \"v\", but %3"_s.arg(
                    misspelled[i], wantsV ? u"without"_s : u"with"_s, asked));
    }

    void checkFloatingForm(const QString& tag, const QString& digest) {
        const bool minor = tag.contains(u'.');
        if (minor ? m_policy.floatingMinor : m_policy.floatingMajor)
            return;
        add(TagLintCode::StrayTag, {tag}, {digest}, u"tags.floating"_s,
            u"%1 is a floating %2 tag, but tags.floating does not keep %2 tags"_s.arg(
                tag, minor ? u"minor"_s : u"major"_s));
    }

    // IMMUTABLE_MOVED: every change of position the history holds for an immutable tag,
    // and one more when the registry shows it somewhere the history has not recorded.
    void checkMoves(const QList<TagPosition>& positions, const QList<Action>& actions) {
        QMap<QString, QList<TagPosition>> byTag;
        for (const TagPosition& position : positions)
            byTag[position.tag].append(position);
        for (auto it = byTag.begin(); it != byTag.end(); ++it) {
            const TagKind kind = m_classifier.classify(it.key());
            if (!m_policy.isImmutable(kind))
                continue;
            QList<TagPosition>& seen = it.value();
            std::stable_sort(seen.begin(), seen.end(),
                             [](const TagPosition& a, const TagPosition& b) {
                                 return a.firstSeen < b.firstSeen;
                             });
            QList<TagLintMove> moves;
            QStringList digests{seen.first().digest};
            for (qsizetype i = 1; i < seen.size(); ++i) {
                if (seen[i].digest == seen[i - 1].digest)
                    continue;
                moves.append({it.key(),
                              seen[i].firstSeen,
                              seen[i - 1].digest,
                              seen[i].digest,
                              seen[i].observedBy,
                              {}});
                digests.append(seen[i].digest);
            }
            const auto now = m_tags.constFind(it.key());
            if (now != m_tags.cend() && now->digest != seen.last().digest) {
                moves.append({it.key(), {}, seen.last().digest, now->digest, {}, {}});
                digests.append(now->digest);
            }
            if (moves.isEmpty())
                continue;
            QStringList told;
            for (TagLintMove& move : moves) {
                move.audited = auditedAs(move, actions);
                told.append(u"from %1 to %2 %3%4"_s.arg(
                    shortDigest(move.fromDigest), shortDigest(move.toDigest),
                    move.when.isValid()
                        ? u"on %1 (seen by %2)"_s.arg(
                              move.when.toUTC().toString(u"yyyy-MM-dd HH:mm:ss 'UTC'"_s),
                              move.observedBy.isEmpty() ? u"unknown"_s : move.observedBy)
                        : u"(seen by this read, not yet in the history)"_s,
                    move.audited.isEmpty() ? u", outside Berth"_s : u", by "_s + move.audited));
            }
            add(TagLintCode::ImmutableMoved, {it.key()}, digests, u"tags.immutable"_s,
                u"%1 never moves (tags.immutable holds %2 tags), but it moved %3"_s.arg(
                    it.key(), tagKindName(kind), told.join(u"; then "_s)),
                moves);
        }
    }

    static QString auditedAs(const TagLintMove& move, const QList<Action>& actions) {
        for (const Action& action : actions) {
            if (action.tag == move.tag && action.fromDigest == move.fromDigest &&
                action.toDigest == move.toDigest && action.state == ActionState::Succeeded)
                return u"%1 by %2"_s.arg(actionKindName(action.kind), action.user);
        }
        return {};
    }

    // The highest release whose version `matches`; pre-releases never count.
    template <typename Matches> std::optional<Release> highest(Matches matches) const {
        std::optional<Release> best;
        for (const Release& release : m_releases) {
            if (matches(release.version) && (!best || best->version < release.version))
                best = release;
        }
        return best;
    }

    // The build a tag is on, named by its highest version tag where it has one.
    QString named(const QString& digest) const {
        std::optional<SemanticVersion> best;
        QString name;
        for (const Release& release : m_releases) {
            if (release.digest == digest && (!best || *best < release.version)) {
                best = release.version;
                name = release.tag;
            }
        }
        return name.isEmpty() ? shortDigest(digest) : u"%1 (%2)"_s.arg(shortDigest(digest), name);
    }

    // FLOATING_BEHIND: v2.4 on the highest 2.4.x release, v2 on the highest 2.x.y.
    void checkFloating() {
        const bool wantsV = m_policy.semverPrefix == u"v"_s;
        for (auto it = m_tags.cbegin(); it != m_tags.cend(); ++it) {
            const QString& tag = it.key();
            if (it.value().kind != TagKind::FloatingSemver || tag.startsWith(u'v') != wantsV)
                continue;
            const QStringList parts = tag.mid(wantsV ? 1 : 0).split(u'.');
            const bool minor = parts.size() == 2;
            if (!(minor ? m_policy.floatingMinor : m_policy.floatingMajor))
                continue; // a stray already
            const quint64 major = parts[0].toULongLong();
            const quint64 minorNumber = minor ? parts[1].toULongLong() : 0;
            const std::optional<Release> target = highest([&](const SemanticVersion& version) {
                return version.major == major && (!minor || version.minor == minorNumber);
            });
            const QString series =
                minor ? u"%1.%2.x"_s.arg(major).arg(minorNumber) : u"%1.x.y"_s.arg(major);
            if (!target) {
                add(TagLintCode::FloatingBehind, {tag}, {it.value().digest}, u"tags.floating"_s,
                    u"%1 is on %2, but there is no %3 release for it to follow (pre-releases "
                    u"never count); tags.floating keeps it on the highest one"_s.arg(
                        tag, named(it.value().digest), series));
            } else if (target->digest != it.value().digest) {
                add(TagLintCode::FloatingBehind, {tag, target->tag},
                    {it.value().digest, target->digest}, u"tags.floating"_s,
                    u"%1 is on %2, not on %3 (%4), the highest %5 release; tags.floating keeps "
                    u"it there"_s.arg(tag, named(it.value().digest), target->tag,
                                      shortDigest(target->digest), series));
            }
        }
    }

    // LATEST_BEHIND: latest on the highest release overall.
    void checkLatest() {
        const auto latest = m_tags.constFind(u"latest"_s);
        if (!m_policy.latest || latest == m_tags.cend() || latest->kind != TagKind::Latest)
            return;
        const std::optional<Release> target = highest([](const SemanticVersion&) { return true; });
        if (!target || target->digest == latest->digest)
            return;
        add(TagLintCode::LatestBehind, {u"latest"_s, target->tag}, {latest->digest, target->digest},
            u"tags.latest"_s,
            u"latest is on %1, not on %2 (%3), the highest release; tags.latest = true keeps it "
            u"there (pre-releases never count)"_s.arg(named(latest->digest), target->tag,
                                                      shortDigest(target->digest)));
    }

    // NO_REVISION, MISSING_LABEL, REVISION_MISMATCH: what the build says of itself.
    void checkLabels(const LintBuild& build) {
        const QString digest = build.build->digest;
        const QString revision = labelRevision(*build.build);
        const bool required = m_policy.requiredLabels.contains(kRevisionLabel) ||
                              m_policy.requiredLabels.contains(kCommitLabel);
        if (revision.isEmpty())
            add(TagLintCode::NoRevision, build.tagNames(), {digest}, u"labels.required"_s,
                u"%1 carries no revision label (%2): nothing but its tags says which commit it "
                u"was built from%3"_s.arg(build.describe(), kRevisionLabel,
                                          required ? u"; labels.required asks for it"_s
                                                   : u" (labels.required does not ask for it)"_s));
        for (const QString& label : m_policy.requiredLabels) {
            if (!build.build->labels.value(label).trimmed().isEmpty())
                continue;
            // NO_REVISION has said it already.
            if (revision.isEmpty() && (label == kRevisionLabel || label == kCommitLabel))
                continue;
            add(TagLintCode::MissingLabel, build.tagNames(), {digest}, u"labels.required"_s,
                u"%1 carries no %2 label, which labels.required asks of every build"_s.arg(
                    build.describe(), label));
        }
        if (revision.isEmpty())
            return;
        for (const ClassifiedTag& tag : build.tags) {
            const QString sha = TagClassifier::commitShaOf(tag.name, tag.kind);
            if (isShaKind(tag.kind) && !sameCommit(sha, revision))
                add(TagLintCode::RevisionMismatch, {tag.name}, {digest}, u"tags.commit"_s,
                    u"%1 names commit %2, but the build it is on (%3) says in its revision label "
                    u"that it was built from %4; a commit tag (tags.commit) names the commit its "
                    u"build "
                    u"came from"_s.arg(tag.name, sha, shortDigest(digest), revision.left(12)));
        }
    }

    // UNTRACEABLE and ENVIRONMENT_UNTRACEABLE: a build no immutable tag names.
    void checkTraceable(const LintBuild& build) {
        QStringList environments;
        for (const ClassifiedTag& tag : build.tags) {
            if (m_policy.isImmutable(tag.kind))
                return;
            if (tag.kind == TagKind::Environment)
                environments.append(tag.name);
        }
        QStringList kinds;
        for (TagKind kind : m_policy.immutableKinds)
            kinds.append(tagKindName(kind));
        const QString immutable =
            u"tags.immutable: %1"_s.arg(kinds.isEmpty() ? u"none"_s : kinds.join(u", "_s));
        if (!environments.isEmpty())
            add(TagLintCode::EnvironmentUntraceable, environments, {build.build->digest},
                u"tags.immutable"_s,
                u"%1 %2 on %3, which carries no immutable tag (%4): what runs there cannot be "
                u"named by a release or a commit"_s.arg(
                    environments.join(u", "_s), environments.size() == 1 ? u"is"_s : u"are"_s,
                    build.describe(), immutable));
        else
            add(TagLintCode::Untraceable, build.tagNames(), {build.build->digest},
                u"tags.immutable"_s,
                u"%1 carries no immutable tag (%2): nothing names it for good"_s.arg(
                    build.describe(), immutable));
    }

    // AMBIGUOUS_SHA: a short SHA tag that is also the start of another build's commit.
    void checkAmbiguousShas() {
        for (const LintBuild& build : std::as_const(m_builds)) {
            for (const ClassifiedTag& tag : build.tags) {
                if (!isShaKind(tag.kind))
                    continue;
                const QString sha = TagClassifier::commitShaOf(tag.name, tag.kind).toLower();
                QStringList digests{build.build->digest};
                QStringList commits;
                for (const LintBuild& other : std::as_const(m_builds)) {
                    if (&other == &build || !other.revision.startsWith(sha) ||
                        sameCommit(other.revision, build.revision))
                        continue;
                    digests.append(other.build->digest);
                    commits.append(u"%1 (%2)"_s.arg(other.revision.left(12),
                                                    shortDigest(other.build->digest)));
                }
                if (commits.isEmpty())
                    continue;
                add(TagLintCode::AmbiguousSha, {tag.name}, digests, u"tags.commit"_s,
                    u"%1 names %2 (%3), but %4 begins with the same %5 digits: a longer "
                    u"tags.commit tells them apart"_s
                        .arg(tag.name, build.revision.left(12), shortDigest(build.build->digest),
                             commits.join(u", "_s))
                        .arg(sha.size()));
            }
        }
    }

    const TagPolicy& m_policy;
    TagClassifier m_classifier;
    QList<LintBuild> m_builds;
    QMap<QString, TagState> m_tags; // every tag in the registry now, by name
    QList<Release> m_releases;
    QList<TagLintFinding> m_findings;
};

} // namespace

QString tagLintCodeName(TagLintCode code) {
    for (const auto& [candidate, name] : CodeNames) {
        if (candidate == code)
            return name;
    }
    return {};
}

QString tagLintSeverityName(TagLintSeverity severity) {
    return severity == TagLintSeverity::Error ? u"error"_s : u"warning"_s;
}

TagLintSeverity severityOf(TagLintCode code) {
    switch (code) {
    // A pipeline stops on what a person can still put right with the tags, or must look at:
    // a stray or misspelled tag (retag it before anyone depends on it), a floating tag or
    // latest behind (publish or promote moves it), an immutable tag that moved (a release
    // someone pulled is gone), a SHA tag naming another commit (a rollback by SHA would
    // ship the wrong code), an environment running a build nobody can name.
    case TagLintCode::StrayTag:
    case TagLintCode::ImmutableMoved:
    case TagLintCode::FloatingBehind:
    case TagLintCode::LatestBehind:
    case TagLintCode::RevisionMismatch:
    case TagLintCode::EnvironmentUntraceable:
    case TagLintCode::MixedSpelling:
        return TagLintSeverity::Error;
    // Warned about: labels are part of a pushed build and change its digest, so an old
    // build missing one can never be fixed, only the next build; an untraceable build
    // nothing runs is clutter; an ambiguous short SHA names no wrong build yet.
    case TagLintCode::NoRevision:
    case TagLintCode::MissingLabel:
    case TagLintCode::Untraceable:
    case TagLintCode::AmbiguousSha:
        return TagLintSeverity::Warning;
    }
    return TagLintSeverity::Error;
}

QList<TagLintFinding> lintTags(const TagPolicy& policy, const QList<Build>& builds,
                               const QList<TagPosition>& positions, const QList<Action>& actions) {
    return Linter(policy, builds).run(positions, actions);
}

bool hasLintErrors(const QList<TagLintFinding>& findings) {
    return std::any_of(findings.cbegin(), findings.cend(), [](const TagLintFinding& finding) {
        return finding.severity == TagLintSeverity::Error;
    });
}

} // namespace berth
