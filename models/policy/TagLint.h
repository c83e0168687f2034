#pragma once

// Checks one repository's builds and tag history against its tag policy (berth.toml):
// tags that fit no form of the policy, immutable tags that moved, floating tags and
// latest behind the release they follow, builds that cannot be traced to a commit or a
// release. A pure function of what was read, so berthctl lint and the window's tag
// health view show the same findings.

#include "history/HistoryTypes.h"
#include "policy/TagPolicy.h"
#include "registry/Build.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace berth {

// Stable: scripts and the window key on these names (tagLintCodeName).
enum class TagLintCode {
    StrayTag,               // STRAY_TAG
    ImmutableMoved,         // IMMUTABLE_MOVED
    FloatingBehind,         // FLOATING_BEHIND
    LatestBehind,           // LATEST_BEHIND
    RevisionMismatch,       // REVISION_MISMATCH
    EnvironmentUntraceable, // ENVIRONMENT_UNTRACEABLE
    MixedSpelling,          // MIXED_SPELLING
    NoRevision,             // NO_REVISION
    MissingLabel,           // MISSING_LABEL
    Untraceable,            // UNTRACEABLE
    AmbiguousSha,           // AMBIGUOUS_SHA
};

enum class TagLintSeverity { Error, Warning };

QString tagLintCodeName(TagLintCode code);
QString tagLintSeverityName(TagLintSeverity severity); // "error", "warning"
// The severity every finding of this code has (the reasons are in TagLint.cpp).
TagLintSeverity severityOf(TagLintCode code);

// One position change of an immutable tag, as the history recorded it.
struct TagLintMove {
    QString tag;
    QDateTime when; // UTC: when the tag was first seen on `toDigest`
    QString fromDigest;
    QString toDigest;
    QString observedBy; // who saw it there first, e.g. "alice@laptop (berthctl)"
    // The audit entry that made this move when Berth made it ("promote by alice"), else
    // empty: the tag was moved outside Berth.
    QString audited;
};

struct TagLintFinding {
    TagLintCode code = TagLintCode::StrayTag;
    TagLintSeverity severity = TagLintSeverity::Error;
    QStringList tags;         // the tags it concerns (for a build: all the build's tags)
    QStringList digests;      // the builds it concerns
    QString setting;          // the policy setting it breaks, "tags.immutable": a chip's name
    QString rule;             // one sentence: what is wrong, naming the setting
    QList<TagLintMove> moves; // IMMUTABLE_MOVED: every move, oldest first
};

// Every finding for one repository, errors first, then by code and tag. `positions` is
// the history of the repository's tags (HistoryStore::positionsOfRepository), `actions`
// its audit log; both may be empty. Tags are classified with the policy's environments,
// whatever the builds were classified with.
QList<TagLintFinding> lintTags(const TagPolicy& policy, const QList<Build>& builds,
                               const QList<TagPosition>& positions, const QList<Action>& actions);

bool hasLintErrors(const QList<TagLintFinding>& findings);

} // namespace berth
