#pragma once

// Keeps libgit2 initialised for as long as it lives, and for as long as any job on the
// given thread pool still runs: its destructor waits for the pool to drain before it shuts
// libgit2 down, so a git walk or fetch still running when main returns never calls into
// a library already shut down. libgit2 counts init/shutdown pairs, so one guard in each
// entry point's main (and in each test main) is enough; nested guards are harmless.

class QThreadPool;

namespace berth {

class GitLibrary {
public:
    GitLibrary(); // drains QThreadPool::globalInstance(), where Berth runs its git work
    explicit GitLibrary(QThreadPool* workers);
    ~GitLibrary();

    GitLibrary(const GitLibrary&) = delete;
    GitLibrary& operator=(const GitLibrary&) = delete;

private:
    QThreadPool* m_workers;
};

} // namespace berth
