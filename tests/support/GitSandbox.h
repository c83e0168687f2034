#pragma once

// A throwaway git world for tests: its own HOME and no system configuration, so neither
// git, libgit2 nor berthctl reads the developer's settings. Makes repositories with real
// commits and runs git and berthctl inside it.

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace berth::test {

struct ProcessRun {
    int exitCode = -1; // -1: did not finish, or crashed
    QByteArray out;
    QString errors;
};

class GitSandbox {
public:
    // `root` is a temporary directory the sandbox may fill; it is HOME for every process.
    explicit GitSandbox(const QString& root);

    // Points this process's HOME and XDG_CONFIG_HOME at the sandbox too, for libgit2 in
    // the test itself; call before GitLibrary starts.
    void isolateThisProcess() const;
    QProcessEnvironment environment() const;

    ProcessRun run(const QString& program, const QStringList& arguments, const QString& dir,
                   const QProcessEnvironment& environment) const;
    ProcessRun berthctl(const QStringList& arguments, const QString& dir,
                        const QProcessEnvironment& extra = {}) const;

    bool git(const QString& dir, const QStringList& arguments);
    // git's stdout, trimmed; empty on failure (see lastError()).
    QString gitOutput(const QString& dir, const QStringList& arguments);

    // A new repository on branch main with a committer configured; empty on failure.
    QString newRepository(const QString& name);
    // Writes `file` and commits it; answers the new commit's id, empty on failure.
    QString commitFile(const QString& dir, const QString& file, const QByteArray& content,
                       const QString& message);

    QString root() const { return m_root; }
    QString lastError() const { return m_lastError; }

private:
    QString m_root;
    QString m_lastError;
};

} // namespace berth::test
