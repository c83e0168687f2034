#include "git/GitError.h"

#include "core/DisplayText.h"

#include <git2.h>

using namespace Qt::StringLiterals;

namespace berth {

Error gitError(int code, const QString& what) {
    const git_error* last = git_error_last();
    const QString detail = last && last->message ? QString::fromUtf8(last->message).trimmed()
                                                 : u"libgit2 error %1"_s.arg(code);
    QLatin1String kind = GitErrorCode::Other;
    if (code == GIT_EAMBIGUOUS)
        kind = GitErrorCode::Ambiguous;
    else if (code == GIT_EAUTH)
        kind = GitErrorCode::Auth;
    else if (code == GIT_EUSER)
        kind = GitErrorCode::Cancelled;
    // A remote URL in either part may carry a token (https://user:token@host/...).
    return Error::make(withoutCredentials(what + u": "_s + detail), 0, QString(kind));
}

} // namespace berth
