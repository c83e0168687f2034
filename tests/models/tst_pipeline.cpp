// The README's CI pipeline, run exactly as printed there, with real podman against a real
// registry over a real git history: 22 commits, three releases, a hotfix on an older line
// and a release tag moved onto another commit. Afterwards every tag is checked against the
// policy, tag by tag.

#include "GitSandbox.h"
#include "RegistryServer.h"
#include "TestMain.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth::test;

namespace {

// The fenced block between the README's pipeline markers.
QString readmePipeline() {
    QFile readme(QStringLiteral(BERTH_SOURCE_DIR) + u"/README.md"_s);
    if (!readme.open(QIODevice::ReadOnly))
        return {};
    const QString text = QString::fromUtf8(readme.readAll());
    static const QRegularExpression block(
        u"<!-- pipeline:[^\\n]*-->\\n```sh\\n(.*?)```\\n<!-- end of pipeline -->"_s,
        QRegularExpression::DotMatchesEverythingOption);
    return block.match(text).captured(1);
}

bool writeFile(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

struct Commit {
    QString id;
    QString branch;
    QString release; // the release tag the pipeline ran with, if any
    int exitCode = -1;
};

} // namespace

class TestPipeline : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<RegistryServer> m_server;
    QTemporaryDir m_dir;
    std::unique_ptr<GitSandbox> m_sandbox;
    QString m_clone;
    QString m_script;
    QList<Commit> m_commits;
    QString m_lastOutput;

    QString path(const QString& name) const { return m_dir.filePath(name); }

    // Podman with every root, runroot and setting in the test's directory: nothing of the
    // machine's own images or configuration is touched or read.
    bool writePodmanConfiguration() {
        QDir().mkpath(path(u"podman/tmp"_s));
        return writeFile(path(u"podman/containers.conf"_s),
                         "[containers]\ndefault_ulimits = []\n[engine]\nevents_logger = "
                         "\"file\"\ncgroup_manager = \"cgroupfs\"\ntmp_dir = \"" +
                             path(u"podman/tmp"_s).toUtf8() + "\"\n") &&
               writeFile(path(u"podman/storage.conf"_s),
                         "[storage]\ndriver = \"vfs\"\nrunroot = \"" +
                             path(u"podman/run"_s).toUtf8() + "\"\ngraphroot = \"" +
                             path(u"podman/root"_s).toUtf8() + "\"\n") &&
               writeFile(path(u"podman/registries.conf"_s),
                         "unqualified-search-registries = []\n[[registry]]\nlocation = "
                         "\"127.0.0.1\"\ninsecure = true\n");
    }

    QProcessEnvironment pipelineEnvironment() const {
        QProcessEnvironment environment = m_sandbox->environment();
        const QString ctlDir = QFileInfo(QStringLiteral(BERTHCTL_PATH)).absolutePath();
        environment.insert(u"PATH"_s, ctlDir + u':' + environment.value(u"PATH"_s));
        environment.insert(u"REGISTRY"_s, m_server->hostPort());
        environment.insert(u"REPOSITORY"_s, u"acme/api"_s);
        environment.insert(u"BERTH_DATABASE"_s, path(u"history.sqlite"_s));
        environment.insert(u"DOCKER_CONFIG"_s, path(u"docker"_s));
        environment.insert(u"CONTAINERS_CONF"_s, path(u"podman/containers.conf"_s));
        environment.insert(u"CONTAINERS_STORAGE_CONF"_s, path(u"podman/storage.conf"_s));
        environment.insert(u"CONTAINERS_REGISTRIES_CONF"_s, path(u"podman/registries.conf"_s));
        return environment;
    }

    // One commit, optionally tagged as a release, then the pipeline on it.
    bool commitAndRun(int number, const QString& release = {}, bool moveTag = false) {
        Commit commit;
        commit.id = m_sandbox->commitFile(m_clone, u"CHANGES"_s,
                                          "change " + QByteArray::number(number) + '\n',
                                          u"Change %1"_s.arg(number));
        if (commit.id.isEmpty())
            return false;
        if (!release.isEmpty()) {
            QStringList arguments{u"tag"_s};
            if (moveTag)
                arguments << u"-f"_s;
            if (!m_sandbox->git(m_clone, arguments << release))
                return false;
        }
        commit.branch = m_sandbox->gitOutput(m_clone, {u"branch"_s, u"--show-current"_s});
        commit.release = release;
        const ProcessRun run = m_sandbox->run(u"sh"_s, {m_script}, m_clone, pipelineEnvironment());
        commit.exitCode = run.exitCode;
        m_lastOutput = QString::fromUtf8(run.out) + run.errors;
        if (run.exitCode != 0)
            qInfo("pipeline on change %d exited %d:\n%s%s", number, run.exitCode,
                  run.out.constData(), qPrintable(run.errors));
        m_commits.append(commit);
        return true;
    }

private slots:
    void initTestCase() {
        const QString missing = RegistryServer::unavailableReason({});
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        if (QStandardPaths::findExecutable(u"podman"_s).isEmpty())
            QSKIP("podman (Debian package podman) is not installed");
        if (geteuid() != 0)
            QSKIP("podman with vfs storage in a temporary root needs root here");
        QVERIFY(m_dir.isValid());
        const QString script = readmePipeline();
        QVERIFY2(script.contains(u"berthctl publish"_s), "the README's pipeline block is missing");
        m_script = path(u"pipeline.sh"_s);
        QVERIFY(writeFile(m_script, script.toUtf8()));
        QVERIFY(writePodmanConfiguration());
        // No credentials: the test registry is open. podman wants the file to exist.
        QVERIFY(QDir().mkpath(path(u"docker"_s)));
        QVERIFY(writeFile(path(u"docker/config.json"_s), "{}\n"));
        m_server = std::make_unique<RegistryServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        m_sandbox = std::make_unique<GitSandbox>(m_dir.path());
        m_clone = m_sandbox->newRepository(u"api"_s);
        QVERIFY2(!m_clone.isEmpty(), qPrintable(m_sandbox->lastError()));
        QVERIFY(m_sandbox->git(m_clone, {u"remote"_s, u"add"_s, u"origin"_s,
                                         u"https://git.example.org/acme/api.git"_s}));
        QVERIFY(writeFile(m_clone + u"/Containerfile"_s, "FROM scratch\nCOPY CHANGES /CHANGES\n"));
        QVERIFY(!m_sandbox
                     ->commitFile(m_clone, u"berth.toml"_s,
                                  "[tags]\nsemver = \"v\"\nfloating = [\"minor\", \"major\"]\n"
                                  "latest = true\ncommit = 7\nbranch_commit = true\n\n"
                                  "[environments]\norder = [\"staging\", \"production\"]\n",
                                  u"Tag policy"_s)
                     .isEmpty());
    }

    void runsThePipelineOverTheHistory() {
        for (int n = 1; n <= 20; ++n) {
            const QString release = n == 8    ? u"v1.0.0"_s
                                    : n == 14 ? u"v1.1.0"_s
                                    : n == 20 ? u"v2.0.0"_s
                                              : QString();
            QVERIFY2(commitAndRun(n, release), qPrintable(m_sandbox->lastError()));
        }
        // A hotfix for the 1.1 line, after 2.0.0 shipped.
        QVERIFY(m_sandbox->git(m_clone,
                               {u"checkout"_s, u"-q"_s, u"-b"_s, u"release/1.1"_s, u"v1.1.0"_s}));
        QVERIFY(commitAndRun(21, u"v1.1.1"_s));
        // Someone moves the v2.0.0 release tag onto a newer commit: publish must refuse.
        QVERIFY(m_sandbox->git(m_clone, {u"checkout"_s, u"-q"_s, u"main"_s}));
        QVERIFY(commitAndRun(22, u"v2.0.0"_s, true));

        for (qsizetype i = 0; i + 1 < m_commits.size(); ++i)
            QVERIFY2(m_commits.at(i).exitCode == 0, qPrintable(u"change %1"_s.arg(i + 1)));
        QCOMPARE(m_commits.last().exitCode, 3); // the overwrite attempt, refused by publish
    }

    void everyTagFollowsThePolicy() {
        QCOMPARE(m_commits.size(), 22);
        // The registry's answer: tag -> digest, digest -> the revision its labels name.
        const ProcessRun read =
            m_sandbox->berthctl({u"builds"_s, m_server->hostPort() + u"/acme/api"_s, u"--json"_s,
                                 u"--db"_s, path(u"check.sqlite"_s)},
                                m_clone);
        QCOMPARE(read.exitCode, 0);
        QMap<QString, QString> digestOfTag;
        QMap<QString, QString> revisionOfDigest;
        for (const QJsonValue& value : QJsonDocument::fromJson(read.out).array()) {
            const QJsonObject build = value.toObject();
            const QString digest = build.value(u"digest"_s).toString();
            revisionOfDigest.insert(digest, build.value(u"labels"_s)
                                                .toObject()
                                                .value(u"org.opencontainers.image.revision"_s)
                                                .toString());
            for (const QJsonValue& tag : build.value(u"tags"_s).toArray())
                digestOfTag.insert(tag.toObject().value(u"name"_s).toString(), digest);
        }

        QMap<QString, QString> expected; // tag -> the commit its build must be of
        for (const Commit& commit : std::as_const(m_commits)) {
            const QString sha = commit.id.left(7);
            expected.insert(sha, commit.id); // pushed by the pipeline itself
            if (commit.exitCode == 0)
                expected.insert(QString(commit.branch).replace(u'/', u'-') + u'-' + sha, commit.id);
        }
        auto releaseCommit = [this](const QString& tag) {
            for (const Commit& commit : std::as_const(m_commits)) {
                if (commit.release == tag && commit.exitCode == 0)
                    return commit.id;
            }
            return QString();
        };
        const QString v100 = releaseCommit(u"v1.0.0"_s);
        const QString v110 = releaseCommit(u"v1.1.0"_s);
        const QString v111 = releaseCommit(u"v1.1.1"_s);
        const QString v200 = releaseCommit(u"v2.0.0"_s);
        QVERIFY(!v100.isEmpty() && !v110.isEmpty() && !v111.isEmpty() && !v200.isEmpty());
        expected.insert(u"v1.0.0"_s, v100);
        expected.insert(u"v1.0"_s, v100);
        expected.insert(u"v1.1.0"_s, v110);
        expected.insert(u"v1.1.1"_s, v111);
        expected.insert(u"v1.1"_s, v111);   // the hotfix moved its minor...
        expected.insert(u"v1"_s, v111);     // ... and its major: 1.1.1 is the highest 1.x
        expected.insert(u"v2.0.0"_s, v200); // not moved by the second v2.0.0 tag
        expected.insert(u"v2.0"_s, v200);
        expected.insert(u"v2"_s, v200);
        expected.insert(u"latest"_s, v200); // the hotfix did not take latest

        QCOMPARE(digestOfTag.keys(), expected.keys()); // no tag more, no tag fewer
        for (auto it = expected.cbegin(); it != expected.cend(); ++it)
            QVERIFY2(
                revisionOfDigest.value(digestOfTag.value(it.key())) == it.value(),
                qPrintable(u"%1 is on a build of %2, not of %3"_s.arg(
                    it.key(), revisionOfDigest.value(digestOfTag.value(it.key())), it.value())));
    }

    // The last step gates the merge: a tag pushed by hand past the pipeline makes the next
    // run fail, though its own build was published.
    void lintGatesOnAStrayTag() {
        QCOMPARE(m_commits.size(), 22);
        const QString image = m_server->hostPort() + u"/acme/api:"_s;
        const QString built = image + m_commits.at(19).id.left(7);
        const QProcessEnvironment environment = pipelineEnvironment();
        QCOMPARE(
            m_sandbox
                ->run(u"podman"_s, {u"tag"_s, built, image + u"final2"_s}, m_clone, environment)
                .exitCode,
            0);
        const ProcessRun push =
            m_sandbox->run(u"podman"_s, {u"push"_s, image + u"final2"_s}, m_clone, environment);
        QVERIFY2(push.exitCode == 0, qPrintable(push.errors));
        QVERIFY(commitAndRun(23));
        QCOMPARE(m_commits.last().exitCode, 3);
        QVERIFY2(m_lastOutput.contains(u"STRAY_TAG final2"_s), qPrintable(m_lastOutput));
        QVERIFY2(m_lastOutput.contains(u"Applied main-"_s), qPrintable(m_lastOutput));
    }
};

BERTH_TEST_MAIN(TestPipeline)
#include "tst_pipeline.moc"
