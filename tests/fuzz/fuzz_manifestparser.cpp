// A manifest or image index as a registry serves it: the first input line is the
// Content-Type header, the rest the body.

#include "FuzzSupport.h"

#include "registry/ManifestParser.h"

using namespace berth;
using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const QByteArray input = fuzz::bytesOf(data, size);
    const qsizetype newline = input.indexOf('\n');
    const QByteArray header = newline < 0 ? QByteArray() : input.left(newline);
    const QByteArray body = newline < 0 ? input : input.mid(newline + 1);
    const QString contentType = ManifestParser::normaliseContentType(header);
    BERTH_FUZZ_EXPECT(contentType == contentType.toLower(), contentType);
    const Result<ManifestInfo> manifest = ManifestParser::parse(body, contentType);
    if (!manifest) {
        BERTH_FUZZ_EXPECT(!manifest.errorMessage().isEmpty(), QString::fromUtf8(input));
        return 0;
    }
    manifest->isIndex();
    return 0;
}
