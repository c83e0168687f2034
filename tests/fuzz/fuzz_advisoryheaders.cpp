// The headers a registry advises with: the first input line is a Retry-After value, every
// further line a Warning header value. A wait is never negative; a warning text never has
// more characters than its header has bytes.

#include "FuzzSupport.h"

#include "registry/AdvisoryHeaders.h"

using namespace berth;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const QList<QByteArray> lines = fuzz::linesOf(fuzz::bytesOf(data, size));
    if (const std::optional<qint64> seconds = retryAfterSeconds(lines.first()))
        BERTH_FUZZ_EXPECT(*seconds >= 0, QString::number(*seconds));
    for (qsizetype i = 1; i < lines.size(); ++i) {
        for (const QString& text : parseWarningTexts(lines[i]))
            BERTH_FUZZ_EXPECT(text.size() <= lines[i].size(), text);
    }
    return 0;
}
