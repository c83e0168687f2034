#pragma once

// Keeps libgit2 initialised for as long as it lives. libgit2 counts init/shutdown
// pairs, so one guard in each entry point's main (and in each test main) is enough;
// nested guards are harmless.

namespace berth {

class GitLibrary {
public:
    GitLibrary();
    ~GitLibrary();

    GitLibrary(const GitLibrary&) = delete;
    GitLibrary& operator=(const GitLibrary&) = delete;
};

} // namespace berth
