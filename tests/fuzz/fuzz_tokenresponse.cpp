// A token service's answer. An accepted token goes into an Authorization header as it is, so
// it must be visible ASCII only, and its lifetime is never negative.

#include "FuzzSupport.h"

#include "registry/TokenResponse.h"

using namespace berth;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const Result<BearerToken> token = parseTokenResponse(fuzz::bytesOf(data, size));
    if (!token)
        return 0;
    const QByteArray& header = token->authorization;
    BERTH_FUZZ_EXPECT(header.startsWith("Bearer ") && header.size() > 7,
                      QString::fromLatin1(header));
    for (qsizetype i = 7; i < header.size(); ++i)
        BERTH_FUZZ_EXPECT(header[i] > 0x20 && header[i] < 0x7f, QString::fromLatin1(header));
    BERTH_FUZZ_EXPECT(token->expiresInSeconds >= 0, QString::number(token->expiresInSeconds));
    return 0;
}
