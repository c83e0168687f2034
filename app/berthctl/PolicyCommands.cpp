#include "PolicyCommands.h"

#include "policy/TagPolicy.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

using namespace Qt::StringLiterals;

namespace berth::ctl {

namespace {

QJsonObject policyJson(const TagPolicy& policy) {
    QJsonArray immutable;
    for (TagKind kind : policy.immutableKinds)
        immutable.append(tagKindName(kind));
    QJsonArray floating;
    if (policy.floatingMinor)
        floating.append(u"minor"_s);
    if (policy.floatingMajor)
        floating.append(u"major"_s);
    return QJsonObject{{u"origin"_s, policy.origin},
                       {u"semver"_s, policy.semverPrefix},
                       {u"floating"_s, floating},
                       {u"latest"_s, policy.latest},
                       {u"commit"_s, policy.commitLength},
                       {u"branchCommit"_s, policy.branchCommit},
                       {u"immutable"_s, immutable},
                       {u"environments"_s, QJsonArray::fromStringList(policy.environments)},
                       {u"promotionOrdered"_s, policy.promotionOrdered},
                       {u"requiredLabels"_s, QJsonArray::fromStringList(policy.requiredLabels)}};
}

} // namespace

void runPolicy(const Invocation& invocation, Finish finish) {
    if (!invocation.arguments.isEmpty()) {
        printError(u"policy takes no arguments; name the clone with --git <path>."_s);
        return finish(ExitUsage);
    }
    const Result<TagPolicy> policy = readTagPolicy(invocation.gitClone);
    if (!policy) {
        printError(policy.errorMessage());
        return finish(ExitFailure);
    }
    if (invocation.json)
        printJson(policyJson(*policy));
    else
        QTextStream(stdout) << describeTagPolicy(*policy);
    finish(ExitOk);
}

} // namespace berth::ctl
