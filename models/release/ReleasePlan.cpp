#include "release/ReleasePlan.h"

#include <algorithm>

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

QString sideText(const PlanSide& side, const QString& tag) {
    if (side.digest.isEmpty())
        return u"(%1 does not exist yet)"_s.arg(tag);
    QString text = shortPlanDigest(side.digest);
    if (!side.tags.isEmpty())
        text += u"  "_s + side.tags.join(u' ');
    if (side.created.isValid())
        text += u"  created "_s + side.created.toUTC().toString(u"yyyy-MM-dd HH:mm"_s);
    if (!side.revision.isEmpty())
        text += u"  commit "_s + side.revision.left(12);
    if (!side.commitSummary.isEmpty())
        text += u' ' + side.commitSummary;
    return text;
}

QJsonObject sideJson(const PlanSide& side) {
    return QJsonObject{{u"digest"_s, side.digest},
                       {u"tags"_s, QJsonArray::fromStringList(side.tags)},
                       {u"created"_s, side.created.isValid()
                                          ? side.created.toUTC().toString(Qt::ISODate)
                                          : QString()},
                       {u"revision"_s, side.revision}};
}

QJsonArray notesJson(const QList<PlanNote>& notes) {
    QJsonArray array;
    for (const PlanNote& note : notes)
        array.append(QJsonObject{{u"code"_s, note.code},
                                 {u"text"_s, note.text},
                                 {u"needsAcknowledgement"_s, note.needsAcknowledgement}});
    return array;
}

QString skipReasonName(SkipReason reason) {
    switch (reason) {
    case SkipReason::Current:
        return u"current"_s;
    case SkipReason::MarkedBad:
        return u"marked-bad"_s;
    case SkipReason::LeftByRollback:
        return u"left-by-rollback"_s;
    }
    return {};
}

} // namespace

QString shortPlanDigest(const QString& digest) {
    return digest.isEmpty() ? u"(none)"_s : digest.left(19) + u'…';
}

bool ReleasePlan::needsAcknowledgement() const {
    return !acknowledgementsNeeded().isEmpty();
}

QStringList ReleasePlan::acknowledgementsNeeded() const {
    QStringList texts;
    for (const PlanNote& warning : warnings) {
        if (warning.needsAcknowledgement)
            texts.append(warning.text);
    }
    return texts;
}

QString ReleasePlan::refusalText() const {
    QStringList texts;
    for (const PlanNote& refusal : refusals)
        texts.append(refusal.text);
    return texts.join(u' ');
}

QString ReleasePlan::auditReason(const QString& reason) const {
    QStringList overridden;
    if (!skippedStages.isEmpty())
        overridden.append(u"skipped "_s + skippedStages.join(u", "_s));
    // A rollback onto a build the signature gate would refuse (release/SignatureGate.h).
    if (std::any_of(warnings.cbegin(), warnings.cend(), [](const PlanNote& note) {
            return note.code == kSignatureNote && note.needsAcknowledgement;
        }))
        overridden.append(u"onto an unverified build"_s);
    if (overridden.isEmpty())
        return reason;
    const QString prefix = overridden.join(u", "_s);
    return reason.isEmpty() ? prefix : prefix + u": "_s + reason;
}

QString ReleasePlan::text(const QString& transport, const QString& reason) const {
    QString text = u"%1 %2/%3:%4\n  from  %5\n  to    %6\n"_s.arg(
        actionKindName(kind), registry, repository, tag, sideText(from, tag),
        to.digest.isEmpty() ? u"(no build)"_s : sideText(to, tag));
    if (!transport.isEmpty())
        text += u"  via   %1\n"_s.arg(transport);
    for (const SkippedBuild& skipped : skipped) {
        if (skipped.reason != SkipReason::Current)
            text += u"  skipped %1: %2\n"_s.arg(shortPlanDigest(skipped.digest), skipped.why);
    }
    switch (commits.state) {
    case PlanCommits::State::NotAsked:
    case PlanCommits::State::Reading:
        break;
    case PlanCommits::State::Unknown:
        text += u"  commits: unknown (%1)\n"_s.arg(commits.note);
        break;
    case PlanCommits::State::Known:
        text += u"  ships %1 commit(s), loses %2\n"_s.arg(commits.range.gained.totalCount)
                    .arg(commits.range.lost.totalCount);
        for (const CommitInfo& commit : commits.range.gained.commits)
            text += u"    + %1 %2\n"_s.arg(commit.shortId, commit.summary);
        for (const CommitInfo& commit : commits.range.lost.commits)
            text += u"    - %1 %2\n"_s.arg(commit.shortId, commit.summary);
        break;
    }
    for (const PlanNote& warning : warnings)
        text += u"  warning: %1\n"_s.arg(warning.text);
    for (const PlanNote& refusal : refusals)
        text += u"  refused: %1\n"_s.arg(refusal.text);
    if (!reason.isEmpty())
        text += u"  reason: %1\n"_s.arg(reason);
    return text;
}

QJsonObject ReleasePlan::toJson() const {
    QJsonArray skippedArray;
    for (const SkippedBuild& build : skipped)
        skippedArray.append(QJsonObject{{u"digest"_s, build.digest},
                                        {u"reason"_s, skipReasonName(build.reason)},
                                        {u"why"_s, build.why}});
    QJsonObject object{{u"kind"_s, actionKindName(kind)},   {u"registry"_s, registry},
                       {u"repository"_s, repository},       {u"tag"_s, tag},
                       {u"from"_s, sideJson(from)},         {u"to"_s, sideJson(to)},
                       {u"skipped"_s, skippedArray},        {u"warnings"_s, notesJson(warnings)},
                       {u"refusals"_s, notesJson(refusals)}};
    if (!skippedStages.isEmpty())
        object.insert(u"skippedStages"_s, QJsonArray::fromStringList(skippedStages));
    if (commits.state == PlanCommits::State::Known)
        object.insert(u"commits"_s, QJsonObject{{u"gained"_s, commits.range.gained.totalCount},
                                                {u"lost"_s, commits.range.lost.totalCount}});
    return object;
}

} // namespace berth
