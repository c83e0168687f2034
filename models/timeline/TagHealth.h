#pragma once

// One repository's lint findings with the lookups the timeline paints from: which
// immutable tags moved on or off a build (with the moves that prove it) and which rule a
// tag breaks. Built once per lint on the worker, so painting a row only looks things up.

#include "policy/TagLint.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace berth {

// An immutable tag that moved, as one build involved in the move sees it.
struct TagAlarm {
    QString tag;
    bool carriesNow = false;  // the tag points at this build now (else it moved off it)
    QList<TagLintMove> moves; // every move of the tag, oldest first
};

// The rule a tag breaks by its form (STRAY_TAG, MIXED_SPELLING).
struct TagRule {
    QString setting; // "tags.semver"
    QString rule;    // the finding's sentence
};

class TagHealth {
public:
    TagHealth() = default;
    explicit TagHealth(QList<TagLintFinding> findings);

    const QList<TagLintFinding>& findings() const { return m_findings; }
    int errorCount() const { return m_errors; }
    int warningCount() const { return m_warnings; }

    // Moved immutable tags involving `digest`, by tag name; empty for most builds.
    QList<TagAlarm> alarmsOn(const QString& digest) const { return m_alarms.value(digest); }
    // The rule `tag` breaks by its form; nullptr when it fits the policy.
    const TagRule* ruleOf(const QString& tag) const;

private:
    QList<TagLintFinding> m_findings;
    QHash<QString, QList<TagAlarm>> m_alarms; // by digest
    QHash<QString, TagRule> m_rules;          // by tag
    int m_errors = 0;
    int m_warnings = 0;
};

} // namespace berth
