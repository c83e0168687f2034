// What a docker-credential-<name> helper prints on stdout for "get".

#include "FuzzSupport.h"

#include "registry/DockerCredentials.h"

using namespace berth;
using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const QByteArray output = fuzz::bytesOf(data, size);
    const Result<std::optional<RegistryCredentials>> answer =
        parseHelperAnswer(output, u"docker-credential-fuzz"_s);
    if (!answer) {
        // The answer may hold a secret: the message never quotes it.
        BERTH_FUZZ_EXPECT(!answer.errorMessage().isEmpty(), QString());
        return 0;
    }
    if (answer->has_value())
        BERTH_FUZZ_EXPECT(!(*answer)->isEmpty(), QString());
    return 0;
}
