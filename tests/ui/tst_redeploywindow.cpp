// What runs, in the window, against a real dockerd on a unix socket in a temporary
// directory (DOCKER_HOST, as on a Compose host) and a real docker-registry on loopback:
// the production lane's running line and its drift, a promotion with "then redeploy"
// that replaces the container, one whose build exits at once and is put back, and a
// redeploy a killed berthctl left half-done, settled when a window starts and named in
// its banner, and a redeploy stopped from the dialog before its second container. The
// images are a static busybox FROM scratch, run with --network none.
// The cases run in order against the same container "api".

#include "CtlRun.h"
#include "DockerCli.h"
#include "EngineServer.h"
#include "RegistryServer.h"
#include "WidgetTestMain.h"
#include "WindowTestSupport.h"

#include "EnvironmentLanes.h"
#include "ErrorBanner.h"
#include "PromoteDialog.h"
#include "RedeployOption.h"
#include "ReleaseActions.h"

#include "history/HistoryStore.h"
#include "timeline/TimelineModel.h"

#include <QCheckBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

const QString kPath = u"acme/checkout"_s;
const QString kKeepsRunning = u"CMD [\"sleep\", \"3600\"]\n"_s;
const QString kExitsAtOnce = u"CMD [\"false\"]\n"_s;

} // namespace

class TestRedeployWindow : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    DockerCli m_cli{m_dir.path()};
    std::unique_ptr<EngineServer> m_engine;
    std::unique_ptr<RegistryServer> m_registry;
    QString m_skip;
    QHash<QString, QString> m_digests; // by version

    QString repository() const { return m_registry->hostPort() + u'/' + kPath; }
    QString history() const { return m_dir.filePath(u"history.sqlite"_s); }
    QString host() const { return m_engine->dockerHost(); }

    QString buildAndPush(const QString& version, const QString& tail) const {
        return m_cli.buildAndPush(
            host(), repository() + u":v"_s + version,
            u"LABEL org.opencontainers.image.version=%1\n%2"_s.arg(version, tail));
    }

    // Moves production the way a pipeline would, without any window knowing.
    bool pointProductionAt(const QString& version) const {
        return m_cli.ok(host(), {u"tag"_s, repository() + u":v"_s + version,
                                 repository() + u":production"_s}) &&
               m_cli.ok(host(), {u"push"_s, repository() + u":production"_s});
    }

    QString runningVersion() const {
        const QJsonObject api = m_cli.inspect(host(), u"api"_s);
        if (!api[u"State"_s][u"Running"_s].toBool())
            return {};
        return api[u"Config"_s][u"Labels"_s][u"org.opencontainers.image.version"_s].toString();
    }

    std::unique_ptr<ui::MainWindow> openWindowOnRepository() const {
        auto window = openWindow(history(), QSize(1300, 850));
        if (!load(*window, repository()))
            return nullptr;
        return window;
    }

    static QString productionRunning(const ui::MainWindow& window) {
        const auto* lanes = window.findChild<ui::EnvironmentLanes*>();
        return lanes ? lanes->runningText(u"production"_s) : QString();
    }

    // Opens "Promote to production" for `version` with "then redeploy" ticked, confirms
    // it, and waits until the redeploy ended; the dialog, still open on its result.
    QPointer<ui::PromoteDialog> promoteAndRedeploy(ui::MainWindow& window, const QString& version,
                                                   bool* succeeded) const {
        QPointer<ui::PromoteDialog> dialog =
            window.releaseActions()->promote(m_digests.value(version), u"production"_s);
        if (!dialog || !dialog->redeployOption())
            return nullptr;
        auto* check = dialog->findChild<QCheckBox*>(u"redeployCheck"_s);
        if (!check || !check->isVisibleTo(dialog))
            return nullptr;
        check->setChecked(true);
        QSignalSpy redeployed(dialog.data(), &ui::PromoteDialog::redeployFinished);
        auto* confirm = dialog->findChild<QPushButton*>(u"confirmButton"_s);
        if (!QTest::qWaitFor([confirm] { return confirm->isEnabled(); }, 5000))
            return nullptr;
        QTest::mouseClick(confirm, Qt::LeftButton);
        if (!redeployed.wait(120000))
            return nullptr;
        *succeeded = redeployed.first().first().toBool();
        return dialog;
    }

    static QString resultText(const ui::PromoteDialog* dialog) {
        return dialog->findChild<QLabel*>(u"resultLabel"_s)->text();
    }

    static QStringList stepLines(const ui::PromoteDialog* dialog) {
        QStringList lines;
        const auto* list = dialog->findChild<QListWidget*>(u"stepList"_s);
        for (int row = 0; row < list->count(); ++row)
            lines.append(list->item(row)->text());
        return lines;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        qputenv("HOME", m_dir.path().toUtf8());
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(u"config"_s).toUtf8());
        qputenv("DOCKER_CONFIG", m_cli.configDir().toUtf8());
        m_skip = EngineServer::unavailableReason();
        if (m_skip.isEmpty())
            m_skip = DockerCli::unavailableReason();
        if (!m_skip.isEmpty())
            QSKIP(qPrintable(m_skip));
        m_engine = std::make_unique<EngineServer>();
        QVERIFY2(m_engine->start(), qPrintable(m_engine->errorString()));
        // Nothing configured for the registry: the engine at DOCKER_HOST runs every
        // environment, as on a Compose host.
        qputenv("DOCKER_HOST", host().toUtf8());
        m_registry = std::make_unique<RegistryServer>();
        QVERIFY2(m_registry->start(), qPrintable(m_registry->errorString()));
        for (const auto& [version, tail] :
             {std::pair{u"1.0.0"_s, kKeepsRunning}, std::pair{u"1.1.0"_s, kKeepsRunning},
              std::pair{u"1.2.0"_s, kExitsAtOnce}}) {
            m_digests.insert(version, buildAndPush(version, tail));
            QVERIFY2(!m_digests.value(version).isEmpty(), qPrintable(version));
        }
        QVERIFY(pointProductionAt(u"1.0.0"_s));
        QVERIFY(m_cli.ok(host(), {u"run"_s, u"-d"_s, u"--network"_s, u"none"_s, u"--name"_s,
                                  u"api"_s, u"-e"_s, u"CHECKOUT_MODE=live"_s,
                                  repository() + u"@"_s + m_digests.value(u"1.0.0"_s)}));
    }

    void cleanupTestCase() {
        m_engine.reset(); // before the registry: the engine may still hold a connection
        m_registry.reset();
    }

    void theProductionLaneSaysWhatRunsAndItsDrift() {
        const auto window = openWindowOnRepository();
        QVERIFY(window);
        QTRY_VERIFY_WITH_TIMEOUT(productionRunning(*window).contains(u"api v1.0.0"_s), 30000);
        QVERIFY2(!productionRunning(*window).contains(u"still runs"_s),
                 qPrintable(productionRunning(*window)));

        // The pipeline moves production; the host still runs what it ran.
        QVERIFY(pointProductionAt(u"1.1.0"_s));
        QVERIFY(refresh(*window));
        QTRY_VERIFY_WITH_TIMEOUT(
            productionRunning(*window).contains(u"production → v1.1.0, api on %1 still runs "
                                                u"v1.0.0"_s.arg(host())),
            30000);
    }

    void promotingWithRedeployReplacesTheContainer() {
        QVERIFY(pointProductionAt(u"1.0.0"_s));
        const auto window = openWindowOnRepository();
        QVERIFY(window);
        bool succeeded = false;
        const QPointer<ui::PromoteDialog> dialog =
            promoteAndRedeploy(*window, u"1.1.0"_s, &succeeded);
        QVERIFY(dialog);
        QVERIFY2(succeeded, qPrintable(stepLines(dialog).join(u'\n')));
        QVERIFY2(resultText(dialog).contains(u"runs v1.1.0 on every engine of production"_s),
                 qPrintable(resultText(dialog)));
        QVERIFY2(stepLines(dialog).join(u'\n').contains(u"api (was v1.0.0): redeployed"_s),
                 qPrintable(stepLines(dialog).join(u'\n')));
        QCOMPARE(runningVersion(), u"1.1.0"_s);
        const QJsonObject api = m_cli.inspect(host(), u"api"_s);
        QVERIFY(api[u"Config"_s][u"Env"_s].toArray().contains(u"CHECKOUT_MODE=live"_s));
        QVERIFY(m_cli.inspect(host(), u"api-berth-old"_s).isEmpty());
        // The lane reads the engine again once the redeploy ended: no drift left.
        QTRY_VERIFY_WITH_TIMEOUT(productionRunning(*window).contains(u"api v1.1.0"_s), 30000);
        QVERIFY(!productionRunning(*window).contains(u"still runs"_s));

        HistoryStore store;
        QVERIFY(store.open(history()));
        const auto steps = store.redeploySteps(m_registry->hostPort(), kPath);
        QVERIFY(steps.ok());
        QVERIFY(std::any_of(steps->cbegin(), steps->cend(), [](const RedeployStep& step) {
            return step.step == u"redeploy"_s && step.state == ActionState::Succeeded;
        }));
        QCOMPARE(store.pendingRedeploySteps()->size(), 0);
    }

    void aBuildThatExitsAtOnceIsPutBackAndTheDialogSaysSo() {
        const auto window = openWindowOnRepository();
        QVERIFY(window);
        const QString before = m_cli.inspect(host(), u"api"_s)[u"Id"_s].toString();
        bool succeeded = true;
        const QPointer<ui::PromoteDialog> dialog =
            promoteAndRedeploy(*window, u"1.2.0"_s, &succeeded);
        QVERIFY(dialog);
        QVERIFY(!succeeded);
        // The tag moved (that part succeeded); the host was left as it was.
        QVERIFY(dialog->result() && dialog->result()->ok());
        QVERIFY2(resultText(dialog).contains(u"did not complete"_s),
                 qPrintable(resultText(dialog)));
        QVERIFY2(stepLines(dialog).join(u'\n').contains(u"failed, old container restored"_s),
                 qPrintable(stepLines(dialog).join(u'\n')));
        QCOMPARE(m_cli.inspect(host(), u"api"_s)[u"Id"_s].toString(), before);
        QCOMPARE(runningVersion(), u"1.1.0"_s);
        auto* close = dialog->findChild<QPushButton*>(u"closeButton"_s);
        QCOMPARE(close->text(), u"Close"_s);
        QVERIFY(close->isEnabled());
        // What runs now differs from where production points: the lane says so.
        QTRY_VERIFY_WITH_TIMEOUT(productionRunning(*window).contains(u"still runs v1.1.0"_s),
                                 30000);
    }

    void aRedeployLeftHalfDoneIsSettledWhenAWindowStarts() {
        const QString before = m_cli.inspect(host(), u"api"_s)[u"Id"_s].toString();
        QVERIFY(pointProductionAt(u"1.0.0"_s));
        // berthctl killed (SIGKILL) right after stopping the old container.
        const CtlRun killed =
            runProgram(QStringLiteral(BERTHCTL_PATH),
                       {u"redeploy"_s, repository(), u"production"_s, u"--db"_s, history(),
                        u"--stay-running"_s, u"1"_s, u"--stop-timeout"_s, u"1"_s},
                       {{u"BERTH_TEST_CRASH_AFTER_STEP"_s, u"stop"_s}});
        QCOMPARE(killed.exitCode, -1);
        QVERIFY(runningVersion().isEmpty()); // stopped, nobody put it back yet

        const auto window = openWindowOnRepository();
        QVERIFY(window);
        QTRY_VERIFY_WITH_TIMEOUT(window->banner()->text().contains(u"was settled"_s), 30000);
        QVERIFY2(window->banner()->text().contains(u"put the old container back, running"_s),
                 qPrintable(window->banner()->text()));
        QCOMPARE(m_cli.inspect(host(), u"api"_s)[u"Id"_s].toString(), before);
        QCOMPARE(runningVersion(), u"1.1.0"_s);
        QTRY_VERIFY_WITH_TIMEOUT(productionRunning(*window).contains(u"still runs v1.1.0"_s),
                                 30000);
        HistoryStore store;
        QVERIFY(store.open(history()));
        QCOMPARE(store.pendingRedeploySteps()->size(), 0);
    }

    void stoppingARedeployLeavesTheRestAsTheyWere() {
        // Two containers of the repository, both on 1.1.0; production names 1.0.0.
        QVERIFY(
            m_cli.ok(host(), {u"run"_s, u"-d"_s, u"--network"_s, u"none"_s, u"--name"_s,
                              u"worker"_s, repository() + u"@"_s + m_digests.value(u"1.1.0"_s)}));
        const auto window = openWindowOnRepository();
        QVERIFY(window);
        QPointer<ui::PromoteDialog> dialog =
            window->releaseActions()->promote(m_digests.value(u"1.0.0"_s), u"production"_s);
        QVERIFY(dialog && dialog->redeployOption());
        dialog->findChild<QCheckBox*>(u"redeployCheck"_s)->setChecked(true);
        QSignalSpy redeployed(dialog.data(), &ui::PromoteDialog::redeployFinished);
        auto* confirm = dialog->findChild<QPushButton*>(u"confirmButton"_s);
        QVERIFY(QTest::qWaitFor([confirm] { return confirm->isEnabled(); }, 5000));
        QTest::mouseClick(confirm, Qt::LeftButton);
        // The move is already there (production names 1.0.0); the redeploy starts at once.
        auto* close = dialog->findChild<QPushButton*>(u"closeButton"_s);
        QTRY_COMPARE_WITH_TIMEOUT(close->text(), u"Stop redeploy"_s, 30000);
        QVERIFY(dialog->isRunning());
        close->click();
        QCOMPARE(close->text(), u"Stopping after this container…"_s);
        QVERIFY(!close->isEnabled());
        QVERIFY(redeployed.wait(120000));
        QCOMPARE(redeployed.first().first().toBool(), false);
        QVERIFY2(stepLines(dialog).join(u'\n').contains(u"Cancelled before"_s),
                 qPrintable(stepLines(dialog).join(u'\n')));
        QCOMPARE(close->text(), u"Close"_s);
        // Whatever was not reached still runs what it ran; nothing is stopped or gone.
        QStringList versions;
        for (const QString& name : {u"api"_s, u"worker"_s}) {
            const QJsonObject container = m_cli.inspect(host(), name);
            QVERIFY2(container[u"State"_s][u"Running"_s].toBool(), qPrintable(name));
            versions.append(
                container[u"Config"_s][u"Labels"_s][u"org.opencontainers.image.version"_s]
                    .toString());
        }
        QVERIFY2(versions.contains(u"1.1.0"_s), qPrintable(versions.join(u", "_s)));
        QVERIFY(m_cli.inspect(host(), u"api-berth-old"_s).isEmpty());
        QVERIFY(m_cli.inspect(host(), u"worker-berth-old"_s).isEmpty());
    }
};

BERTH_WIDGET_TEST_MAIN(TestRedeployWindow)

#include "tst_redeploywindow.moc"
