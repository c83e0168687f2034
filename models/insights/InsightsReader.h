#pragma once

// Gathers what the delivery metrics need of one repository: the environment tag's
// positions, the audit, the verdicts and each build's revision from the history store,
// and the commits behind the builds from the linked clone. Runs on the thread that owns
// the store (the window's history thread, or berthctl's main thread).

#include "core/Result.h"
#include "insights/DeliveryInsights.h"

#include <functional>

namespace berth {

class HistoryStore;

// `repository` is host/path.
Result<InsightsInput> readInsightsInput(HistoryStore& store, const QString& repository,
                                        const QString& environment);

// The commits each revision ships first, walking the clone at `clonePath` (opened once,
// used from one thread at a time). A revision is a full or short commit id.
// `revisions`, those to be asked about, are read ahead at once where the clone allows
// (ShippedCommits::prefetch).
Result<ShippedCommitsOf> shippedCommitsIn(const QString& clonePath,
                                          const QStringList& revisions = {});

// Both of the above; an empty `clonePath` leaves lead time out, with a note.
Result<InsightsReport> readInsights(HistoryStore& store, const QString& repository,
                                    const InsightsOptions& options, const QString& clonePath);

// Several repositories (a project) over one period, pooled by combineInsights. Without
// options.since the period starts at the earliest first observation among them, so no
// repository's history is cut. `cloneOf` names each repository's clone ("": none).
Result<InsightsReport> readPooledInsights(HistoryStore& store, const QStringList& repositories,
                                          InsightsOptions options,
                                          const std::function<QString(const QString&)>& cloneOf);

} // namespace berth
