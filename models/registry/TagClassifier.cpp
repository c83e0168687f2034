#include "registry/TagClassifier.h"

#include <QRegularExpression>

#include <array>
#include <utility>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

const std::array<std::pair<TagKind, QLatin1StringView>, 7> KindNames{{
    {TagKind::ExactSemver, "exact-semver"_L1},
    {TagKind::FloatingSemver, "floating-semver"_L1},
    {TagKind::GitSha, "git-sha"_L1},
    {TagKind::BranchSha, "branch-sha"_L1},
    {TagKind::Environment, "environment"_L1},
    {TagKind::Latest, "latest"_L1},
    {TagKind::Other, "other"_L1},
}};

bool matches(const QRegularExpression& pattern, const QString& text) {
    return pattern.match(text).hasMatch();
}

// MAJOR.MINOR.PATCH with an optional 'v' and pre-release (v3.0.0-rc.1). Leading zeros
// are refused as semver refuses them, so date tags like 2024.01.15 are not mistaken
// for releases. Build metadata ('+') cannot occur: tags do not allow '+'.
const QRegularExpression& exactSemverPattern() {
    static const QRegularExpression pattern(QRegularExpression::anchoredPattern(
        u"v?(?:0|[1-9][0-9]*)\\.(?:0|[1-9][0-9]*)\\.(?:0|[1-9][0-9]*)"
        u"(?:-[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?"_s));
    return pattern;
}

// v2, v2.4, 2.4, and a bare major below seven digits. A bare number needs no 'v' only
// while it is too short to be an abbreviated commit (git abbreviates to >= 7 digits),
// so 1234567 stays a git SHA.
const QRegularExpression& floatingSemverPattern() {
    static const QRegularExpression pattern(
        QRegularExpression::anchoredPattern(u"v(?:0|[1-9][0-9]*)(?:\\.(?:0|[1-9][0-9]*))?"
                                            u"|(?:0|[1-9][0-9]*)\\.(?:0|[1-9][0-9]*)"
                                            u"|0|[1-9][0-9]{0,5}"_s));
    return pattern;
}

// Lowercase only: git always prints lowercase, so upper-case hex was typed by a person
// and is not trusted to name a commit. More than 40 digits is no SHA-1 commit (a 64-hex
// tag is usually a content digest pasted as a tag).
const QRegularExpression& gitShaPattern() {
    static const QRegularExpression pattern(
        QRegularExpression::anchoredPattern(u"[0-9a-f]{7,40}"_s));
    return pattern;
}

// <branch>-<sha> where the branch is '-'-joined [a-z0-9._]+ segments, the way CI
// slugifies branch names (main-a3f2c8d, feature-x-a3f2c8d). The SHA part must be pure
// hex, so release-2024.01 is not one.
const QRegularExpression& branchShaPattern() {
    static const QRegularExpression pattern(
        QRegularExpression::anchoredPattern(u"[a-z0-9._]+(?:-[a-z0-9._]+)*-[0-9a-f]{7,40}"_s));
    return pattern;
}

} // namespace

QString tagKindName(TagKind kind) {
    for (const auto& [candidate, name] : KindNames) {
        if (candidate == kind)
            return name;
    }
    return u"other"_s;
}

std::optional<TagKind> tagKindFromName(const QString& name) {
    for (const auto& [kind, candidate] : KindNames) {
        if (name == candidate)
            return kind;
    }
    return std::nullopt;
}

bool isMutableKind(TagKind kind) {
    switch (kind) {
    case TagKind::FloatingSemver:
    case TagKind::Environment:
    case TagKind::Latest:
        return true;
    case TagKind::ExactSemver:
    case TagKind::GitSha:
    case TagKind::BranchSha:
        return false;
    case TagKind::Other:
        // Nobody declared what an unrecognised tag means; moving it could rewrite a
        // release someone depends on, so it is protected like an immutable one.
        return false;
    }
    return false;
}

TagClassifier::TagClassifier()
    : m_environmentNames{u"dev"_s, u"qa"_s, u"staging"_s, u"production"_s, u"prod"_s, u"canary"_s} {
}

void TagClassifier::setEnvironmentNames(const QStringList& names) {
    m_environmentNames.clear();
    for (const QString& name : names) {
        if (!name.isEmpty() && !m_environmentNames.contains(name))
            m_environmentNames.append(name);
    }
}

QStringList TagClassifier::environmentNames() const {
    return m_environmentNames;
}

TagKind TagClassifier::classify(const QString& tag) const {
    // Configured names are a deliberate choice by the team, the patterns below are
    // guesses, so a configured name wins even if it looks like a version (e.g. "v2").
    // Case-sensitive on purpose: "Production" beside "production" is a mistake the
    // team should see flagged as other, not silently merged into one lane.
    if (m_environmentNames.contains(tag))
        return TagKind::Environment;
    if (tag == u"latest"_s)
        return TagKind::Latest;
    if (matches(exactSemverPattern(), tag))
        return TagKind::ExactSemver;
    // Before floating semver: an all-digit tag of 7+ characters is an abbreviated SHA.
    if (matches(gitShaPattern(), tag))
        return TagKind::GitSha;
    if (matches(floatingSemverPattern(), tag))
        return TagKind::FloatingSemver;
    if (matches(branchShaPattern(), tag))
        return TagKind::BranchSha;
    return TagKind::Other;
}

QList<ClassifiedTag> TagClassifier::classifyAll(const QStringList& tags) const {
    QList<ClassifiedTag> classified;
    classified.reserve(tags.size());
    for (const QString& tag : tags)
        classified.append(ClassifiedTag{tag, classify(tag)});
    return classified;
}

QString TagClassifier::commitShaOf(const QString& tag, TagKind kind) {
    if (kind == TagKind::GitSha)
        return tag;
    if (kind == TagKind::BranchSha) {
        const qsizetype dash = tag.lastIndexOf(u'-');
        return dash < 0 ? QString() : tag.mid(dash + 1);
    }
    return {};
}

} // namespace berth
