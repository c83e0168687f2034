#include "git/GitLibrary.h"

#include <QThreadPool>

#include <git2.h>

#include <mutex>

namespace berth {

namespace {

std::mutex libraryLock;
int guards = 0;       // GitLibrary objects alive
bool started = false; // git_libgit2_init called and not yet undone

} // namespace

GitLibrary::GitLibrary()
    : GitLibrary(QThreadPool::globalInstance()) {
}

GitLibrary::GitLibrary(QThreadPool* workers)
    : m_workers(workers) {
    const std::lock_guard lock(libraryLock);
    ++guards;
}

GitLibrary::~GitLibrary() {
    // A job still queued or running may be about to call libgit2: it finishes first.
    if (m_workers)
        m_workers->waitForDone();
    const std::lock_guard lock(libraryLock);
    if (--guards == 0 && started) {
        git_libgit2_shutdown();
        started = false;
    }
}

void GitLibrary::start() {
    const std::lock_guard lock(libraryLock);
    if (!started) {
        git_libgit2_init();
        started = true;
    }
}

} // namespace berth
