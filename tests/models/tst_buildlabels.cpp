// readBuildLabels in a real clone with a changed tracked file: comparing the work tree lists
// it; skipping the comparison (what publish asks for, since it labels nothing) leaves the
// list empty and every label the same.

#include "GitSandbox.h"
#include "TestMain.h"

#include "git/BuildLabels.h"
#include "git/GitLibrary.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

class TestBuildLabels : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    GitSandbox m_sandbox{m_dir.path()};
    std::optional<GitLibrary> m_git;
    QString m_clone;
    QString m_head;

    static QString noVariable(const char*) { return {}; }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_sandbox.isolateThisProcess();
        m_git.emplace();
        m_clone = m_sandbox.newRepository(u"payment-api"_s);
        QVERIFY2(!m_clone.isEmpty(), qPrintable(m_sandbox.lastError()));
        m_head = m_sandbox.commitFile(m_clone, u"main.go"_s, "package main\n", u"Start"_s);
        QVERIFY2(!m_head.isEmpty(), qPrintable(m_sandbox.lastError()));
        QFile tracked(m_clone + u"/main.go"_s);
        QVERIFY(tracked.open(QIODevice::Append));
        tracked.write("// local change\n");
    }

    void comparingTheWorkTreeListsTheChangedFile() {
        const Result<BuildLabels> labels = readBuildLabels(m_clone, noVariable);
        QVERIFY2(labels, qPrintable(labels.errorMessage()));
        QCOMPARE(labels->changedFiles, QStringList{u"main.go"_s});
        QCOMPARE(labels->value(u"org.opencontainers.image.revision"_s), m_head);
    }

    void skippingItGivesTheSameLabelsAndNoList() {
        const Result<BuildLabels> compared = readBuildLabels(m_clone, noVariable);
        const Result<BuildLabels> skipped =
            readBuildLabels(m_clone, noVariable, WorkTreeCheck::Skip);
        QVERIFY2(compared, qPrintable(compared.errorMessage()));
        QVERIFY2(skipped, qPrintable(skipped.errorMessage()));
        QVERIFY(skipped->changedFiles.isEmpty());
        QCOMPARE(skipped->labels, compared->labels);
        QCOMPARE(skipped->value(u"git.branch"_s), u"main"_s);
    }
};

BERTH_TEST_MAIN(TestBuildLabels)
#include "tst_buildlabels.moc"
