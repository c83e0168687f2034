// What berthctl prints of a registry's own words: a hostile registry's error message
// full of terminal control sequences reaches stderr escaped, never raw.

#include "HostileFixtures.h"
#include "HostileRegistry.h"
#include "TestMain.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace berth::test {

class BerthctlOutputTest : public QObject {
    Q_OBJECT

private slots:
    void registryWordsReachTheTerminalEscaped() {
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        // Sets the terminal's title, clears the screen and forges a line.
        server.setAnswer(
            "GET", TagsPath,
            HostileAnswer::registryError(404, "NAME_UNKNOWN",
                                         "repository name not known\\u001b]0;pwned\\u0007\\u001b[2J"
                                         "\\rberthctl: all good"));
        QProcess ctl;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"DOCKER_CONFIG"_s, config.path());
        ctl.setProcessEnvironment(environment);
        ctl.start(QStringLiteral(BERTHCTL_PATH),
                  {u"tags"_s, server.hostPort() + u'/' + Repository});
        // The registry answers from this thread's event loop: wait without blocking it.
        QVERIFY(QTest::qWaitFor([&ctl] { return ctl.state() == QProcess::NotRunning; }, 60000));
        QCOMPARE(ctl.exitCode(), 1);
        const QByteArray err = ctl.readAllStandardError();
        QVERIFY2(!err.contains('\x1b') && !err.contains('\x07') && !err.contains('\r'),
                 err.constData());
        QVERIFY2(err.contains("repository name not known\\x1b]0;pwned\\x07"), err.constData());
    }
};

} // namespace berth::test

BERTH_TEST_MAIN(berth::test::BerthctlOutputTest)
#include "tst_berthctloutput.moc"
