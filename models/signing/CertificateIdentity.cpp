#include "signing/CertificateIdentity.h"

#include <QRegularExpression>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

QRegularExpression wholeMatch(const QString& pattern) {
    return QRegularExpression(QRegularExpression::anchoredPattern(pattern));
}

} // namespace

bool CertificateIdentity::matches(const QString& certificateIssuer,
                                  const QStringList& subjects) const {
    if (certificateIssuer != issuer)
        return false;
    if (!subjectPattern.isEmpty()) {
        const QRegularExpression expression = wholeMatch(subjectPattern);
        return std::any_of(subjects.cbegin(), subjects.cend(),
                           [&](const QString& each) { return expression.match(each).hasMatch(); });
    }
    return subjects.contains(subject);
}

QString CertificateIdentity::text() const {
    const QString who = subjectPattern.isEmpty() ? subject : u"/%1/"_s.arg(subjectPattern);
    return u"%1 from %2"_s.arg(who, issuer);
}

Status CertificateIdentity::check() const {
    if (issuer.isEmpty())
        return Error::make(u"an identity names no issuer"_s);
    if (subject.isEmpty() == subjectPattern.isEmpty())
        return Error::make(u"an identity names a subject or a subject pattern, one of the two"_s);
    if (!subjectPattern.isEmpty() && !wholeMatch(subjectPattern).isValid())
        return Error::make(u"the subject pattern %1 is no regular expression: %2"_s.arg(
            subjectPattern, wholeMatch(subjectPattern).errorString()));
    return success();
}

} // namespace berth
