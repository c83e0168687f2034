// An image config blob as a registry serves it.

#include "FuzzSupport.h"

#include "registry/ImageConfig.h"

using namespace berth;
using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const Result<ImageConfig> config = ImageConfig::parse(fuzz::bytesOf(data, size));
    if (config && config->created.isValid())
        BERTH_FUZZ_EXPECT(config->created.timeSpec() == Qt::UTC,
                          config->created.toString(Qt::ISODate));
    return 0;
}
