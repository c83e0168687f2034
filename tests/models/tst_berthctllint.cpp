// berthctl lint as a pipeline runs it: a real docker-registry on loopback, a real SQLite
// history, the policy committed in a real git clone. Exit 0 clean or warnings only, 3 on
// any error finding, 1 when something cannot be read, 2 for a wrong command line.

#include "CtlRun.h"
#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "TestMain.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth::test;

namespace {

// An image built from the commit `seed` repeated (40 digits), the revision label saying so.
QJsonObject image(const QStringList& tags, const QString& seed,
                  const QJsonObject& extraLabels = {}) {
    QJsonObject labels = extraLabels;
    labels.insert(u"org.opencontainers.image.revision"_s, QString(40, seed.at(0)));
    return QJsonObject{{u"tags"_s, QJsonArray::fromStringList(tags)},  {u"format"_s, u"oci"_s},
                       {u"created"_s, u"2026-01-02T03:04:05Z"_s},      {u"labels"_s, labels},
                       {u"platforms"_s, QJsonArray{u"linux/amd64"_s}}, {u"layerSeed"_s, seed}};
}

QString shortHex(const QString& digest) {
    return digest.section(u':', 1).left(12);
}

} // namespace

class TestBerthctlLint : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<RegistryServer> m_server;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_clone;
    QStringList m_digests;

    QString repository() const { return m_server->hostPort() + u"/acme/api"_s; }

    CtlRun run(const QString& program, const QStringList& arguments, const QString& dir) {
        return runProgram(program, arguments,
                          {{u"HOME"_s, m_dir->path()},
                           {u"XDG_CONFIG_HOME"_s, m_dir->filePath(u".config"_s)},
                           {u"GIT_CONFIG_NOSYSTEM"_s, u"1"_s},
                           {u"DOCKER_CONFIG"_s, m_dir->filePath(u"docker"_s)}},
                          dir);
    }

    // berthctl in the clone (where a pipeline stands), on the test's own history.
    CtlRun ctl(QStringList arguments, const QString& dir = {}) {
        arguments << u"--db"_s << m_dir->filePath(u"history.sqlite"_s);
        return run(QStringLiteral(BERTHCTL_PATH), arguments, dir.isEmpty() ? m_clone : dir);
    }

    bool git(const QStringList& arguments) {
        return run(u"git"_s, arguments, m_clone).exitCode == 0;
    }

    bool commitPolicy(const QByteArray& text) {
        QFile file(m_clone + u"/berth.toml"_s);
        if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
            return false;
        file.close();
        return git({u"add"_s, u"berth.toml"_s}) &&
               git({u"commit"_s, u"-q"_s, u"-m"_s, u"Tag policy"_s});
    }

    // Pushes more images to acme/api; answers their digests.
    QStringList seed(const QJsonArray& images) {
        QString error;
        const QJsonObject seeded = RegistrySeeder::seed(
            *m_server, {{u"repository"_s, u"acme/api"_s}, {u"images"_s, images}}, &error);
        if (!error.isEmpty())
            qWarning("%s", qPrintable(error));
        QStringList digests;
        for (const QJsonValue& entry : seeded.value(u"images"_s).toArray())
            digests.append(entry.toObject().value(u"digest"_s).toString());
        return digests;
    }

private slots:
    void init() {
        const QString missing = RegistryServer::unavailableReason({});
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        m_server = std::make_unique<RegistryServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        m_dir = std::make_unique<QTemporaryDir>();
        m_clone = m_dir->filePath(u"service"_s);
        QVERIFY(QDir().mkpath(m_clone));
        QVERIFY(git({u"init"_s, u"-q"_s, u"-b"_s, u"main"_s}));
        QVERIFY(git({u"config"_s, u"user.name"_s, u"Ada Lovelace"_s}));
        QVERIFY(git({u"config"_s, u"user.email"_s, u"ada@example.org"_s}));
        QVERIFY(commitPolicy("[environments]\norder = [\"dev\", \"staging\", \"production\"]\n"));
        // A repository that follows the policy: versions, floating tags and latest on the
        // highest release, SHA tags matching the revision labels.
        m_digests = seed({image({u"v1.0.0"_s, u"aaaaaaa"_s, u"production"_s}, u"a"_s),
                          image({u"v1.1.0"_s, u"v1.1"_s, u"v1"_s, u"latest"_s, u"bbbbbbb"_s,
                                 u"main-bbbbbbb"_s, u"staging"_s},
                                u"b"_s)});
        QCOMPARE(m_digests.size(), 2);
    }

    void cleanup() {
        m_server.reset();
        m_dir.reset();
    }

    void aRepositoryFollowingThePolicyExitsZero() {
        const CtlRun result = ctl({u"lint"_s, repository()});
        QVERIFY2(result.exitCode == 0, qPrintable(result.err + QString::fromUtf8(result.out)));
        QVERIFY2(result.out.contains(" follows its tag policy (berth.toml at "),
                 result.out.constData());
    }

    void anImmutableTagThatMovedIsReportedWithBothDigests_data() {
        QTest::addColumn<bool>("recordedBetween");
        QTest::newRow("between two berthctl record runs") << true;
        // lint records before it reads the history, so the run that first sees the move
        // already reports it, with the time it saw it.
        QTest::newRow("on the run that sees it move") << false;
    }

    void anImmutableTagThatMovedIsReportedWithBothDigests() {
        QFETCH(bool, recordedBetween);
        QCOMPARE(ctl({u"record"_s, repository()}).exitCode, 0);
        // v1.0.0 re-pushed onto another build, outside Berth.
        const QStringList moved = seed({image({u"v1.0.0"_s}, u"c"_s)});
        QCOMPARE(moved.size(), 1);
        if (recordedBetween)
            QCOMPARE(ctl({u"record"_s, repository()}).exitCode, 0);

        const CtlRun text = ctl({u"lint"_s, repository()});
        QCOMPARE(text.exitCode, 3);
        const QString expected =
            u"error IMMUTABLE_MOVED v1.0.0 @ %1,%2: v1.0.0 never moves "
            u"(tags.immutable holds exact-semver tags), but it moved from "
            u"sha256:%1 to sha256:%2 on "_s.arg(shortHex(m_digests[0]), shortHex(moved[0]));
        QVERIFY2(QString::fromUtf8(text.out).contains(expected), text.out.constData());
        QVERIFY2(text.out.contains(": 1 errors, 0 warnings against the tag policy (berth.toml at "),
                 text.out.constData());

        const CtlRun json = ctl({u"lint"_s, repository(), u"--json"_s});
        QCOMPARE(json.exitCode, 3);
        const QJsonArray findings = json.json().value(u"findings"_s).toArray();
        QCOMPARE(findings.size(), 1);
        const QJsonObject finding = findings[0].toObject();
        QCOMPARE(finding.value(u"code"_s).toString(), u"IMMUTABLE_MOVED"_s);
        QCOMPARE(finding.value(u"digests"_s).toArray(), (QJsonArray{m_digests[0], moved[0]}));
        const QJsonArray moves = finding.value(u"moves"_s).toArray();
        QCOMPARE(moves.size(), 1);
        const QJsonObject move = moves[0].toObject();
        QCOMPARE(move.value(u"fromDigest"_s).toString(), m_digests[0]);
        QCOMPARE(move.value(u"toDigest"_s).toString(), moved[0]);
        QVERIFY(
            QDateTime::fromString(move.value(u"when"_s).toString(), Qt::ISODateWithMs).isValid());
        QVERIFY2(move.value(u"observedBy"_s).toString().endsWith(u"(berthctl)"_s),
                 qPrintable(move.value(u"observedBy"_s).toString()));
        QCOMPARE(move.value(u"audited"_s).toString(), QString());

        // The move is in the history for everyone else too.
        const CtlRun history = ctl({u"history"_s, repository(), u"v1.0.0"_s, u"--json"_s});
        QCOMPARE(QJsonDocument::fromJson(history.out).array().size(), 2);
    }

    void warningsAloneExitZero() {
        // Labels are part of a pushed build: the two builds can never gain the source label,
        // so they are warned about, never a reason to stop a pipeline.
        QVERIFY(commitPolicy("[labels]\nrequired = [\"org.opencontainers.image.revision\", "
                             "\"org.opencontainers.image.source\"]\n"));
        const CtlRun result = ctl({u"lint"_s, repository()});
        QVERIFY2(result.exitCode == 0, qPrintable(result.err));
        QCOMPARE(result.out.count("warning MISSING_LABEL "), 2);
        QVERIFY2(result.out.contains(": 0 errors, 2 warnings against the tag policy"),
                 result.out.constData());
    }

    void theJsonNamesEveryFinding() {
        // latest left behind a new highest release, v1 behind a new 1.x release, and a tag no
        // form of the policy fits.
        QCOMPARE(seed({image({u"v2.0.0"_s, u"ccccccc"_s, u"final2"_s}, u"c"_s),
                       image({u"v1.2.0"_s, u"ddddddd"_s}, u"d"_s)})
                     .size(),
                 2);
        const CtlRun result = ctl({u"lint"_s, repository(), u"--json"_s});
        QCOMPARE(result.exitCode, 3);
        const QJsonObject json = result.json();
        QCOMPARE(json.value(u"repository"_s).toString(), repository());
        QVERIFY(json.value(u"policy"_s).toString().startsWith(u"berth.toml at "_s));
        QCOMPARE(json.value(u"errors"_s).toInt(), 3);
        QCOMPARE(json.value(u"warnings"_s).toInt(), 0);
        QStringList codes;
        for (const QJsonValue& value : json.value(u"findings"_s).toArray()) {
            const QJsonObject finding = value.toObject();
            QCOMPARE(finding.keys(), (QStringList{u"code"_s, u"digests"_s, u"rule"_s, u"setting"_s,
                                                  u"severity"_s, u"tags"_s}));
            QCOMPARE(finding.value(u"severity"_s).toString(), u"error"_s);
            codes.append(finding.value(u"code"_s).toString() + u' ' +
                         finding.value(u"tags"_s).toVariant().toStringList().join(u','));
        }
        QCOMPARE(codes, (QStringList{u"STRAY_TAG final2"_s, u"FLOATING_BEHIND v1,v1.2.0"_s,
                                     u"LATEST_BEHIND latest,v2.0.0"_s}));
    }

    void whatCannotBeReadExitsOne_data() {
        QTest::addColumn<QByteArray>("policy");
        QTest::addColumn<bool>("registryDown");
        QTest::addColumn<QString>("message");
        QTest::newRow("malformed berth.toml")
            << QByteArray("[tags]\ncommit = 3\n") << false << u"berth.toml:2:"_s;
        QTest::newRow("registry down") << QByteArray() << true << QString();
    }

    void whatCannotBeReadExitsOne() {
        QFETCH(QByteArray, policy);
        QFETCH(bool, registryDown);
        QFETCH(QString, message);
        if (!policy.isEmpty())
            QVERIFY(commitPolicy(policy));
        const QString name = repository();
        if (registryDown)
            m_server.reset();
        const CtlRun result = ctl({u"lint"_s, name});
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.err.contains(message), qPrintable(result.err));
        QVERIFY2(result.out.isEmpty(), result.out.constData());
    }

    void notAGitCloneExitsOne() {
        QTemporaryDir elsewhere;
        const CtlRun result = ctl({u"lint"_s, repository()}, elsewhere.path());
        QCOMPARE(result.exitCode, 1);
        QVERIFY(!result.err.isEmpty());
        // --git names the clone from anywhere.
        QCOMPARE(ctl({u"lint"_s, repository(), u"--git"_s, m_clone}, elsewhere.path()).exitCode, 0);
    }

    void aWrongCommandLineExitsTwo_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("no repository") << QStringList{};
        QTest::newRow("two repositories") << QStringList{u"{repo}"_s, u"{repo}"_s};
        QTest::newRow("an image, not a repository") << QStringList{u"{repo}:v1.0.0"_s};
        QTest::newRow("not a reference") << QStringList{u"Not A Repo!"_s};
    }

    void aWrongCommandLineExitsTwo() {
        QFETCH(QStringList, arguments);
        arguments.replaceInStrings(u"{repo}"_s, repository());
        arguments.prepend(u"lint"_s);
        const CtlRun result = ctl(arguments);
        QCOMPARE(result.exitCode, 2);
        QVERIFY(!result.err.isEmpty());
        // Nothing was read.
        QVERIFY(m_server->waitForRequestCount(1));
        for (const QString& request : m_server->requestLog())
            QVERIFY2(!request.contains(u"/tags/list"_s), qPrintable(request));
    }
};

BERTH_TEST_MAIN(TestBerthctlLint)
#include "tst_berthctllint.moc"
