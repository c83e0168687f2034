// The registry options dialog offscreen: it shows a registry's options, refuses a CA
// file that is missing or holds no certificate and an engine address that is not one
// (with a message in the dialog), saves into the sidebar's model and settings, opens
// from the keyboard, and the engine address it saves is where the engine transport of
// a promotion goes (a real docker-registry on loopback, a socket that does not exist).

#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "WidgetTestMain.h"
#include "WindowTestSupport.h"

#include "ErrorBanner.h"
#include "MainWindow.h"
#include "PromoteDialog.h"
#include "RegistryOptionsDialog.h"
#include "RegistrySidebar.h"
#include "ReleaseActions.h"

#include "release/ReleaseTypes.h"
#include "timeline/RepositoryListModel.h"
#include "timeline/RepositoryLoader.h"
#include "timeline/TimelineModel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTreeView>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

const QString kDomain = u"registry.lan:5000"_s;

struct Fields {
    QCheckBox* insecure = nullptr;
    QLineEdit* caFile = nullptr;
    QSpinBox* concurrency = nullptr;
    QLineEdit* engineHost = nullptr;
    QPushButton* save = nullptr;
    ui::ErrorBanner* problem = nullptr;

    explicit Fields(const ui::RegistryOptionsDialog* dialog)
        : insecure(dialog->findChild<QCheckBox*>(u"insecureBox"_s))
        , caFile(dialog->findChild<QLineEdit*>(u"caFileField"_s))
        , concurrency(dialog->findChild<QSpinBox*>(u"concurrencyBox"_s))
        , engineHost(dialog->findChild<QLineEdit*>(u"engineHostField"_s))
        , save(dialog->findChild<QPushButton*>(u"saveButton"_s))
        , problem(dialog->findChild<ui::ErrorBanner*>(u"registryOptionsProblem"_s)) {}

    bool complete() const {
        return insecure && caFile && concurrency && engineHost && save && problem;
    }
};

// Types into a line edit as a person would: select all, then the new text.
void typeInto(QLineEdit* field, const QString& text) {
    field->selectAll();
    QTest::keyClick(field, Qt::Key_Delete);
    QTest::keyClicks(field, text);
}

QJsonObject image(const QStringList& tags, const QString& created, const QString& seed) {
    return QJsonObject{{u"tags"_s, QJsonArray::fromStringList(tags)},
                       {u"format"_s, u"oci"_s},
                       {u"created"_s, created},
                       {u"platforms"_s, QJsonArray{u"linux/amd64"_s}},
                       {u"layerSeed"_s, seed}};
}

} // namespace

class TestRegistryOptions : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_caFile; // a real PEM certificate, made by openssl; empty without openssl

    // A sidebar on the test's own settings, with `options` for kDomain and one repository.
    std::unique_ptr<ui::RegistrySidebar> makeSidebar(const RegistryOptions& options = {}) {
        auto sidebar = std::make_unique<ui::RegistrySidebar>();
        sidebar->model()->addRegistry(kDomain, options);
        sidebar->model()->addRepository(kDomain + u"/team/app"_s);
        sidebar->resize(300, 400);
        sidebar->show();
        return sidebar;
    }

    static RegistryOptions everyOptionSet(const QString& caFile) {
        RegistryOptions options;
        options.insecure = true;
        options.caFile = caFile;
        options.concurrency = 200; // above what the dialog once allowed (64)
        options.engineHost = u"tcp://127.0.0.1:2375"_s;
        options.runningEngines = {u"production=unix:///run/a.sock,tcp://prod-2:2376"_s,
                                  u"staging=unix:///run/b.sock"_s};
        return options;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        // Settings of this suite only: never the developer's, never another suite's.
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                           m_dir.filePath(u"settings"_s));
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope,
                           m_dir.filePath(u"settings"_s));
        if (!QStandardPaths::findExecutable(u"openssl"_s).isEmpty()) {
            const QString ca = m_dir.filePath(u"ca.pem"_s);
            QProcess openssl;
            openssl.start(u"openssl"_s, {u"req"_s, u"-x509"_s, u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s,
                                         u"ec_paramgen_curve:prime256v1"_s, u"-nodes"_s,
                                         u"-keyout"_s, m_dir.filePath(u"ca.key"_s), u"-out"_s, ca,
                                         u"-subj"_s, u"/CN=Berth test CA"_s, u"-days"_s, u"2"_s});
            QVERIFY(openssl.waitForFinished(30000));
            QCOMPARE(openssl.exitCode(), 0);
            m_caFile = ca;
        }
    }

    void init() { QSettings().clear(); }

    void dialogShowsCurrentOptions_data() {
        QTest::addColumn<bool>("everySet");
        QTest::newRow("defaults") << false;
        QTest::newRow("every option set") << true;
    }

    void dialogShowsCurrentOptions() {
        QFETCH(bool, everySet);
        const RegistryOptions options = everySet ? everyOptionSet(m_caFile) : RegistryOptions{};
        auto sidebar = makeSidebar(options);
        QPointer<ui::RegistryOptionsDialog> dialog = sidebar->editOptions(kDomain);
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        QVERIFY(dialog->windowTitle().contains(kDomain));
        const Fields fields(dialog);
        QVERIFY(fields.complete());
        QCOMPARE(fields.insecure->isChecked(), options.insecure);
        QCOMPARE(fields.caFile->text(), options.caFile);
        QCOMPARE(fields.concurrency->value(), options.concurrency);
        QCOMPARE(fields.concurrency->minimum(), 1);
        QCOMPARE(fields.concurrency->maximum(), 256); // what the command line and settings allow
        QCOMPARE(fields.engineHost->text(), options.engineHost);
        QVERIFY(fields.problem->isHidden());
        QVERIFY(dialog->problem().isEmpty());
        dialog->reject();
    }

    void badValuesAreRefusedWithAMessage_data() {
        QTest::addColumn<QString>("caFile"); // "<dir>" stands for the temporary directory
        QTest::addColumn<QString>("engineHost");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing CA file")
            << u"<dir>/nowhere/ca.pem"_s << QString() << u"does not exist"_s;
        QTest::newRow("CA file is a directory") << u"<dir>"_s << QString() << u"not a readable"_s;
        QTest::newRow("CA file without a certificate")
            << u"<dir>/not-a-certificate.pem"_s << QString() << u"no PEM certificate"_s;
        QTest::newRow("engine over ssh")
            << QString() << u"ssh://build@host"_s << u"not supported"_s;
        QTest::newRow("engine port missing")
            << QString() << u"tcp://127.0.0.1"_s << u"tcp://host:port"_s;
        QTest::newRow("engine socket not absolute")
            << QString() << u"unix://run/docker.sock"_s << u"absolute socket path"_s;
        QTest::newRow("engine without a scheme")
            << QString() << u"/var/run/docker.sock"_s << u"not supported"_s;
    }

    void badValuesAreRefusedWithAMessage() {
        QFETCH(QString, caFile);
        QFETCH(QString, engineHost);
        QFETCH(QString, message);
        caFile.replace(u"<dir>"_s, m_dir.path());
        QFile garbage(m_dir.filePath(u"not-a-certificate.pem"_s));
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write(
            "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        garbage.close();

        RegistryOptions before;
        before.concurrency = 7;
        auto sidebar = makeSidebar(before);
        QSignalSpy changed(sidebar.get(), &ui::RegistrySidebar::optionsChanged);
        QPointer<ui::RegistryOptionsDialog> dialog = sidebar->editOptions(kDomain);
        QVERIFY(dialog);
        const Fields fields(dialog);
        QVERIFY(fields.complete());
        typeInto(fields.caFile, caFile);
        typeInto(fields.engineHost, engineHost);
        QTest::mouseClick(fields.save, Qt::LeftButton);

        // Still open, the reason visible in it, and nothing taken.
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        QVERIFY(fields.problem->isVisible());
        QVERIFY2(dialog->problem().contains(message), qPrintable(dialog->problem()));
        QVERIFY2(dialog->problem().contains(caFile.isEmpty() ? engineHost : caFile),
                 qPrintable(dialog->problem()));
        QCOMPARE(changed.count(), 0);
        QCOMPARE(sidebar->model()->optionsFor(kDomain).concurrency, 7);
        QVERIFY(sidebar->model()->optionsFor(kDomain).caFile.isEmpty());
        QVERIFY(sidebar->model()->optionsFor(kDomain).engineHost.isEmpty());
        // The field at fault has the focus, so it can be corrected at once.
        QCOMPARE(dialog->focusWidget(),
                 caFile.isEmpty() ? static_cast<QWidget*>(fields.engineHost) : fields.caFile);

        // Editing hides the stale message.
        QTest::keyClick(caFile.isEmpty() ? fields.engineHost : fields.caFile, Qt::Key_Backspace);
        QVERIFY(fields.problem->isHidden());
        dialog->reject();
    }

    void savingUpdatesTheModelAndSettings() {
        if (m_caFile.isEmpty())
            QSKIP("openssl is not installed: no CA certificate to choose");
        auto sidebar = makeSidebar();
        QSignalSpy changed(sidebar.get(), &ui::RegistrySidebar::optionsChanged);
        QPointer<ui::RegistryOptionsDialog> dialog = sidebar->editOptions(kDomain);
        QVERIFY(dialog);
        const Fields fields(dialog);
        QVERIFY(fields.complete());
        fields.insecure->click();
        typeInto(fields.caFile, m_caFile);
        fields.concurrency->setValue(3);
        typeInto(fields.engineHost, u"  unix:///run/user/1000/podman/podman.sock "_s);
        QTest::mouseClick(fields.save, Qt::LeftButton);

        QTRY_VERIFY(!dialog); // closed and deleted
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toString(), kDomain);
        const RegistryOptions saved = sidebar->model()->optionsFor(kDomain);
        QVERIFY(saved.insecure);
        QCOMPARE(saved.caFile, m_caFile);
        QCOMPARE(saved.concurrency, 3);
        QCOMPARE(saved.engineHost, u"unix:///run/user/1000/podman/podman.sock"_s);
        // Options the dialog does not show are kept as they were.
        QCOMPARE(saved.maxRetries, RegistryOptions{}.maxRetries);

        // Already in the settings: a new sidebar reads them back.
        ui::RegistrySidebar restored;
        restored.loadSettings();
        const RegistryOptions loaded = restored.model()->optionsFor(kDomain);
        QVERIFY(loaded.insecure);
        QCOMPARE(loaded.caFile, m_caFile);
        QCOMPARE(loaded.concurrency, 3);
        QCOMPARE(loaded.engineHost, saved.engineHost);
        QVERIFY(restored.model()->indexOfRepository(kDomain + u"/team/app"_s).isValid());
    }

    void theEnginesRunningEachEnvironmentAreCheckedAndKept() {
        auto sidebar = makeSidebar();
        QPointer<ui::RegistryOptionsDialog> dialog = sidebar->editOptions(kDomain);
        QVERIFY(dialog);
        auto* engines = dialog->findChild<QPlainTextEdit*>(u"runningEnginesField"_s);
        QVERIFY(engines);
        const Fields fields(dialog);
        // A host without its environment is refused, naming the line.
        engines->setPlainText(u"unix:///run/a.sock"_s);
        QTest::mouseClick(fields.save, Qt::LeftButton);
        QVERIFY(dialog && dialog->isVisible());
        QVERIFY2(dialog->problem().contains(u"names no environment"_s),
                 qPrintable(dialog->problem()));
        QVERIFY(sidebar->model()->optionsFor(kDomain).runningEngines.isEmpty());
        // One line per environment, blank lines dropped.
        engines->setPlainText(u"production=unix:///run/a.sock, tcp://prod-2:2376\n\n"
                              u"staging=unix:///run/b.sock\n"_s);
        QTest::mouseClick(fields.save, Qt::LeftButton);
        QTRY_VERIFY(!dialog);
        QCOMPARE(sidebar->model()->optionsFor(kDomain).runningEngines,
                 (QStringList{u"production=unix:///run/a.sock, tcp://prod-2:2376"_s,
                              u"staging=unix:///run/b.sock"_s}));
    }

    void optionsSurviveSaveAndLoad_data() {
        QTest::addColumn<bool>("everySet");
        QTest::newRow("defaults") << false;
        QTest::newRow("every option set") << true;
    }

    void optionsSurviveSaveAndLoad() {
        QFETCH(bool, everySet);
        const RegistryOptions options = everySet ? everyOptionSet(m_caFile) : RegistryOptions{};
        {
            auto sidebar = makeSidebar(options);
            sidebar->model()->addRegistry(u"ghcr.io"_s);
            sidebar->saveSettings();
        }
        ui::RegistrySidebar restored;
        restored.loadSettings();
        const RegistryOptions loaded = restored.model()->optionsFor(kDomain);
        QCOMPARE(loaded.insecure, options.insecure);
        QCOMPARE(loaded.caFile, options.caFile);
        QCOMPARE(loaded.concurrency, options.concurrency);
        QCOMPARE(loaded.engineHost, options.engineHost);
        QCOMPARE(loaded.runningEngines, options.runningEngines);
        QVERIFY(restored.model()->optionsFor(u"ghcr.io"_s).engineHost.isEmpty());
    }

    void reachableFromTheKeyboard() {
        auto sidebar = makeSidebar();
        sidebar->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(sidebar.get()));
        QTreeView* tree = sidebar->tree();
        QVERIFY(!sidebar->optionsButton()->isEnabled()); // nothing selected yet
        tree->setFocus();
        tree->setCurrentIndex(tree->model()->index(0, 0));
        QCOMPARE(sidebar->currentDomain(), kDomain);
        QVERIFY(sidebar->optionsButton()->isEnabled());

        QTest::keyClick(tree, Qt::Key_Return, Qt::AltModifier);
        QPointer<ui::RegistryOptionsDialog> dialog =
            sidebar->findChild<ui::RegistryOptionsDialog*>();
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        QCOMPARE(dialog->domain(), kDomain);
        dialog->reject();
        QTRY_VERIFY(!dialog);

        // On a repository row the options are its registry's; the button opens them too.
        const QModelIndex repository = tree->model()->index(0, 0, tree->model()->index(0, 0));
        tree->setCurrentIndex(repository);
        QCOMPARE(sidebar->currentDomain(), kDomain);
        sidebar->optionsButton()->setFocus();
        QTest::keyClick(sidebar->optionsButton(), Qt::Key_Space);
        dialog = sidebar->findChild<ui::RegistryOptionsDialog*>();
        QVERIFY(dialog);
        QCOMPARE(dialog->domain(), kDomain);
        dialog->reject();
    }

    void engineAddressFollowsRegistryThenDefault_data() {
        QTest::addColumn<QString>("own");
        QTest::addColumn<QString>("fallback"); // berth --engine's, "" without --engine
        QTest::addColumn<QString>("expected"); // "" offers no engine transport
        QTest::newRow("neither") << QString() << QString() << QString();
        QTest::newRow("only --engine")
            << QString() << u"unix:///var/run/docker.sock"_s << u"unix:///var/run/docker.sock"_s;
        QTest::newRow("only the registry's")
            << u"tcp://10.0.0.5:2375"_s << QString() << u"tcp://10.0.0.5:2375"_s;
        QTest::newRow("the registry's wins")
            << u"tcp://10.0.0.5:2375"_s << u"unix:///var/run/docker.sock"_s
            << u"tcp://10.0.0.5:2375"_s;
    }

    void engineAddressFollowsRegistryThenDefault() {
        QFETCH(QString, own);
        QFETCH(QString, fallback);
        QFETCH(QString, expected);
        RegistryOptions options;
        options.engineHost = own;
        auto sidebar = makeSidebar(options);
        TimelineModel timeline;
        RepositoryLoader loader;
        QWidget window;
        ui::ReleaseActions actions(&timeline, &loader, &window);
        actions.setOptionsSource(
            [&](const QString& domain) { return sidebar->model()->optionsFor(domain); });
        if (!fallback.isEmpty())
            actions.setDefaultEngineHost(fallback);
        QCOMPARE(actions.engineHostFor(kDomain), expected);
        // A registry without options of its own only ever gets the fallback.
        QCOMPARE(actions.engineHostFor(u"ghcr.io"_s), fallback);
    }

    void promotionUsesTheRegistrysEngine() {
        const RegistryServer::Options serverOptions;
        if (const QString missing = RegistryServer::unavailableReason(serverOptions);
            !missing.isEmpty())
            QSKIP(qPrintable(missing));
        RegistryServer server(serverOptions);
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        const QString path = u"acme/engine-options"_s;
        const QJsonArray images{
            image({u"v1.0.0"_s, u"production"_s}, u"2026-01-02T03:04:05Z"_s, u"engine-one"_s),
            image({u"v1.1.0"_s}, u"2026-02-03T04:05:06Z"_s, u"engine-two"_s)};
        QString error;
        const QJsonObject seeded =
            RegistrySeeder::seed(server, {{u"repository"_s, path}, {u"images"_s, images}}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QString newer =
            seeded.value(u"images"_s).toArray().at(1).toObject().value(u"digest"_s).toString();
        QVERIFY(!newer.isEmpty());

        auto window = openWindow(m_dir.filePath(u"history.sqlite"_s), QSize(1100, 700));
        QVERIFY(load(*window, server.hostPort() + u'/' + path));
        auto* sidebar = window->findChild<ui::RegistrySidebar*>();
        QVERIFY(sidebar);

        // Without --engine and without an address of its own: the registry API only.
        {
            QPointer<ui::PromoteDialog> dialog =
                window->releaseActions()->promote(newer, u"production"_s);
            QVERIFY(dialog);
            auto* transport = dialog->findChild<QComboBox*>(u"transportCombo"_s);
            QVERIFY(transport);
            QCOMPARE(transport->findData(transportName(RetagTransport::Engine)), -1);
            dialog->close();
        }

        // An engine socket that does not exist: the failure names it, so it was used.
        const QString socket = m_dir.filePath(u"no-engine-here.sock"_s);
        RegistryOptions options = sidebar->model()->optionsFor(server.hostPort());
        options.engineHost = u"unix://"_s + socket;
        sidebar->model()->setOptionsFor(server.hostPort(), options);
        QPointer<ui::PromoteDialog> dialog =
            window->releaseActions()->promote(newer, u"production"_s);
        QVERIFY(dialog);
        auto* transport = dialog->findChild<QComboBox*>(u"transportCombo"_s);
        const int engine = transport->findData(transportName(RetagTransport::Engine));
        QVERIFY(engine >= 0);
        transport->setCurrentIndex(engine);
        auto* confirm = dialog->findChild<QPushButton*>(u"confirmButton"_s);
        QVERIFY(confirm);
        QVERIFY(QTest::qWaitFor([confirm] { return confirm->isEnabled(); }, 5000));
        QTest::mouseClick(confirm, Qt::LeftButton);
        QVERIFY(
            QTest::qWaitFor([&dialog] { return dialog && dialog->result().has_value(); }, 60000));
        QVERIFY(!dialog->result()->ok());
        QVERIFY2(dialog->result()->errorMessage().contains(socket),
                 qPrintable(dialog->result()->errorMessage()));
        dialog->close();
    }
};

BERTH_WIDGET_TEST_MAIN(TestRegistryOptions)
#include "tst_registryoptions.moc"
