#include "timeline/TagHealth.h"

#include <utility>

namespace berth {

TagHealth::TagHealth(QList<TagLintFinding> findings)
    : m_findings(std::move(findings)) {
    for (const TagLintFinding& finding : std::as_const(m_findings)) {
        if (finding.severity == TagLintSeverity::Error)
            ++m_errors;
        else
            ++m_warnings;
        switch (finding.code) {
        case TagLintCode::ImmutableMoved: {
            if (finding.tags.isEmpty() || finding.moves.isEmpty())
                break;
            // Where the last move took it is where the registry has it now.
            const QString now = finding.moves.constLast().toDigest;
            for (const QString& digest : finding.digests)
                m_alarms[digest].append(
                    TagAlarm{finding.tags.first(), digest == now, finding.moves});
            break;
        }
        case TagLintCode::StrayTag:
        case TagLintCode::MixedSpelling:
            for (const QString& tag : finding.tags)
                m_rules.insert(tag, TagRule{finding.setting, finding.rule});
            break;
        default:
            break;
        }
    }
}

const TagRule* TagHealth::ruleOf(const QString& tag) const {
    const auto found = m_rules.constFind(tag);
    return found == m_rules.cend() ? nullptr : &found.value();
}

} // namespace berth
