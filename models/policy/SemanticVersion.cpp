#include "policy/SemanticVersion.h"

#include <QRegularExpression>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

// The same grammar the tag classifier calls exact-semver: no leading zeros.
const QRegularExpression& versionPattern() {
    static const QRegularExpression pattern(
        QRegularExpression::anchoredPattern(u"v?(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)"
                                            u"(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?"_s));
    return pattern;
}

bool isNumeric(const QString& identifier) {
    return std::all_of(identifier.cbegin(), identifier.cend(),
                       [](QChar c) { return c >= u'0' && c <= u'9'; });
}

QString withoutLeadingZeros(const QString& digits) {
    qsizetype first = 0;
    while (first + 1 < digits.size() && digits.at(first) == u'0')
        ++first;
    return digits.mid(first);
}

// Semver 2.0 §11.4: numbers by value and below words; words in ASCII order.
std::strong_ordering compareIdentifiers(const QString& a, const QString& b) {
    const bool aNumeric = isNumeric(a);
    const bool bNumeric = isNumeric(b);
    if (aNumeric && bNumeric) {
        // By length, then digit by digit: any number of digits, no overflow.
        const QString x = withoutLeadingZeros(a);
        const QString y = withoutLeadingZeros(b);
        if (x.size() != y.size())
            return x.size() <=> y.size();
        return x.compare(y) <=> 0;
    }
    if (aNumeric != bNumeric)
        return aNumeric ? std::strong_ordering::less : std::strong_ordering::greater;
    return a.compare(b) <=> 0;
}

} // namespace

std::optional<SemanticVersion> SemanticVersion::parse(const QString& tag) {
    const QRegularExpressionMatch match = versionPattern().match(tag);
    if (!match.hasMatch())
        return std::nullopt;
    SemanticVersion version;
    bool fits = true;
    for (int part = 1; part <= 3 && fits; ++part) {
        const quint64 value = match.captured(part).toULongLong(&fits);
        (part == 1 ? version.major : part == 2 ? version.minor : version.patch) = value;
    }
    if (!fits) // more digits than 64 bits hold: no version anyone released
        return std::nullopt;
    if (match.hasCaptured(4))
        version.prerelease = match.captured(4).split(u'.');
    return version;
}

QString SemanticVersion::text() const {
    QString version = u"%1.%2.%3"_s.arg(major).arg(minor).arg(patch);
    if (!isRelease())
        version += u'-' + prerelease.join(u'.');
    return version;
}

std::strong_ordering SemanticVersion::operator<=>(const SemanticVersion& other) const {
    if (const auto order = major <=> other.major; order != 0)
        return order;
    if (const auto order = minor <=> other.minor; order != 0)
        return order;
    if (const auto order = patch <=> other.patch; order != 0)
        return order;
    if (prerelease.isEmpty() || other.prerelease.isEmpty())
        return other.prerelease.size() == prerelease.size() ? std::strong_ordering::equal
               : prerelease.isEmpty()                       ? std::strong_ordering::greater
                                                            : std::strong_ordering::less;
    for (qsizetype i = 0; i < std::min(prerelease.size(), other.prerelease.size()); ++i) {
        if (const auto order = compareIdentifiers(prerelease.at(i), other.prerelease.at(i));
            order != 0)
            return order;
    }
    return prerelease.size() <=> other.prerelease.size();
}

} // namespace berth
