// GitLibrary keeps libgit2 initialised until every job on its thread pool finished: a git
// walk still running when main returns must not call into a library already shut down.
// libgit2 starts at the first clone opened, on whichever thread opens it, not before.

#include "TestMain.h"

#include "git/GitLibrary.h"
#include "git/GitRepository.h"

#include <QFile>
#include <QProcess>
#include <QSemaphore>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>

#include <git2.h>

#include <optional>

using namespace Qt::StringLiterals;

namespace berth::test {

namespace {

// How long the job waits to hear that the GitLibrary is gone. One that drains its pool
// cannot be gone before the job ends, so there the wait always runs out; one that does not
// drain is gone at once, and the job then calls libgit2 after the shutdown.
constexpr int kOwnerGoneWaitMs = 1000;

// Who else holds libgit2 initialised, read without changing it: init returns the count.
int otherHolders() {
    const int count = git_libgit2_init();
    git_libgit2_shutdown();
    return count - 1;
}

// An empty repository made by git itself, for libgit2 to open.
bool initClone(const QString& path) {
    QProcess gitInit;
    gitInit.start(u"git"_s, {u"init"_s, u"--quiet"_s, path});
    return gitInit.waitForFinished() && gitInit.exitStatus() == QProcess::NormalExit &&
           gitInit.exitCode() == 0;
}

struct JobSaw {
    int otherHolders = -1;
    int openError = -1; // git_repository_open's return value
};

} // namespace

class GitLibraryTest : public QObject {
    Q_OBJECT

private slots:
    void poolJobsFinishBeforeShutdown_data() {
        QTest::addColumn<bool>("globalPool");
        QTest::newRow("pool given") << false;
        QTest::newRow("default: the global pool") << true;
    }
    void poolJobsFinishBeforeShutdown() {
        QFETCH(bool, globalPool);
        QTemporaryDir clone;
        QVERIFY(clone.isValid() && initClone(clone.path()));
        // Nothing else in this process holds libgit2, so the GitLibrary's hold is the one seen.
        QCOMPARE(otherHolders(), 0);

        QThreadPool ownPool;
        QThreadPool* workers = globalPool ? QThreadPool::globalInstance() : &ownPool;
        std::optional<GitLibrary> library;
        if (globalPool)
            library.emplace();
        else
            library.emplace(workers);
        QCOMPARE(otherHolders(), 0); // nothing opened a clone yet
        QVERIFY(GitRepository::open(clone.path()));
        QCOMPARE(otherHolders(), 1);

        QSemaphore started;
        QSemaphore ownerGone;
        JobSaw saw;
        const QByteArray path = QFile::encodeName(clone.path());
        workers->start([&started, &ownerGone, &saw, path] {
            started.release();
            // Held until the owner has destroyed its GitLibrary, or it cannot (see above).
            static_cast<void>(ownerGone.tryAcquire(1, kOwnerGoneWaitMs));
            saw.otherHolders = otherHolders();
            // With a hold of its own, so a failing case does not call into a shut-down library.
            git_libgit2_init();
            git_repository* repository = nullptr;
            saw.openError = git_repository_open(&repository, path.constData());
            git_repository_free(repository);
            git_libgit2_shutdown();
        });
        started.acquire();
        library.reset(); // the owner goes away while the job still waits to call libgit2
        ownerGone.release();
        workers->waitForDone();

        QCOMPARE(saw.otherHolders, 1); // the GitLibrary's: libgit2 was still initialised
        QCOMPARE(saw.openError, 0);
        QCOMPARE(otherHolders(), 0); // and shut down once the job was done
    }

    // A worker thread's first clone starts libgit2; the guard in main shuts it down, and a
    // guard whose process never opened a clone never started it.
    void theFirstCloneOpenedStartsTheLibrary() {
        QTemporaryDir clone;
        QVERIFY(clone.isValid() && initClone(clone.path()));

        std::optional<GitLibrary> unused(std::in_place);
        unused.reset();
        QCOMPARE(otherHolders(), 0);

        QThreadPool workers;
        std::optional<GitLibrary> library(std::in_place, &workers);
        bool opened = false;
        workers.start([&opened, path = clone.path()] { opened = bool(GitRepository::open(path)); });
        workers.waitForDone();
        QVERIFY(opened);
        QCOMPARE(otherHolders(), 1);
        library.reset();
        QCOMPARE(otherHolders(), 0);
    }
};

} // namespace berth::test

BERTH_TEST_MAIN(berth::test::GitLibraryTest)

#include "tst_gitlibrary.moc"
