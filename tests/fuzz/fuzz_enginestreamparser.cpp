// The JSON stream a Docker-compatible engine answers a pull or push with, cut into pieces
// the way a transport might deliver it: the first byte picks the piece size.

#include "FuzzSupport.h"

#include "engine/EngineStreamParser.h"

using namespace berth;
using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0)
        return 0;
    const qsizetype piece = qsizetype(data[0]) + 1;
    const QByteArray stream = fuzz::bytesOf(data + 1, size - 1);
    EngineStreamParser parser(u"pull"_s);
    qsizetype events = 0;
    for (qsizetype at = 0; at < stream.size(); at += piece)
        events +=
            parser.feed(QByteArrayView(stream).sliced(at, qMin(piece, stream.size() - at))).size();
    parser.finish();
    BERTH_FUZZ_EXPECT(!parser.isMalformed() || parser.hasError(), QString::fromUtf8(stream));
    BERTH_FUZZ_EXPECT(events <= parser.objectCount(), QString::fromUtf8(stream));
    parser.pushResult();
    return 0;
}
