#include "HostileFixtures.h"

using namespace Qt::StringLiterals;

namespace berth::test {

const QString Repository = u"acme/app"_s;
const QString TagsPath = u"/v2/acme/app/tags/list"_s;

QString manifestPath(const QString& reference) {
    return u"/v2/acme/app/manifests/"_s + reference;
}

const QByteArray ImageManifest =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
    R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":2,)"
    R"("digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},)"
    R"("layers":[]})";
const QByteArray OciManifestType = "application/vnd.oci.image.manifest.v1+json";

RegistryOptions hostileOptions(const QTemporaryDir& configDir, int maxRetries,
                               int transferTimeoutMs) {
    RegistryOptions options;
    options.dockerConfigDir = configDir.path();
    options.maxRetries = maxRetries;
    options.transferTimeoutMs = transferTimeoutMs;
    options.maxRetryAfterSeconds = 5;
    return options;
}

} // namespace berth::test
