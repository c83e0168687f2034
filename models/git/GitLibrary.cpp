#include "git/GitLibrary.h"

#include <git2.h>

namespace berth {

GitLibrary::GitLibrary() {
    git_libgit2_init();
}

GitLibrary::~GitLibrary() {
    git_libgit2_shutdown();
}

} // namespace berth
