#pragma once

// berthctl commands on the history store: record, history, audit; and the
// collect-then-record step `builds` shares with `record`.

#include "CtlSupport.h"

#include "history/HistoryTypes.h"
#include "registry/BuildCollector.h"
#include "registry/ImageReference.h"

namespace berth {
class RegistryClient;
}

namespace berth::ctl {

struct RecordedCollection {
    BuildCollection collection;
    RecordSummary summary;
    int reconciled = 0; // pending actions settled on this run
};

// Reads the repository through the history's manifest cache, records every tag's
// position and settles pending actions the registry now answers for. On failure it
// prints the reason and calls finish; on success it calls done.
void collectAndRecord(const Invocation& invocation, const ImageReference& repository,
                      RegistryClient* client, Finish finish,
                      std::function<void(const RecordedCollection&)> done);

void runRecord(const Invocation& invocation, Finish finish);
void runHistory(const Invocation& invocation, Finish finish);
void runAudit(const Invocation& invocation, Finish finish);

} // namespace berth::ctl
