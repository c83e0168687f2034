// WWW-Authenticate values as a registry (or anything posing as one) sends them, one header
// line per input line. Malformed input must never crash; schemes and keys come back lower-case.

#include "FuzzSupport.h"

#include "registry/AuthChallenge.h"

using namespace berth;
using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const QList<QByteArray> lines = fuzz::linesOf(fuzz::bytesOf(data, size));
    const QList<AuthChallenge> challenges = parseAuthChallenges(lines);
    for (const AuthChallenge& challenge : challenges) {
        BERTH_FUZZ_EXPECT(challenge.scheme == challenge.scheme.toLower(), challenge.scheme);
        for (auto it = challenge.params.constBegin(); it != challenge.params.constEnd(); ++it)
            BERTH_FUZZ_EXPECT(it.key() == it.key().toLower(), it.key());
        splitScopes(challenge.param(u"scope"_s));
        challenge.param(u"realm"_s);
    }
    preferredChallenge(challenges);
    return 0;
}
