#pragma once

// The Promoter's engine transport: looks up the registry's credentials off the
// calling thread, then pulls, tags and pushes through a Docker-compatible engine.

#include "engine/EngineTypes.h"
#include "registry/RegistryOptions.h"
#include "release/Promoter.h"

namespace berth {

class EngineClient;

// `client` must outlive every retag the returned function starts. Progress of the
// pull and push goes to `progress` (may be empty).
RetagFunction makeEngineRetag(EngineClient* client, RegistryOptions options,
                              ProgressCallback progress = {});

} // namespace berth
