// `berthctl diff`, `builds --git` and the commits `promote`/`rollback --git` list, end
// to end: builds pushed to a real
// registry on loopback, labelled with real commits of a repository the test makes,
// and the commit lists compared with what `git log` says.

#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "TestMain.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth::test;

namespace {

const QString kRepository = u"acme/app"_s;

struct Run {
    int exitCode = -1;
    QByteArray out;
    QString errors;
};

} // namespace

class TestBerthctlDiff : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<RegistryServer> m_server;
    QString m_clone;
    QMap<QString, QString> m_ids; // commit name -> full id
    QString m_gitError;
    qint64 m_clock = 1700000000;
    QMap<QString, QString> m_digests; // first tag of each seeded image -> digest

    QProcessEnvironment environment() const {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"HOME"_s, m_dir.path());
        environment.insert(u"XDG_CONFIG_HOME"_s, m_dir.filePath(u".config"_s));
        environment.insert(u"XDG_DATA_HOME"_s, m_dir.filePath(u".local/share"_s));
        environment.insert(u"DOCKER_CONFIG"_s, m_dir.filePath(u"docker"_s));
        environment.insert(u"GIT_CONFIG_NOSYSTEM"_s, u"1"_s);
        const QString date = u"%1 +0000"_s.arg(m_clock);
        environment.insert(u"GIT_AUTHOR_DATE"_s, date);
        environment.insert(u"GIT_COMMITTER_DATE"_s, date);
        return environment;
    }

    Run run(const QString& program, const QStringList& arguments, const QString& dir = {}) {
        QProcess process;
        process.setProcessEnvironment(environment());
        process.setWorkingDirectory(dir.isEmpty() ? m_dir.path() : dir);
        process.start(program, arguments);
        Run result;
        if (!process.waitForFinished(120000))
            return result;
        result.exitCode = process.exitCode();
        result.out = process.readAllStandardOutput();
        result.errors = QString::fromUtf8(process.readAllStandardError());
        return result;
    }

    QString git(const QStringList& arguments, const QString& dir = {}) {
        const Run result = run(u"git"_s, arguments, dir.isEmpty() ? m_clone : dir);
        if (result.exitCode != 0)
            m_gitError = u"git %1: %2"_s.arg(arguments.join(u' '), result.errors);
        return QString::fromUtf8(result.out).trimmed();
    }

    void commit(const QString& name) {
        ++m_clock;
        QFile file(m_clone + u'/' + name);
        if (file.open(QIODevice::WriteOnly))
            file.write(name.toUtf8());
        file.close();
        git({u"add"_s, name});
        git({u"commit"_s, u"-q"_s, u"-m"_s, u"Add "_s + name});
        m_ids.insert(name, git({u"rev-parse"_s, u"HEAD"_s}));
    }

    QStringList gitLog(const QString& from, const QString& to) {
        const QString out = git({u"log"_s, u"--format=%H"_s, from + u".."_s + to});
        return out.isEmpty() ? QStringList() : out.split(u'\n');
    }

    Run berthctl(const QStringList& arguments) {
        return run(QStringLiteral(BERTHCTL_PATH), arguments);
    }

    QString repository() const { return m_server->hostPort() + u'/' + kRepository; }

    static QJsonObject image(const QStringList& tags, const QString& revision, int day) {
        QJsonObject labels;
        if (!revision.isEmpty())
            labels.insert(u"org.opencontainers.image.revision"_s, revision);
        return QJsonObject{
            {u"tags"_s, QJsonArray::fromStringList(tags)},
            {u"format"_s, u"oci"_s},
            {u"created"_s, u"2026-01-%1T10:00:00Z"_s.arg(day, 2, 10, QLatin1Char('0'))},
            {u"labels"_s, labels},
            {u"platforms"_s, QJsonArray{u"linux/amd64"_s}},
            {u"layerSeed"_s, tags.first()}};
    }

    static QStringList ids(const QJsonObject& list) {
        QStringList result;
        for (const QJsonValue& commit : list.value(u"commits"_s).toArray())
            result.append(commit.toObject().value(u"id"_s).toString());
        return result;
    }

private slots:
    // c1, c2; feature f1 from c1 merged as m1; c3 on main; experiment e1 from c2.
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QDir(m_dir.path()).mkpath(u"docker"_s);
        m_clone = m_dir.filePath(u"clone"_s);
        git({u"init"_s, u"-q"_s, u"-b"_s, u"main"_s, m_clone}, m_dir.path());
        git({u"config"_s, u"user.name"_s, u"Grace Hopper"_s});
        git({u"config"_s, u"user.email"_s, u"grace@example.org"_s});
        commit(u"c1"_s);
        git({u"checkout"_s, u"-q"_s, u"-b"_s, u"feature"_s});
        commit(u"f1"_s);
        git({u"checkout"_s, u"-q"_s, u"main"_s});
        commit(u"c2"_s);
        ++m_clock;
        git({u"merge"_s, u"-q"_s, u"--no-ff"_s, u"-m"_s, u"Merge feature"_s, u"feature"_s});
        m_ids.insert(u"m1"_s, git({u"rev-parse"_s, u"HEAD"_s}));
        git({u"checkout"_s, u"-q"_s, u"-b"_s, u"experiment"_s, m_ids[u"c2"_s]});
        commit(u"e1"_s);
        git({u"checkout"_s, u"-q"_s, u"main"_s});
        commit(u"c3"_s);
        QVERIFY2(m_gitError.isEmpty(), qPrintable(m_gitError));

        const QString missing = RegistryServer::unavailableReason({});
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        m_server = std::make_unique<RegistryServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        // Revisions the way CI sets them: the label, a SHA tag, a branch-SHA tag, none.
        const QJsonArray images{image({u"v1"_s}, m_ids[u"c1"_s], 1),
                                image({u"v2"_s, u"staging"_s}, m_ids[u"m1"_s], 2),
                                image({u"v3"_s, u"production"_s, m_ids[u"c3"_s].left(7)}, {}, 3),
                                image({u"exp"_s, u"experiment-"_s + m_ids[u"e1"_s].left(8)}, {}, 4),
                                image({u"nocommit"_s}, {}, 5)};
        QString error;
        const QJsonObject seeded = RegistrySeeder::seed(
            *m_server, {{u"repository"_s, kRepository}, {u"images"_s, images}}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        for (const QJsonValue& value : seeded.value(u"images"_s).toArray()) {
            const QJsonObject object = value.toObject();
            m_digests.insert(object.value(u"tags"_s).toArray().first().toString(),
                             object.value(u"digest"_s).toString());
        }
        QCOMPARE(m_digests.size(), 5);
    }

    void diffAgreesWithGitLog_data() {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("fromCommit");
        QTest::addColumn<QString>("toCommit");
        QTest::newRow("promotion over a merge") << u"v1"_s << u"production"_s << u"c1"_s << u"c3"_s;
        QTest::newRow("rollback") << u"production"_s << u"v1"_s << u"c3"_s << u"c1"_s;
        QTest::newRow("staging to production")
            << u"staging"_s << u"production"_s << u"m1"_s << u"c3"_s;
        QTest::newRow("to an unmerged branch") << u"production"_s << u"exp"_s << u"c3"_s << u"e1"_s;
        QTest::newRow("by digest") << u"digest:v1"_s << u"v2"_s << u"c1"_s << u"m1"_s;
        QTest::newRow("same build") << u"v2"_s << u"staging"_s << u"m1"_s << u"m1"_s;
    }

    void diffAgreesWithGitLog() {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QString, fromCommit);
        QFETCH(QString, toCommit);
        if (from.startsWith(u"digest:"_s))
            from = m_digests.value(from.mid(7));
        const Run result =
            berthctl({u"diff"_s, repository(), from, to, u"--git"_s, m_clone, u"--json"_s});
        QVERIFY2(result.exitCode == 0, qPrintable(result.errors));
        const QJsonObject diff = QJsonDocument::fromJson(result.out).object();
        const QString fromId = m_ids.value(fromCommit);
        const QString toId = m_ids.value(toCommit);
        QCOMPARE(diff.value(u"from"_s).toObject().value(u"commit"_s).toObject().value(u"id"_s),
                 QJsonValue(fromId));
        QCOMPARE(diff.value(u"to"_s).toObject().value(u"commit"_s).toObject().value(u"id"_s),
                 QJsonValue(toId));
        const QStringList gained = gitLog(fromId, toId);
        const QStringList lost = gitLog(toId, fromId);
        QCOMPARE(ids(diff.value(u"gained"_s).toObject()), gained);
        QCOMPARE(ids(diff.value(u"lost"_s).toObject()), lost);
        QCOMPARE(diff.value(u"gained"_s).toObject().value(u"count"_s).toInt(), gained.size());
        QCOMPARE(diff.value(u"lost"_s).toObject().value(u"count"_s).toInt(), lost.size());
        const Run ancestor =
            run(u"git"_s, {u"merge-base"_s, u"--is-ancestor"_s, fromId, toId}, m_clone);
        QCOMPARE(diff.value(u"toDescendsFromFrom"_s).toBool(), ancestor.exitCode == 0);
    }

    void diffAsTextNamesTheCommits() {
        const Run result =
            berthctl({u"diff"_s, repository(), u"production"_s, u"exp"_s, u"--git"_s, m_clone});
        QVERIFY2(result.exitCode == 0, qPrintable(result.errors));
        const QString out = QString::fromUtf8(result.out);
        QVERIFY2(out.contains(m_ids[u"e1"_s].left(7)) && out.contains(u"Add e1"_s),
                 qPrintable(out));
        QVERIFY2(out.contains(u"Gained"_s) && out.contains(u"Lost"_s), qPrintable(out));
        QVERIFY2(result.errors.contains(u"does not descend"_s), qPrintable(result.errors));
    }

    void diffFailuresAreClear_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown tag") << QStringList{u"v1"_s, u"v9"_s} << 1 << u"no tag \"v9\""_s;
        QTest::newRow("build without commit")
            << QStringList{u"v1"_s, u"nocommit"_s} << 1 << u"names no commit"_s;
        QTest::newRow("commit missing from a shallow clone")
            << QStringList{u"v1"_s, u"v3"_s, u"shallow"_s} << 1 << u"fetch"_s;
        QTest::newRow("no clone given") << QStringList{u"v1"_s, u"v3"_s, u"-"_s} << 2 << u"--git"_s;
        QTest::newRow("one ref only") << QStringList{u"v1"_s} << 2 << u"two refs"_s;
    }

    void diffFailuresAreClear() {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        QString clone = m_clone;
        if (arguments.size() == 3) {
            const QString which = arguments.takeLast();
            clone = which;
            if (which == u"shallow"_s) {
                clone = m_dir.filePath(u"shallow"_s);
                if (!QFileInfo::exists(clone)) {
                    git({u"clone"_s, u"-q"_s, u"--depth"_s, u"1"_s, u"file://"_s + m_clone, clone},
                        m_dir.path());
                }
                QVERIFY2(m_gitError.isEmpty(), qPrintable(m_gitError));
            }
        }
        QStringList command{u"diff"_s, repository()};
        command += arguments;
        if (clone != u"-"_s)
            command += QStringList{u"--git"_s, clone};
        const Run result = berthctl(command);
        QCOMPARE(result.exitCode, exitCode);
        QVERIFY2(result.errors.contains(message), qPrintable(result.errors));
    }

    void buildsShowCommitSummaries() {
        const Run result = berthctl({u"builds"_s, repository(), u"--git"_s, m_clone, u"--db"_s,
                                     m_dir.filePath(u"history.sqlite"_s), u"--json"_s});
        QVERIFY2(result.exitCode == 0, qPrintable(result.errors));
        QMap<QString, QString> summaries;
        for (const QJsonValue& value : QJsonDocument::fromJson(result.out).array()) {
            const QJsonObject build = value.toObject();
            summaries.insert(build.value(u"digest"_s).toString(),
                             build.value(u"commitSummary"_s).toString());
        }
        QCOMPARE(summaries.value(m_digests[u"v1"_s]), u"Add c1"_s);
        QCOMPARE(summaries.value(m_digests[u"v2"_s]), u"Merge feature"_s);
        QCOMPARE(summaries.value(m_digests[u"v3"_s]), u"Add c3"_s);
        QCOMPARE(summaries.value(m_digests[u"exp"_s]), u"Add e1"_s);
        QCOMPARE(summaries.value(m_digests[u"nocommit"_s]), u"-"_s);

        const Run table = berthctl({u"builds"_s, repository(), u"--git"_s, m_clone, u"--db"_s,
                                    m_dir.filePath(u"history.sqlite"_s)});
        QVERIFY2(table.exitCode == 0, qPrintable(table.errors));
        const QString out = QString::fromUtf8(table.out);
        QVERIFY2(out.contains(u"COMMIT"_s) && out.contains(u"Merge feature"_s), qPrintable(out));
    }

    // Last: it moves staging, which the tests above read.
    void releasesWithYesStillListTheCommits() {
        const QString database = m_dir.filePath(u"releases.sqlite"_s);
        const QString c3 = m_ids[u"c3"_s].left(7);
        const Run promoted = berthctl({u"promote"_s, repository(), u"v3"_s, u"staging"_s,
                                       u"--yes"_s, u"--git"_s, m_clone, u"--db"_s, database});
        QVERIFY2(promoted.exitCode == 0, qPrintable(promoted.errors));
        QVERIFY2(promoted.errors.contains(u"ships 1 commit(s), loses 0"_s) &&
                     promoted.errors.contains(u"+ %1 Add c3"_s.arg(c3)),
                 qPrintable(promoted.errors));
        QVERIFY(!promoted.errors.contains(u"Proceed?"_s)); // --yes: shown, never asked

        const Run rolledBack = berthctl({u"rollback"_s, repository(), u"staging"_s, u"--yes"_s,
                                         u"--git"_s, m_clone, u"--db"_s, database, u"--json"_s});
        QVERIFY2(rolledBack.exitCode == 0, qPrintable(rolledBack.errors));
        QVERIFY2(rolledBack.errors.contains(u"ships 0 commit(s), loses 1"_s) &&
                     rolledBack.errors.contains(u"- %1 Add c3"_s.arg(c3)),
                 qPrintable(rolledBack.errors));
        const QJsonObject result = QJsonDocument::fromJson(rolledBack.out).object();
        QCOMPARE(result.value(u"kind"_s).toString(), u"rollback"_s);
        QCOMPARE(result.value(u"result"_s).toString(), m_digests[u"v2"_s]);
    }
};

BERTH_TEST_MAIN(TestBerthctlDiff)
#include "tst_berthctldiff.moc"
