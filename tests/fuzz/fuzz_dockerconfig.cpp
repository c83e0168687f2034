// docker's config.json (or podman's auth.json) as a user's machine holds it, read for the
// registries Berth asks about most.

#include "FuzzSupport.h"

#include "registry/DockerCredentials.h"

using namespace berth;
using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const QStringList domains = {u"docker.io"_s, u"127.0.0.1:5702"_s, u"ghcr.io"_s};
    const QByteArray bytes = fuzz::bytesOf(data, size);
    for (const QString& domain : domains) {
        const Result<DockerConfigEntry> entry =
            parseDockerConfig(bytes, domain, u"/fuzz/config.json"_s);
        if (!entry) {
            BERTH_FUZZ_EXPECT(!entry.errorMessage().isEmpty(), domain);
            continue;
        }
        // A helper to ask and credentials already in hand exclude each other.
        BERTH_FUZZ_EXPECT(entry->helper.isEmpty() || !entry->credentials, domain);
        if (entry->credentials) {
            BERTH_FUZZ_EXPECT(!entry->credentials->isEmpty(), domain);
            entry->credentials->isIdentityToken();
        }
    }
    return 0;
}
