// Link headers of a paginated tag or catalog list, one header line per input line. A next
// page that is accepted must stay on the registry the request went to.

#include "FuzzSupport.h"

#include "registry/LinkHeader.h"

using namespace berth;
using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const QUrl requestUrl(u"http://127.0.0.1:5000/v2/team/app/tags/list?n=2"_s);
    const QList<QByteArray> lines = fuzz::linesOf(fuzz::bytesOf(data, size));
    const Result<std::optional<QUrl>> next = nextPageUrl(lines, requestUrl);
    if (!next || !next->has_value())
        return 0;
    const QUrl& url = **next;
    BERTH_FUZZ_EXPECT(url.scheme() == requestUrl.scheme(), url.toString());
    BERTH_FUZZ_EXPECT(url.host() == requestUrl.host(), url.toString());
    BERTH_FUZZ_EXPECT(url.port(80) == requestUrl.port(80), url.toString());
    return 0;
}
