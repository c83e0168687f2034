// berthctl publish against a real registry and real git history: the policy's tag set
// applied to the digest CI pushed (same bytes, nothing re-encoded), floating tags moved
// only forward, an exact version never overwritten, a build of another commit refused,
// and every applied tag audited and recorded.

#include "GitSandbox.h"
#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "TestMain.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth::test;

class TestBerthctlPublish : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<RegistryServer> m_server;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<GitSandbox> m_sandbox;
    QString m_clone;
    int m_builds = 0;

    QString repository() const { return m_server->hostPort() + u"/acme/api"_s; }

    ProcessRun ctl(QStringList arguments, const QProcessEnvironment& extra = {}) {
        arguments << u"--db"_s << m_dir->filePath(u"history.sqlite"_s);
        QProcessEnvironment environment = extra;
        environment.insert(u"DOCKER_CONFIG"_s, m_dir->filePath(u"docker"_s));
        return m_sandbox->berthctl(arguments, m_clone, environment);
    }

    ProcessRun publish(const QStringList& extra = {}, const QProcessEnvironment& environment = {}) {
        return ctl(QStringList{u"publish"_s, repository(), head().left(7)} + extra, environment);
    }

    QString head() { return m_sandbox->gitOutput(m_clone, {u"rev-parse"_s, u"HEAD"_s}); }

    // What CI does: one image per commit, labelled with it, pushed under its short SHA only.
    QString pushBuild(const QString& revision) {
        const QJsonObject image{
            {u"tags"_s, QJsonArray{head().left(7)}},
            {u"format"_s, u"oci"_s},
            {u"created"_s, u"2026-03-02T10:%1:00Z"_s.arg(++m_builds, 2, 10, QChar(u'0'))},
            {u"labels"_s, QJsonObject{{u"org.opencontainers.image.revision"_s, revision}}},
            {u"platforms"_s, QJsonArray{u"linux/amd64"_s}},
            {u"layerSeed"_s, u"build-%1"_s.arg(m_builds)}};
        QString error;
        const QJsonObject seeded = RegistrySeeder::seed(
            *m_server, {{u"repository"_s, u"acme/api"_s}, {u"images"_s, QJsonArray{image}}},
            &error);
        if (!error.isEmpty())
            qWarning("%s", qPrintable(error));
        return seeded.value(u"images"_s).toArray().first().toObject().value(u"digest"_s).toString();
    }

    QString commit(const QString& message, const QString& releaseTag = {}) {
        const QString id =
            m_sandbox->commitFile(m_clone, u"CHANGES"_s, message.toUtf8() + '\n', message);
        if (!releaseTag.isEmpty())
            m_sandbox->git(m_clone, {u"tag"_s, releaseTag});
        return id;
    }

    // Every tag of the repository and its digest, as the registry answers now.
    QMap<QString, QString> tags() {
        QMap<QString, QString> result;
        const ProcessRun builds = ctl({u"builds"_s, repository(), u"--json"_s});
        for (const QJsonValue& build : QJsonDocument::fromJson(builds.out).array()) {
            const QString digest = build.toObject().value(u"digest"_s).toString();
            for (const QJsonValue& tag : build.toObject().value(u"tags"_s).toArray())
                result.insert(tag.toObject().value(u"name"_s).toString(), digest);
        }
        return result;
    }

    QJsonArray audit() {
        return QJsonDocument::fromJson(ctl({u"audit"_s, repository(), u"--json"_s}).out).array();
    }

private slots:
    void init() {
        const QString missing = RegistryServer::unavailableReason({});
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        m_server = std::make_unique<RegistryServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        m_dir = std::make_unique<QTemporaryDir>();
        m_sandbox = std::make_unique<GitSandbox>(m_dir->path());
        m_clone = m_sandbox->newRepository(u"api"_s);
        QVERIFY2(!m_clone.isEmpty(), qPrintable(m_sandbox->lastError()));
        m_builds = 0;
    }

    void cleanup() {
        m_server.reset();
        m_sandbox.reset();
        m_dir.reset();
    }

    void aReleaseGetsTheWholeSetOnTheSameDigest() {
        QVERIFY(!commit(u"Start"_s).isEmpty());
        const QString sha = commit(u"Release 1.0.0"_s, u"v1.0.0"_s);
        const QString digest = pushBuild(sha);
        QVERIFY(!digest.isEmpty());

        const ProcessRun run = publish({u"--reason"_s, u"pipeline 17"_s});
        QVERIFY2(run.exitCode == 0, qPrintable(run.errors));
        QVERIFY2(run.out.contains("Applied "), run.out.constData());

        const QMap<QString, QString> now = tags();
        const QStringList expected{
            sha.left(7), u"main-"_s + sha.left(7), u"v1.0.0"_s, u"v1.0"_s, u"v1"_s, u"latest"_s};
        QCOMPARE(now.keys().size(), expected.size());
        for (const QString& tag : expected)
            QVERIFY2(now.value(tag) == digest, qPrintable(tag)); // the very bytes CI pushed

        // One audit row per tag applied (the SHA tag was already there), all succeeded.
        const QJsonArray rows = audit();
        QCOMPARE(rows.size(), 5);
        for (const QJsonValue& row : rows) {
            QCOMPARE(row.toObject().value(u"kind"_s).toString(), u"publish"_s);
            QCOMPARE(row.toObject().value(u"state"_s).toString(), u"succeeded"_s);
            QCOMPARE(row.toObject().value(u"reason"_s).toString(), u"pipeline 17"_s);
            QCOMPARE(row.toObject().value(u"toDigest"_s).toString(), digest);
        }
        // ... and the history holds the position.
        const ProcessRun history = ctl({u"history"_s, repository(), u"v1.0"_s, u"--json"_s});
        QVERIFY2(history.out.contains(digest.toUtf8()), history.out.constData());

        // A second run finds nothing to do and writes no row.
        const ProcessRun again = publish();
        QCOMPARE(again.exitCode, 0);
        QVERIFY2(again.out.contains("Nothing to do"), again.out.constData());
        QCOMPARE(audit().size(), 5);
    }

    void floatingTagsOnlyMoveForward() {
        QVERIFY(!commit(u"Start"_s).isEmpty());
        const QString first = pushBuild(commit(u"1.0.0"_s, u"v1.0.0"_s));
        QCOMPARE(publish().exitCode, 0);
        const QString second = pushBuild(commit(u"1.1.0"_s, u"v1.1.0"_s));
        QCOMPARE(publish().exitCode, 0);
        // A hotfix for the older line, built on a branch from 1.0.0.
        QVERIFY(m_sandbox->git(m_clone,
                               {u"checkout"_s, u"-q"_s, u"-b"_s, u"release/1.0"_s, u"v1.0.0"_s}));
        const QString hotfix = pushBuild(commit(u"1.0.1"_s, u"v1.0.1"_s));
        const ProcessRun run = publish({u"--json"_s});
        QVERIFY2(run.exitCode == 0, qPrintable(run.errors));

        const QMap<QString, QString> now = tags();
        QCOMPARE(now.value(u"v1.0.1"_s), hotfix);
        QCOMPARE(now.value(u"v1.0"_s), hotfix);
        QCOMPARE(now.value(u"v1.1"_s), second);
        QCOMPARE(now.value(u"v1"_s), second);
        QCOMPARE(now.value(u"latest"_s), second);
        QCOMPARE(now.value(u"v1.0.0"_s), first);
        QVERIFY(now.contains(u"release-1.0-"_s + head().left(7)));

        QMap<QString, QString> actions;
        for (const QJsonValue& step :
             QJsonDocument::fromJson(run.out).object().value(u"tags"_s).toArray())
            actions.insert(step.toObject().value(u"tag"_s).toString(),
                           step.toObject().value(u"action"_s).toString());
        QCOMPARE(actions.value(u"v1.0"_s), u"move"_s);
        QCOMPARE(actions.value(u"v1"_s), u"hold"_s);
        QCOMPARE(actions.value(u"latest"_s), u"hold"_s);
    }

    void anExactVersionIsNeverOverwritten() {
        QVERIFY(!commit(u"Start"_s).isEmpty());
        const QString released = pushBuild(commit(u"1.0.0"_s, u"v1.0.0"_s));
        QCOMPARE(publish().exitCode, 0);
        const int rowsBefore = int(audit().size());
        // The next commit claims the same version.
        pushBuild(commit(u"Rebuild"_s));
        const ProcessRun run = publish({u"--version"_s, u"1.0.0"_s});
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.out.contains("REFUSED: v1.0.0 already points at"), run.out.constData());
        const QMap<QString, QString> now = tags();
        QCOMPARE(now.value(u"v1.0.0"_s), released);
        QCOMPARE(now.value(u"latest"_s), released);
        QVERIFY(!now.contains(u"main-"_s + head().left(7))); // nothing of the set applied
        QCOMPARE(int(audit().size()), rowsBefore);
    }

    void aBuildOfAnotherCommitIsRefused() {
        QVERIFY(!commit(u"Start"_s).isEmpty());
        pushBuild(QString(40, u'1'));
        const ProcessRun run = publish();
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.out.contains("names commit 1111111111111111111111111111111111111111, but "
                                  "the clone's HEAD is"),
                 run.out.constData());
        QCOMPARE(tags().size(), 1);
        QCOMPARE(audit().size(), 0);
    }

    void dryRunPrintsThePlanAndChangesNothing() {
        QVERIFY(!commit(u"Start"_s).isEmpty());
        const QString digest = pushBuild(commit(u"2.0.0"_s, u"v2.0.0"_s));
        const ProcessRun run =
            ctl({u"publish"_s, repository(), digest, u"--dry-run"_s, u"--json"_s});
        QVERIFY2(run.exitCode == 0, qPrintable(run.errors));
        const QJsonObject plan = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(plan.value(u"dryRun"_s).toBool(), true);
        QCOMPARE(plan.value(u"digest"_s).toString(), digest);
        QCOMPARE(plan.value(u"version"_s).toString(), u"2.0.0"_s);
        const QJsonArray steps = plan.value(u"tags"_s).toArray();
        QCOMPARE(steps.size(), 6);
        QCOMPARE(steps.at(0).toObject().value(u"action"_s).toString(), u"keep"_s);
        QCOMPARE(steps.at(2).toObject().value(u"tag"_s).toString(), u"v2.0.0"_s);
        QCOMPARE(steps.at(2).toObject().value(u"action"_s).toString(), u"create"_s);
        QCOMPARE(steps.at(2).toObject().value(u"after"_s).toString(), digest);
        QCOMPARE(tags().size(), 1);
        QCOMPARE(audit().size(), 0);
    }

    void theCiJobIsTheDefaultReason() {
        QVERIFY(!commit(u"Start"_s).isEmpty());
        pushBuild(head());
        QProcessEnvironment ci;
        ci.insert(u"CI_JOB_URL"_s, u"https://ci.example.org/acme/api/-/jobs/42"_s);
        QCOMPARE(publish({}, ci).exitCode, 0);
        const QJsonArray rows = audit();
        QCOMPARE(rows.size(), 1); // main-<sha>
        QCOMPARE(rows.at(0).toObject().value(u"reason"_s).toString(),
                 u"published by https://ci.example.org/acme/api/-/jobs/42"_s);
    }

    void usageErrors_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("no build") << QStringList{u"publish"_s, u"REPO"_s}
                                  << u"takes <repository>"_s;
        QTest::newRow("bad version")
            << QStringList{u"publish"_s, u"REPO"_s, u"abc1234"_s, u"--version"_s, u"2.4"_s}
            << u"--version takes an exact version"_s;
        QTest::newRow("image, not repository")
            << QStringList{u"publish"_s, u"REPO:v1"_s, u"abc1234"_s} << u"not an image"_s;
        QTest::newRow("bad reference")
            << QStringList{u"publish"_s, u"REPO"_s, u"no/such"_s} << u"neither a digest"_s;
    }
    void usageErrors() {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        QVERIFY(!commit(u"Start"_s).isEmpty());
        arguments.replaceInStrings(u"REPO"_s, repository());
        const ProcessRun run = ctl(arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.errors.contains(message), qPrintable(run.errors));
    }

    void berthctlVersionStillAnswers() {
        const ProcessRun run = m_sandbox->berthctl({u"--version"_s}, m_dir->path());
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.startsWith("berthctl "));
    }
};

BERTH_TEST_MAIN(TestBerthctlPublish)
#include "tst_berthctlpublish.moc"
