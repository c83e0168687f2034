// berthctl policy against real git repositories: the policy committed at HEAD, from the
// current directory or --git, as text and JSON; a malformed file named by line and column.

#include "TestMain.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out;
    QString errors;
};

} // namespace

class TestBerthctlPolicy : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_clone;

    Run run(const QString& program, const QStringList& arguments, const QString& dir) {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"HOME"_s, m_dir.path());
        environment.insert(u"XDG_CONFIG_HOME"_s, m_dir.filePath(u".config"_s));
        environment.insert(u"GIT_CONFIG_NOSYSTEM"_s, u"1"_s);
        process.setProcessEnvironment(environment);
        process.setWorkingDirectory(dir);
        process.start(program, arguments);
        Run result;
        if (!process.waitForFinished(60000))
            return result;
        result.exitCode = process.exitCode();
        result.out = process.readAllStandardOutput();
        result.errors = QString::fromUtf8(process.readAllStandardError());
        return result;
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

    Run berthctl(const QStringList& arguments, const QString& dir = {}) {
        return run(QStringLiteral(BERTHCTL_PATH), arguments, dir.isEmpty() ? m_clone : dir);
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_clone = m_dir.filePath(u"service"_s);
        QVERIFY(QDir().mkpath(m_clone));
        QVERIFY(git({u"init"_s, u"-q"_s, u"-b"_s, u"main"_s}));
        QVERIFY(git({u"config"_s, u"user.name"_s, u"Ada Lovelace"_s}));
        QVERIFY(git({u"config"_s, u"user.email"_s, u"ada@example.org"_s}));
        QVERIFY(git({u"commit"_s, u"-q"_s, u"--allow-empty"_s, u"-m"_s, u"Start"_s}));
    }

    void printsThePolicyInForceAndWhereItCameFrom() {
        // No berth.toml yet: the defaults, from the current directory.
        Run result = berthctl({u"policy"_s});
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(result.out.contains("built-in defaults (no berth.toml committed at "),
                 result.out.constData());
        QVERIFY2(result.out.contains("(no promotion order)"), result.out.constData());

        QVERIFY(commitPolicy("[tags]\nfloating = [\"minor\"]\nlatest = false\n\n"
                             "[environments]\norder = [\"dev\", \"staging\", \"production\"]\n"));
        result = berthctl({u"policy"_s, u"--git"_s, m_clone}, m_dir.path());
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(result.out.startsWith("Policy: berth.toml at "), result.out.constData());
        QVERIFY2(result.out.contains("dev → staging → production"), result.out.constData());
        QVERIFY2(result.out.contains("v1.2.3 (exact), floating v1.2\n"), result.out.constData());
        QVERIFY2(result.out.contains("latest:          not kept"), result.out.constData());

        result = berthctl({u"policy"_s, u"--json"_s});
        QCOMPARE(result.exitCode, 0);
        const QJsonObject json = QJsonDocument::fromJson(result.out).object();
        QCOMPARE(json.value(u"environments"_s).toArray(),
                 (QJsonArray{u"dev"_s, u"staging"_s, u"production"_s}));
        QCOMPARE(json.value(u"promotionOrdered"_s).toBool(), true);
        QCOMPARE(json.value(u"floating"_s).toArray(), QJsonArray{u"minor"_s});
        QCOMPARE(json.value(u"latest"_s).toBool(), false);
        QVERIFY(json.value(u"origin"_s).toString().startsWith(u"berth.toml at "_s));
    }

    void refusesAMalformedPolicyWithItsPlace() {
        QVERIFY(commitPolicy("[environments]\norder = [\"dev\", \"v2\"]\n"));
        const Run result = berthctl({u"policy"_s});
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.errors.contains(u"berth.toml:2:17: environments.order: \"v2\" reads as a "
                                        u"floating-semver tag"_s),
                 qPrintable(result.errors));
        QVERIFY(result.out.isEmpty());
    }

    void refusesWhatIsNoClone() {
        QTemporaryDir empty;
        const Run result = berthctl({u"policy"_s}, empty.path());
        QCOMPARE(result.exitCode, 1);
        QVERIFY(!result.errors.isEmpty());
        QCOMPARE(berthctl({u"policy"_s, u"extra"_s}).exitCode, 2);
    }
};

BERTH_TEST_MAIN(TestBerthctlPolicy)
#include "tst_berthctlpolicy.moc"
