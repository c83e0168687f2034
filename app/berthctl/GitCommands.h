#pragma once

// berthctl commands that read a local git clone next to the registry: diff, and the
// commit column `builds --git` adds.

#include "CtlSupport.h"

#include "registry/Build.h"

#include <QHash>

namespace berth::ctl {

// diff <repository> <from-ref> <to-ref> --git <clone>: the commits the to-build has
// over the from-build and those it lacks; refs are tags or digests.
void runDiff(const Invocation& invocation, Finish finish);

// Each build's digest to its commit summary in the clone, or to why there is none
// ("(not in clone)", "(ambiguous)", ...). Resolves in a worker thread and waits: a
// command line has nothing else to do meanwhile.
QHash<QString, QString> commitSummaries(const QString& clonePath, const QList<Build>& builds);

} // namespace berth::ctl
