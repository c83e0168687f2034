// ImageReference::parse on what a person types or a config file holds. A reference that
// parses must round-trip through toString() (the header promises it) and name valid parts.

#include "FuzzSupport.h"

#include "registry/ImageReference.h"

using namespace berth;
using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const QString text = QString::fromUtf8(fuzz::bytesOf(data, size));
    const Result<ImageReference> parsed = ImageReference::parse(text);
    isValidTag(text);
    tagValidationError(text);
    isLoopbackHost(text);
    apiHostOf(text);
    if (!parsed) {
        BERTH_FUZZ_EXPECT(!parsed.errorMessage().isEmpty(), text);
        return 0;
    }
    const ImageReference& reference = *parsed;
    reference.apiHost();
    reference.repository();
    reference.reference();
    BERTH_FUZZ_EXPECT(isValidRepositoryPath(reference.path()), text);
    BERTH_FUZZ_EXPECT(reference.tag().isEmpty() || isValidTag(reference.tag()), text);
    BERTH_FUZZ_EXPECT(reference.digest().isEmpty() || isValidDigest(reference.digest()), text);
    const QString printed = reference.toString();
    const Result<ImageReference> again = ImageReference::parse(printed);
    BERTH_FUZZ_EXPECT(again.ok(), text + u" -> "_s + printed);
    BERTH_FUZZ_EXPECT(*again == reference, text + u" -> "_s + printed);
    return 0;
}
