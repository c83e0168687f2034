#include "git/GitLibrary.h"

#include <QThreadPool>

#include <git2.h>

namespace berth {

GitLibrary::GitLibrary()
    : GitLibrary(QThreadPool::globalInstance()) {
}

GitLibrary::GitLibrary(QThreadPool* workers)
    : m_workers(workers) {
    git_libgit2_init();
}

GitLibrary::~GitLibrary() {
    // A job still queued or running may be about to call libgit2: it finishes first.
    if (m_workers)
        m_workers->waitForDone();
    git_libgit2_shutdown();
}

} // namespace berth
