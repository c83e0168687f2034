// Where the history lives, as typed in settings or on berthctl's command line. What is
// shown of it must never carry a password.

#include "FuzzSupport.h"

#include "history/HistoryLocation.h"

using namespace berth;
using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const QString text = QString::fromUtf8(fuzz::bytesOf(data, size));
    const Result<HistoryLocation> location = HistoryLocation::parse(text);
    if (!location) {
        BERTH_FUZZ_EXPECT(!location.errorMessage().isEmpty(), text);
        return 0;
    }
    location->display();
    if (location->isPostgres()) {
        BERTH_FUZZ_EXPECT(!location->host.isEmpty() && !location->database.isEmpty(), text);
    }
    return 0;
}
