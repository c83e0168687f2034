#pragma once

// Keeps libgit2 usable for as long as it lives, and for as long as any job on the given
// thread pool still runs: its destructor waits for the pool to drain before it shuts
// libgit2 down, so a git walk still running when main returns never calls into a library
// already shut down. One guard in each entry point's main (and in each test main) is
// enough; nested guards are harmless.
//
// libgit2 itself starts at the first use (GitRepository::open calls start()), not with the
// guard: starting it parses the system's whole CA bundle for HTTPS remotes (some 8 ms),
// which a berthctl command that never opens a clone, or opens one on a worker thread while
// its main thread reads the registry, should not wait for.

class QThreadPool;

namespace berth {

class GitLibrary {
public:
    GitLibrary(); // drains QThreadPool::globalInstance(), where Berth runs its git work
    explicit GitLibrary(QThreadPool* workers);
    ~GitLibrary();

    GitLibrary(const GitLibrary&) = delete;
    GitLibrary& operator=(const GitLibrary&) = delete;

    // Starts libgit2 unless it runs already; any thread may call it, before any libgit2
    // call that needs the library started.
    static void start();

private:
    QThreadPool* m_workers;
};

} // namespace berth
