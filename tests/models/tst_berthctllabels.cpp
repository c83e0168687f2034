// berthctl labels against real git repositories: the labels a pipeline bakes into an image,
// the same for the same commit every time, in three formats; the branch of a detached CI
// checkout from the job's variables; a dirty work tree said on stderr or refused.

#include "GitSandbox.h"
#include "TestMain.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace berth::test;

namespace {

// 2026-03-02T10:15:00Z, the committer date every commit of the fixture gets.
const QString kCommitDate = u"2026-03-02T10:15:00Z"_s;

QProcessEnvironment variables(const QList<QPair<QString, QString>>& pairs) {
    QProcessEnvironment environment;
    for (const auto& [name, value] : pairs)
        environment.insert(name, value);
    return environment;
}

} // namespace

class TestBerthctlLabels : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    GitSandbox m_sandbox{m_dir.path()};
    QString m_clone;
    QString m_head;

    ProcessRun labels(const QStringList& extra = {}, const QProcessEnvironment& environment = {}) {
        return m_sandbox.berthctl(QStringList{u"labels"_s} + extra, m_clone, environment);
    }

    QString expectedArguments(const QString& branch) const {
        return u"--label org.opencontainers.image.revision=%1 --label "
               u"org.opencontainers.image.created=%2 --label "
               u"org.opencontainers.image.source=https://git.example.org/acme/payment-api "
               u"--label org.opencontainers.image.version=v1.2.0 --label git.commit=%1 --label "
               u"build.date=%2 --label git.branch=%3\n"_s.arg(m_head, kCommitDate, branch);
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        qputenv("GIT_COMMITTER_DATE", kCommitDate.toUtf8());
        m_clone = m_sandbox.newRepository(u"payment-api"_s);
        QVERIFY2(!m_clone.isEmpty(), qPrintable(m_sandbox.lastError()));
        QVERIFY(
            !m_sandbox.commitFile(m_clone, u"main.go"_s, "package main\n", u"Start"_s).isEmpty());
        m_head = m_sandbox.commitFile(m_clone, u"VERSION"_s, "1.2.0\n", u"Release 1.2.0"_s);
        QVERIFY2(!m_head.isEmpty(), qPrintable(m_sandbox.lastError()));
        // The release and its candidate name the same commit: the release is the version.
        QVERIFY(m_sandbox.git(m_clone, {u"tag"_s, u"v1.2.0-rc.1"_s}));
        QVERIFY(m_sandbox.git(m_clone, {u"tag"_s, u"-a"_s, u"v1.2.0"_s, u"-m"_s, u"1.2.0"_s}));
        QVERIFY(m_sandbox.git(m_clone, {u"tag"_s, u"not-a-version"_s}));
        // Credentials in the remote never reach a label.
        QVERIFY(
            m_sandbox.git(m_clone, {u"remote"_s, u"add"_s, u"origin"_s,
                                    u"https://ci:s3cret@git.example.org/acme/payment-api.git"_s}));
        qunsetenv("GIT_COMMITTER_DATE");
    }

    void printsTheLabelsOfHeadAsBuildArguments() {
        const ProcessRun run = labels();
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(QString::fromUtf8(run.out), expectedArguments(u"main"_s));
        QVERIFY2(run.errors.isEmpty(), qPrintable(run.errors));
        QVERIFY(!run.out.contains("s3cret"));
    }

    // The date is the commit's, not the clock's: the same commit labels the same way a
    // second later, from another directory, with --git.
    void isDeterministic() {
        const ProcessRun first = labels();
        QTest::qWait(1100);
        const ProcessRun second =
            m_sandbox.berthctl({u"labels"_s, u"--git"_s, m_clone}, m_dir.path());
        QCOMPARE(second.exitCode, 0);
        QCOMPARE(second.out, first.out);
    }

    void formats_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expected");
        QTest::newRow("env") << QStringList{u"--format"_s, u"env"_s}
                             << u"ORG_OPENCONTAINERS_IMAGE_REVISION=%1\n"
                                u"ORG_OPENCONTAINERS_IMAGE_CREATED=%2\n"
                                u"ORG_OPENCONTAINERS_IMAGE_SOURCE=https://git.example.org/acme/"
                                u"payment-api\n"
                                u"ORG_OPENCONTAINERS_IMAGE_VERSION=v1.2.0\n"
                                u"GIT_COMMIT=%1\nBUILD_DATE=%2\nGIT_BRANCH=main\n"_s;
        QTest::newRow("args") << QStringList{u"--format"_s, u"args"_s} << QString();
    }
    void formats() {
        QFETCH(QStringList, arguments);
        QFETCH(QString, expected);
        const ProcessRun run = labels(arguments);
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(QString::fromUtf8(run.out), expected.isEmpty()
                                                 ? expectedArguments(u"main"_s)
                                                 : expected.arg(m_head, kCommitDate));
    }

    void jsonGivesTheLabelsAndTheWorkTreeState() {
        for (const QStringList& arguments :
             {QStringList{u"--format"_s, u"json"_s}, QStringList{u"--json"_s}}) {
            const ProcessRun run = labels(arguments);
            QCOMPARE(run.exitCode, 0);
            const QJsonObject object = QJsonDocument::fromJson(run.out).object();
            const QJsonObject labels = object.value(u"labels"_s).toObject();
            QCOMPARE(labels.size(), 7);
            QCOMPARE(labels.value(u"git.commit"_s).toString(), m_head);
            QCOMPARE(labels.value(u"org.opencontainers.image.created"_s).toString(), kCommitDate);
            QCOMPARE(labels.value(u"org.opencontainers.image.version"_s).toString(), u"v1.2.0"_s);
            QCOMPARE(object.value(u"dirty"_s).toBool(true), false);
        }
    }

    void sourceDateEpochSetsTheDate_data() {
        QTest::addColumn<QString>("epoch");
        QTest::addColumn<QString>("date");
        QTest::addColumn<QString>("warning");
        QTest::newRow("epoch") << u"1700000000"_s << u"2023-11-14T22:13:20Z"_s << QString();
        QTest::newRow("zero") << u"0"_s << u"1970-01-01T00:00:00Z"_s << QString();
        QTest::newRow("not a number")
            << u"yesterday"_s << kCommitDate << u"SOURCE_DATE_EPOCH \"yesterday\" is not seconds"_s;
        QTest::newRow("negative") << u"-5"_s << kCommitDate << u"is not seconds"_s;
        QTest::newRow("year 10000") << u"253402300800"_s << kCommitDate << u"is not seconds"_s;
    }
    void sourceDateEpochSetsTheDate() {
        QFETCH(QString, epoch);
        QFETCH(QString, date);
        QFETCH(QString, warning);
        const ProcessRun run =
            labels({u"--format"_s, u"env"_s}, variables({{u"SOURCE_DATE_EPOCH"_s, epoch}}));
        QCOMPARE(run.exitCode, 0);
        const QString out = QString::fromUtf8(run.out);
        QVERIFY2(out.contains(u"\nBUILD_DATE=%1\n"_s.arg(date)), qPrintable(out));
        QVERIFY2(out.contains(u"ORG_OPENCONTAINERS_IMAGE_CREATED=%1\n"_s.arg(date)),
                 qPrintable(out));
        if (warning.isEmpty())
            QVERIFY2(run.errors.isEmpty(), qPrintable(run.errors));
        else
            QVERIFY2(run.errors.contains(warning), qPrintable(run.errors));
    }

    // CI checks out the commit, not the branch: the job's variables name it, the first
    // valid one in the documented order.
    void detachedCheckoutTakesTheBranchFromCi_data() {
        QTest::addColumn<QProcessEnvironment>("environment");
        QTest::addColumn<QString>("branch"); // empty: no git.branch label
        QTest::addColumn<QString>("warning");
        QTest::newRow("nothing set") << QProcessEnvironment() << QString()
                                     << u"HEAD is detached and no CI variable names the branch"_s;
        QTest::newRow("GitLab") << variables({{u"CI_COMMIT_BRANCH"_s, u"release/2.4"_s}})
                                << u"release/2.4"_s << QString();
        QTest::newRow("GitHub pull request")
            << variables({{u"GITHUB_HEAD_REF"_s, u"fix-rounding"_s},
                          {u"GITHUB_REF_NAME"_s, u"42/merge"_s}})
            << u"fix-rounding"_s << QString();
        QTest::newRow("BERTH_BRANCH first")
            << variables({{u"BERTH_BRANCH"_s, u"main"_s}, {u"BRANCH_NAME"_s, u"other"_s}})
            << u"main"_s << QString();
        QTest::newRow("not a branch name skipped")
            << variables({{u"BERTH_BRANCH"_s, u"main *"_s}, {u"BRANCH_NAME"_s, u"hotfix"_s}})
            << u"hotfix"_s << u"BERTH_BRANCH is not a branch name git accepts"_s;
    }
    void detachedCheckoutTakesTheBranchFromCi() {
        QFETCH(QProcessEnvironment, environment);
        QFETCH(QString, branch);
        QFETCH(QString, warning);
        QVERIFY(m_sandbox.git(m_clone, {u"checkout"_s, u"-q"_s, u"--detach"_s, u"HEAD"_s}));
        const ProcessRun run = labels({u"--json"_s}, environment);
        QVERIFY(m_sandbox.git(m_clone, {u"checkout"_s, u"-q"_s, u"main"_s}));
        QCOMPARE(run.exitCode, 0);
        const QJsonObject labels =
            QJsonDocument::fromJson(run.out).object().value(u"labels"_s).toObject();
        QCOMPARE(labels.contains(u"git.branch"_s), !branch.isEmpty());
        QCOMPARE(labels.value(u"git.branch"_s).toString(), branch);
        if (warning.isEmpty())
            QVERIFY2(run.errors.isEmpty(), qPrintable(run.errors));
        else
            QVERIFY2(run.errors.contains(warning), qPrintable(run.errors));
    }

    void dirtyWorkTreeIsSaidAndRefusedOnRequest() {
        QFile untracked(m_clone + u"/notes.txt"_s);
        QVERIFY(untracked.open(QIODevice::WriteOnly));
        untracked.close();
        const ProcessRun clean = labels({u"--require-clean"_s});
        QCOMPARE(clean.exitCode, 0); // an untracked file is not part of the build's commit
        QVERIFY2(clean.errors.isEmpty(), qPrintable(clean.errors));

        QFile tracked(m_clone + u"/main.go"_s);
        QVERIFY(tracked.open(QIODevice::Append));
        tracked.write("// local change\n");
        tracked.close();
        const ProcessRun dirty = labels();
        QCOMPARE(dirty.exitCode, 0);
        QCOMPARE(QString::fromUtf8(dirty.out), expectedArguments(u"main"_s));
        QVERIFY2(dirty.errors.contains(u"1 tracked file(s) differ from HEAD (main.go)"_s),
                 qPrintable(dirty.errors));

        const ProcessRun refused = labels({u"--require-clean"_s});
        QCOMPARE(refused.exitCode, 3);
        QVERIFY(refused.out.isEmpty());
        QVERIFY2(refused.errors.contains(u"main.go"_s), qPrintable(refused.errors));

        // Staged counts too.
        QVERIFY(m_sandbox.git(m_clone, {u"add"_s, u"main.go"_s}));
        QCOMPARE(labels({u"--require-clean"_s}).exitCode, 3);
        QVERIFY(m_sandbox.git(m_clone, {u"reset"_s, u"-q"_s, u"--hard"_s}));
        QCOMPARE(labels({u"--require-clean"_s}).exitCode, 0);
    }

    void refusals_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown format")
            << QStringList{u"--format"_s, u"yaml"_s} << 2 << u"--format takes args, json or env"_s;
        QTest::newRow("argument") << QStringList{u"extra"_s} << 2 << u"takes no arguments"_s;
        QTest::newRow("not a clone") << QStringList{u"--git"_s, u"/"_s} << 1 << QString();
    }
    void refusals() {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const ProcessRun run = labels(arguments);
        QCOMPARE(run.exitCode, exitCode);
        QVERIFY(run.out.isEmpty());
        QVERIFY(!run.errors.isEmpty());
        QVERIFY2(run.errors.contains(message), qPrintable(run.errors));
    }

    void aCloneWithoutCommitsHasNothingToLabel() {
        const QString empty = m_sandbox.newRepository(u"empty"_s);
        QVERIFY(!empty.isEmpty());
        const ProcessRun run = m_sandbox.berthctl({u"labels"_s}, empty);
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.errors.contains(u"has no commit yet"_s), qPrintable(run.errors));
    }

    void anScpLikeRemoteGivesItsWebAddress() {
        const QString clone = m_sandbox.newRepository(u"ssh-remote"_s);
        QVERIFY(!m_sandbox.commitFile(clone, u"a"_s, "a", u"A"_s).isEmpty());
        QVERIFY(m_sandbox.git(clone, {u"remote"_s, u"add"_s, u"upstream"_s,
                                      u"git@github.com:acme/Payment-API.git"_s}));
        const ProcessRun run = m_sandbox.berthctl({u"labels"_s, u"--format"_s, u"env"_s}, clone);
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains("ORG_OPENCONTAINERS_IMAGE_SOURCE=https://github.com/acme/"
                                  "Payment-API\n"),
                 run.out.constData());
        QVERIFY(!run.out.contains("VERSION="));
    }
};

BERTH_TEST_MAIN(TestBerthctlLabels)
#include "tst_berthctllabels.moc"
