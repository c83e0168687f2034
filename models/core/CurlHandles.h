#pragma once

// RAII owners for libcurl objects, shared by the engine client (models/engine) and the
// registry transport (models/registry/CurlMulti); raw pointers stay inside those two.

#include <curl/curl.h>

#include <memory>

namespace berth {

struct CurlEasyDeleter {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct CurlListDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlList = std::unique_ptr<curl_slist, CurlListDeleter>;

// curl_global_init exactly once per process, whoever asks first; the app may already
// have done it, which libcurl counts and tolerates.
void ensureCurlInitialized();

// curl_slist_append keeps the old list on failure: the owner must not lose it.
bool appendHeader(CurlList& list, const char* header);

} // namespace berth
