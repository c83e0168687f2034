#include "core/CurlHandles.h"

#include <mutex>

namespace berth {

void ensureCurlInitialized() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool appendHeader(CurlList& list, const char* header) {
    curl_slist* extended = curl_slist_append(list.get(), header);
    if (!extended)
        return false;
    static_cast<void>(list.release());
    list.reset(extended);
    return true;
}

} // namespace berth
