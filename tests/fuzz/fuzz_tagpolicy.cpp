// A berth.toml, as a person (or a hostile pull request) may write it. An accepted policy
// keeps its own rules: environments that are tag names, a commit length the classifier
// recognises, no moving kind immutable. A refusal always names its line and column.

#include "FuzzSupport.h"

#include "policy/TagPolicy.h"
#include "registry/ImageReference.h"

#include <QRegularExpression>

using namespace berth;
using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const Result<TagPolicy> policy =
        parseTagPolicy(fuzz::bytesOf(data, size), u"berth.toml"_s, u"fuzz"_s);
    if (!policy) {
        static const QRegularExpression located(u"^berth\\.toml:[0-9]+:[0-9]+: "_s);
        BERTH_FUZZ_EXPECT(located.match(policy.errorMessage()).hasMatch(), policy.errorMessage());
        return 0;
    }
    BERTH_FUZZ_EXPECT(!policy->environments.isEmpty(), describeTagPolicy(*policy));
    for (const QString& environment : policy->environments)
        BERTH_FUZZ_EXPECT(isValidTag(environment), environment);
    BERTH_FUZZ_EXPECT(policy->commitLength == 0 ||
                          (policy->commitLength >= 7 && policy->commitLength <= 40),
                      QString::number(policy->commitLength));
    for (TagKind kind : policy->immutableKinds)
        BERTH_FUZZ_EXPECT(!isMutableKind(kind) && kind != TagKind::Other, tagKindName(kind));
    BERTH_FUZZ_EXPECT(policy->semverPrefix.isEmpty() || policy->semverPrefix == u"v"_s,
                      policy->semverPrefix);
    return 0;
}
