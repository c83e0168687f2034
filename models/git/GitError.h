#pragma once

// Turns a failed libgit2 call into berth::Error. libgit2 keeps its last error per
// thread and the next call may overwrite it, so the text is copied right after the
// failing call, before anything else touches libgit2.

#include "core/Result.h"

#include <QLatin1String>

namespace berth {

// Error::code values the git layer sets, so callers can tell the failures apart.
namespace GitErrorCode {
inline constexpr QLatin1String Ambiguous("ambiguous-revision");
inline constexpr QLatin1String NotInClone("commit-not-in-clone");
inline constexpr QLatin1String NotACommit("not-a-commit");
inline constexpr QLatin1String InvalidRevision("invalid-revision");
inline constexpr QLatin1String NoRevision("no-revision");
inline constexpr QLatin1String NotARepository("not-a-repository");
inline constexpr QLatin1String Cancelled("cancelled");
inline constexpr QLatin1String Auth("authentication");
inline constexpr QLatin1String Other("git-error");
} // namespace GitErrorCode

// `what` says what was attempted ("Opening the clone at /src/app"); libgit2's own
// text follows it. `code` is the libgit2 return value.
Error gitError(int code, const QString& what);

} // namespace berth
