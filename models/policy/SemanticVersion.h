#pragma once

// An exact release version as a tag spells it (v2.4.1, 2.4.1, v3.0.0-rc.1), ordered by
// semver 2.0 precedence: a pre-release comes before its release, numeric identifiers
// compare as numbers. What floating tags (v2.4, v2, latest) follow.

#include <QString>
#include <QStringList>

#include <compare>
#include <optional>

namespace berth {

struct SemanticVersion {
    quint64 major = 0;
    quint64 minor = 0;
    quint64 patch = 0;
    QStringList prerelease; // "rc.1" -> {"rc", "1"}; empty for a release

    // nullopt for anything that is not an exact version (v2.4, latest, 2.4.1+build).
    static std::optional<SemanticVersion> parse(const QString& tag);

    bool isRelease() const { return prerelease.isEmpty(); }
    // 2.4.1, 3.0.0-rc.1: without a prefix, for a tag to prepend its own.
    QString text() const;
    std::strong_ordering operator<=>(const SemanticVersion& other) const;
    bool operator==(const SemanticVersion& other) const {
        return (*this <=> other) == std::strong_ordering::equal;
    }
};

} // namespace berth
