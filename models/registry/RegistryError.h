#pragma once

// Turns a registry's non-success answer into an Error a person can act on.

#include "core/Result.h"
#include "registry/HttpMessage.h"

namespace berth {

// `subject` names what was asked for, e.g. "manifest acme/app:v1.2.0".
Error registryErrorFrom(const HttpResponse& response, const QString& subject);

} // namespace berth
