#include "VerdictText.h"

using namespace Qt::StringLiterals;

namespace berth::ui {

QString verdictMark(VerdictKind kind) {
    return kind == VerdictKind::Bad ? u"✗"_s : u"✓"_s;
}

QString describeVerdict(const Verdict& verdict) {
    QString text = u"Marked %1 for %2"_s.arg(verdictKindName(verdict.verdict), verdict.environment);
    if (!verdict.user.isEmpty())
        text += u" by "_s + verdict.user;
    if (verdict.time.isValid())
        text += u", "_s + verdict.time.toLocalTime().toString(u"yyyy-MM-dd HH:mm"_s);
    text += verdict.reason.isEmpty() ? u" (no reason given)"_s : u": "_s + verdict.reason;
    return text;
}

} // namespace berth::ui
