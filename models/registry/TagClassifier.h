#pragma once

// Sorts tags into the kinds the timeline colours and the promote/rollback rules rely
// on (exact/floating semver, git SHA, branch-SHA, environment, latest, other).

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace berth {

enum class TagKind { ExactSemver, FloatingSemver, GitSha, BranchSha, Environment, Latest, Other };

// "exact-semver", "floating-semver", "git-sha", "branch-sha", "environment", "latest", "other"
QString tagKindName(TagKind kind);
std::optional<TagKind> tagKindFromName(const QString& name);
// FloatingSemver, Environment and Latest move by design; the rest must never be moved.
bool isMutableKind(TagKind kind);

struct ClassifiedTag {
    QString name;
    TagKind kind = TagKind::Other;
    bool operator==(const ClassifiedTag&) const = default;
};

class TagClassifier {
public:
    TagClassifier(); // environments: dev, qa, staging, production, prod, canary

    void setEnvironmentNames(const QStringList& names);
    QStringList environmentNames() const;

    TagKind classify(const QString& tag) const;
    QList<ClassifiedTag> classifyAll(const QStringList& tags) const;

    // The commit SHA a tag names: the tag itself for GitSha, the part after the last
    // '-' for BranchSha, else empty.
    static QString commitShaOf(const QString& tag, TagKind kind);

private:
    QStringList m_environmentNames;
};

} // namespace berth
