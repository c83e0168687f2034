// PolicySource against real git clones: the policy committed at HEAD read on a worker
// thread, the defaults meanwhile and when the file is malformed (named by line and
// column), an answer for an earlier clone dropped, and a moved HEAD read on reload.

#include "GitSandbox.h"
#include "TestMain.h"

#include "git/GitLibrary.h"
#include "policy/PolicySource.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThreadPool>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

const QByteArray kOrdered = "[environments]\norder = [\"staging\", \"production\"]\n";
const QByteArray kMalformed = "[environments]\norder = [\"staging\", \"production\"]\nstages = 2\n";

// Runs before the GitLibrary member is built, so libgit2 sees the sandbox's HOME too.
bool isolate(const GitSandbox& sandbox) {
    sandbox.isolateThisProcess();
    return true;
}

} // namespace

class TestPolicySource : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    GitSandbox m_sandbox{m_dir.path()};
    bool m_isolated = isolate(m_sandbox);
    GitLibrary m_git;
    int m_clones = 0;

    QString clone(const QByteArray& policy) {
        const QString dir = m_sandbox.newRepository(u"clone-%1"_s.arg(++m_clones));
        if (dir.isEmpty() ||
            m_sandbox.commitFile(dir, u"berth.toml"_s, policy, u"Tag policy"_s).isEmpty())
            qWarning("%s", qPrintable(m_sandbox.lastError()));
        return dir;
    }

    // Every read started so far has answered and its answer was delivered (or dropped).
    static void settle() {
        QThreadPool::globalInstance()->waitForDone();
        QCoreApplication::processEvents();
        QCoreApplication::processEvents();
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void readsTheCloneOffTheCallingThread() {
        PolicySource source;
        QVERIFY(source.answersForClone()); // no clone: the defaults are its answer
        QSignalSpy changed(&source, &PolicySource::policyChanged);
        source.setClonePath(clone(kOrdered));
        // Nothing is read here: the defaults stay in force until the worker answers, and
        // they do not answer for the clone (a promotion must wait for it).
        QVERIFY(source.isReading());
        QVERIFY(!source.answersForClone());
        QVERIFY(!source.policy().promotionOrdered);
        QCOMPARE(changed.count(), 0);
        QVERIFY(changed.wait(30000));
        QVERIFY(!source.isReading());
        QVERIFY(source.answersForClone());
        // Reading the same clone again keeps its answer in force meanwhile.
        source.reload();
        QVERIFY(source.isReading());
        QVERIFY(source.answersForClone());
        QVERIFY(changed.wait(30000));
        QVERIFY(source.problem().isEmpty());
        QVERIFY(source.policy().promotionOrdered);
        QCOMPARE(source.policy().environments, (QStringList{u"staging"_s, u"production"_s}));
        QVERIFY2(source.policy().origin.startsWith(u"berth.toml at "_s),
                 qPrintable(source.policy().origin));
    }

    void aMalformedFileIsNamedAndTheDefaultsServe() {
        PolicySource source;
        QSignalSpy changed(&source, &PolicySource::policyChanged);
        source.setClonePath(clone(kMalformed));
        QVERIFY(changed.wait(30000));
        QVERIFY(source.answersForClone()); // its answer is the problem
        QVERIFY2(source.problem().startsWith(u"berth.toml:3:1: unknown key"_s),
                 qPrintable(source.problem()));
        QVERIFY(!source.policy().promotionOrdered);
    }

    void aFolderThatIsNoCloneIsAProblem() {
        PolicySource source;
        QSignalSpy changed(&source, &PolicySource::policyChanged);
        source.setClonePath(m_dir.filePath(u"nowhere"_s));
        QVERIFY(changed.wait(30000));
        QVERIFY2(source.problem().contains(u"does not exist"_s), qPrintable(source.problem()));
        QVERIFY(!source.policy().promotionOrdered);
    }

    void unlinkingTheCloneRestoresTheDefaultsAtOnce() {
        PolicySource source;
        QSignalSpy changed(&source, &PolicySource::policyChanged);
        source.setClonePath(clone(kMalformed));
        QVERIFY(changed.wait(30000));
        source.setClonePath({});
        QCOMPARE(changed.count(), 2);
        QVERIFY(!source.isReading());
        QVERIFY(source.problem().isEmpty());
        QVERIFY(!source.policy().promotionOrdered);
    }

    void onlyTheLatestClonesAnswerCounts() {
        PolicySource source;
        QSignalSpy changed(&source, &PolicySource::policyChanged);
        const QString malformed = clone(kMalformed);
        const QString ordered = clone(kOrdered);
        source.setClonePath(malformed);
        source.setClonePath(ordered);
        QTRY_VERIFY_WITH_TIMEOUT(!source.isReading(), 30000);
        settle(); // the earlier read's answer too: it must have been dropped
        QCOMPARE(changed.count(), 1);
        QCOMPARE(source.clonePath(), ordered);
        QVERIFY(source.problem().isEmpty());
        QVERIFY(source.policy().promotionOrdered);
    }

    void reloadReadsAMovedHead() {
        PolicySource source;
        QSignalSpy changed(&source, &PolicySource::policyChanged);
        const QString dir = clone("[tags]\nlatest = true\n");
        source.setClonePath(dir);
        QVERIFY(changed.wait(30000));
        QVERIFY(!source.policy().promotionOrdered);
        QVERIFY(!m_sandbox.commitFile(dir, u"berth.toml"_s, kOrdered, u"Order"_s).isEmpty());
        // The same clone again is no reason to read; a reload is.
        source.setClonePath(dir);
        QVERIFY(!source.isReading());
        source.reload();
        QVERIFY(changed.wait(30000));
        QVERIFY(source.policy().promotionOrdered);
    }
};

BERTH_TEST_MAIN(TestPolicySource)
#include "tst_policysource.moc"
