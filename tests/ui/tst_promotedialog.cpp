// The promote/rollback confirmation offscreen, against a real docker-registry on
// loopback and a real SQLite history: what it shows, that Enter cannot confirm it at
// once, that confirming moves the tag and audits the reason, and that the lanes follow.

#include "AsyncWait.h"
#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "WidgetTestMain.h"

#include "AuditLogDialog.h"
#include "EnvironmentLanes.h"
#include "ErrorBanner.h"
#include "MainWindow.h"
#include "PromoteDialog.h"
#include "ReleaseActions.h"

#include "git/GitLibrary.h"
#include "history/AuditLogFilterModel.h"
#include "history/AuditLogModel.h"
#include "history/HistoryStore.h"
#include "registry/RegistryClient.h"
#include "release/RollbackPlanner.h"
#include "timeline/RepositoryLoader.h"
#include "timeline/TimelineModel.h"

#include <QAction>
#include <QCheckBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QToolButton>
#include <QTreeWidget>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

QJsonObject image(const QStringList& tags, const QString& created, const QString& seed) {
    return QJsonObject{{u"tags"_s, QJsonArray::fromStringList(tags)},
                       {u"format"_s, u"oci"_s},
                       {u"created"_s, created},
                       {u"labels"_s, QJsonObject{}},
                       {u"platforms"_s, QJsonArray{u"linux/amd64"_s}},
                       {u"layerSeed"_s, seed}};
}

// Keeps git and libgit2 away from the developer's configuration; runs before the
// GitLibrary member is built so libgit2 sees the same HOME.
bool isolateGitConfiguration(const QString& home) {
    qputenv("HOME", home.toUtf8());
    qputenv("XDG_CONFIG_HOME", (home + u"/.config"_s).toUtf8());
    qputenv("GIT_CONFIG_NOSYSTEM", "1");
    qputenv("GIT_TERMINAL_PROMPT", "0");
    return true;
}

} // namespace

class TestPromoteDialog : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    bool m_isolated = isolateGitConfiguration(m_dir.path());
    GitLibrary m_git;
    std::unique_ptr<RegistryServer> m_server;
    int m_repositories = 0;

    // A repository of its own for each test, so no test sees another's moves:
    // v1.0.0 on production, v1.1.0 on staging, v1.2.0 on nothing. Answers the digests.
    QStringList seed(QString* path) {
        *path = u"acme/release-%1"_s.arg(++m_repositories);
        const QJsonArray images{
            image({u"v1.0.0"_s, u"production"_s}, u"2026-01-02T03:04:05Z"_s, u"one"_s),
            image({u"v1.1.0"_s, u"staging"_s}, u"2026-02-03T04:05:06Z"_s, u"two"_s),
            image({u"v1.2.0"_s}, u"2026-03-04T05:06:07Z"_s, u"three"_s)};
        QString error;
        const QJsonObject seeded = RegistrySeeder::seed(
            *m_server, {{u"repository"_s, *path}, {u"images"_s, images}}, &error);
        QStringList digests;
        for (const QJsonValue& entry : seeded.value(u"images"_s).toArray())
            digests.append(entry.toObject().value(u"digest"_s).toString());
        if (!error.isEmpty())
            qWarning("seeding failed: %s", qPrintable(error));
        return digests;
    }

    // A reader of its own on the window's history: what was stored, not what the window
    // holds in memory.
    static std::unique_ptr<HistoryStore> storeOf(ui::MainWindow& window) {
        auto store = std::make_unique<HistoryStore>();
        if (!store->open(window.loader()->historyLocation()))
            return nullptr;
        return store;
    }

    // Marks a build, then waits until the window read the verdict back (plans use it).
    static bool markAndWait(ui::MainWindow& window, const QString& digest,
                            const QString& environment, const QString& reason) {
        QSignalSpy read(window.loader(), &RepositoryLoader::verdictsRead);
        return window.releaseActions()->mark(digest, environment, VerdictKind::Bad, reason).ok() &&
               read.wait(30000);
    }

    std::unique_ptr<ui::MainWindow> openWindow(const QString& path) {
        auto window = std::make_unique<ui::MainWindow>();
        window->loader()->setHistoryLocation(
            m_dir.filePath(u"history-%1.sqlite"_s.arg(m_repositories)));
        window->resize(1200, 800);
        window->show();
        QSignalSpy finished(window->loader(), &RepositoryLoader::finished);
        window->openRepository(m_server->hostPort() + u'/' + path);
        if (finished.isEmpty() && !finished.wait(60000))
            return nullptr;
        return window;
    }

    QString headOf(const QString& path, const QString& tag) {
        RegistryClient client(m_server->hostPort());
        const auto head =
            waitForResult<ManifestHead>([&](QObject* context, Callback<ManifestHead> done) {
                client.headManifest(path, tag, context, done);
            });
        return head && head->ok() ? head->value().digest : QString();
    }

    // Points `tag` at `digest` the way another tool would, without the window knowing.
    bool moveBehindTheWindow(const QString& path, const QString& tag, const QString& digest) {
        RegistryClient client(m_server->hostPort());
        const auto blob =
            waitForResult<ManifestBlob>([&](QObject* context, Callback<ManifestBlob> done) {
                client.getManifest(path, digest, context, done);
            });
        if (!blob || !blob->ok())
            return false;
        const auto put =
            waitForResult<ManifestPut>([&](QObject* context, Callback<ManifestPut> done) {
                client.putManifest(path, tag, blob->value(), context, done);
            });
        return put && put->ok();
    }

    static QString laneDigest(const ui::MainWindow& window, const QString& tag) {
        for (const EnvironmentLane& lane : window.timelineModel()->lanes()) {
            if (lane.tag == tag)
                return lane.currentDigest;
        }
        return {};
    }

    // Waits out the arming delay, then clicks confirm; true once the run ended.
    static bool confirm(ui::PromoteDialog* dialog, const QString& reason = {}) {
        auto* button = dialog->findChild<QPushButton*>(u"confirmButton"_s);
        if (!button || !QTest::qWaitFor([button] { return button->isEnabled(); }, 5000))
            return false;
        if (!reason.isEmpty())
            QTest::keyClicks(dialog->findChild<QLineEdit*>(u"reasonField"_s), reason);
        QTest::mouseClick(button, Qt::LeftButton);
        return QTest::qWaitFor([dialog] { return dialog->result().has_value(); }, 30000);
    }

    // Runs a git command in `dir`; false on failure, its output in *output.
    static bool git(const QString& dir, const QStringList& arguments, QString* output = nullptr) {
        QProcess process;
        process.setWorkingDirectory(dir);
        process.start(u"git"_s, arguments);
        if (!process.waitForFinished(60000) || process.exitCode() != 0) {
            qWarning("git %s: %s", qPrintable(arguments.join(u' ')),
                     process.readAllStandardError().constData());
            return false;
        }
        if (output)
            *output = QString::fromUtf8(process.readAllStandardOutput()).trimmed();
        return true;
    }

    // A clone with commits a, b, c, d on main, one after the other; their ids.
    QStringList makeClone(const QString& clone) {
        QStringList ids;
        if (!git(m_dir.path(), {u"init"_s, u"-q"_s, u"-b"_s, u"main"_s, clone}))
            return {};
        for (const QString& name : {u"a"_s, u"b"_s, u"c"_s, u"d"_s}) {
            QFile file(clone + u'/' + name);
            if (!file.open(QIODevice::WriteOnly))
                return {};
            file.write(name.toUtf8());
            file.close();
            QString id;
            if (!git(clone, {u"add"_s, name}) ||
                !git(clone, {u"-c"_s, u"user.name=Ada"_s, u"-c"_s, u"user.email=ada@example.org"_s,
                             u"commit"_s, u"-q"_s, u"-m"_s, u"Add "_s + name}) ||
                !git(clone, {u"rev-parse"_s, u"HEAD"_s}, &id))
                return {};
            ids.append(id);
        }
        return ids;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        const RegistryServer::Options options;
        const QString missing = RegistryServer::unavailableReason(options);
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        m_server = std::make_unique<RegistryServer>(options);
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    }

    void cleanupTestCase() { m_server.reset(); }

    void promoteShowsWhereTheTagIsAndWhereItGoes_data() {
        QTest::addColumn<QString>("environment");
        QTest::addColumn<int>("from"); // index of the seeded build, -1: the tag is new
        QTest::addColumn<int>("to");
        QTest::newRow("staging build to production") << u"production"_s << 0 << 1;
        QTest::newRow("newest build to staging") << u"staging"_s << 1 << 2;
        QTest::newRow("to an environment that does not exist yet") << u"qa"_s << -1 << 2;
    }

    void promoteShowsWhereTheTagIsAndWhereItGoes() {
        QFETCH(QString, environment);
        QFETCH(int, from);
        QFETCH(int, to);
        QString path;
        const QStringList digests = seed(&path);
        QCOMPARE(digests.size(), 3);
        const auto window = openWindow(path);
        QVERIFY(window);
        // qa is no tag of the repository; a policy naming it puts it in the menus.
        window->releaseActions()->setPolicyEnvironments({u"qa"_s});
        QVERIFY(window->releaseActions()->environmentChoices().contains(environment));
        ui::PromoteDialog* dialog = window->releaseActions()->promote(digests.at(to), environment);
        QVERIFY(dialog);
        const QString fromDigest = from < 0 ? QString() : digests.at(from);
        QCOMPARE(dialog->from().digest, fromDigest);
        QCOMPARE(dialog->to().digest, digests.at(to));
        QCOMPARE(dialog->request().expectedCurrent, std::optional<QString>(fromDigest));
        QCOMPARE(dialog->request().kind, ActionKind::Promote);
        const QString fromText = dialog->findChild<QLabel*>(u"fromLabel"_s)->text();
        const QString toText = dialog->findChild<QLabel*>(u"toLabel"_s)->text();
        QVERIFY2(from < 0 ? fromText.contains(u"does not exist"_s)
                          : fromText.contains(shortDigestOf(fromDigest)),
                 qPrintable(fromText));
        QVERIFY2(toText.contains(shortDigestOf(digests.at(to))), qPrintable(toText));
        QVERIFY2(toText.contains(u"v1.%1.0"_s.arg(to)), qPrintable(toText));
        QVERIFY(dialog->findChild<QLabel*>(u"commitStatus"_s)
                    ->text()
                    .contains(u"no git clone linked"_s));
        // While it is read, the dialog asks the registry and confirms what it shows.
        auto* check = dialog->findChild<QLabel*>(u"checkLabel"_s);
        QTRY_VERIFY2_WITH_TIMEOUT(check->text().contains(u"still points there"_s),
                                  qPrintable(check->text()), 30000);
        dialog->close();
    }

    void theDialogWarnsWhenTheTagMovedBeforeItOpened() {
        QString path;
        const QStringList digests = seed(&path);
        QCOMPARE(digests.size(), 3);
        const auto window = openWindow(path);
        QVERIFY(window);
        QVERIFY(moveBehindTheWindow(path, u"production"_s, digests[2]));
        QCOMPARE(laneDigest(*window, u"production"_s), digests[0]); // the window has not looked
        ui::PromoteDialog* dialog = window->releaseActions()->promote(digests[1], u"production"_s);
        QVERIFY(dialog);
        auto* check = dialog->findChild<QLabel*>(u"checkLabel"_s);
        QTRY_VERIFY2_WITH_TIMEOUT(check->text().contains(u"moved since the window showed it"_s),
                                  qPrintable(check->text()), 30000);
        QVERIFY2(check->text().contains(shortDigestOf(digests[2])), qPrintable(check->text()));
        QVERIFY2(check->text().contains(u"will be refused"_s), qPrintable(check->text()));
        QVERIFY(!dialog->result().has_value()); // it warned; nothing ran
        QCOMPARE(headOf(path, u"production"_s), digests[2]);
        dialog->close();
    }

    void confirmIsNotArmedAtOnceAndEnterNeverConfirms() {
        QString path;
        const QStringList digests = seed(&path);
        QCOMPARE(digests.size(), 3);
        const auto window = openWindow(path);
        QVERIFY(window);
        ui::PromoteDialog* dialog = window->releaseActions()->promote(digests[1], u"production"_s);
        QVERIFY(dialog);
        auto* button = dialog->findChild<QPushButton*>(u"confirmButton"_s);
        QVERIFY(button);
        QVERIFY(!button->isEnabled());
        QVERIFY(!button->isDefault());
        // The accidental double Enter, before and after the button is armed.
        QTest::keyClick(dialog, Qt::Key_Return);
        QTest::keyClick(dialog, Qt::Key_Return);
        QVERIFY(!dialog->isRunning());
        QTRY_VERIFY(button->isEnabled());
        QTest::keyClick(dialog->findChild<QLineEdit*>(u"reasonField"_s), Qt::Key_Return);
        QTest::keyClick(dialog, Qt::Key_Enter);
        QVERIFY(!dialog->isRunning());
        QVERIFY(!dialog->result().has_value());
        QCOMPARE(headOf(path, u"production"_s), digests[0]);
        dialog->close();
    }

    void confirmingMovesTheTagRecordsTheReasonAndMovesTheLane() {
        QString path;
        const QStringList digests = seed(&path);
        QCOMPARE(digests.size(), 3);
        const auto window = openWindow(path);
        QVERIFY(window);
        QCOMPARE(laneDigest(*window, u"production"_s), digests[0]);
        QPointer<ui::PromoteDialog> dialog =
            window->releaseActions()->promote(digests[1], u"production"_s);
        QVERIFY(dialog);
        QSignalSpy finished(dialog.data(), &ui::PromoteDialog::releaseFinished);
        // The lane as the run ends: drawn from the verified result, before any new read.
        QString laneWhenVerified;
        connect(dialog.data(), &ui::PromoteDialog::releaseFinished, this,
                [&] { laneWhenVerified = laneDigest(*window, u"production"_s); });
        QVERIFY(confirm(dialog, u"QA signed off on 1.1"_s));
        QCOMPARE(laneWhenVerified, digests[1]);
        QVERIFY2(dialog->result()->ok(), qPrintable(dialog->result()->errorMessage()));
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.first().first().toBool(), true);
        QVERIFY(dialog->isVisible()); // the result stays on screen until closed
        QVERIFY(dialog->findChild<QLabel*>(u"resultLabel"_s)
                    ->text()
                    .contains(shortDigestOf(digests[1])));
        QVERIFY(dialog->findChild<QListWidget*>(u"stepList"_s)->count() >= 3);

        QCOMPARE(headOf(path, u"production"_s), digests[1]);
        const auto actions = storeOf(*window)->actions();
        QVERIFY(actions.ok());
        QCOMPARE(actions->size(), 1);
        QCOMPARE(actions->first().reason, u"QA signed off on 1.1"_s);
        QCOMPARE(actions->first().state, ActionState::Succeeded);
        QCOMPARE(actions->first().fromDigest, digests[0]);
        QCOMPARE(actions->first().toDigest, digests[1]);

        // The window reads the repository again by itself; the lane follows the tag.
        QTRY_COMPARE_WITH_TIMEOUT(laneDigest(*window, u"production"_s), digests[1], 30000);
        dialog->findChild<QPushButton*>(u"closeButton"_s)->click();
        QTRY_VERIFY(dialog.isNull()); // closed and deleted

        // The audit log shows the row, and its filters narrow it.
        window->findChild<QAction*>(u"auditLogAction"_s)->trigger();
        auto* audit = window->findChild<ui::AuditLogDialog*>(u"auditLogDialog"_s);
        QVERIFY(audit);
        // Read where the history lives, so it arrives after the dialog opened.
        QTRY_COMPARE_WITH_TIMEOUT(audit->filterModel()->rowCount(), 1, 30000);
        QCOMPARE(audit->filterModel()->index(0, 0).data(AuditLogModel::ReasonRole).toString(),
                 u"QA signed off on 1.1"_s);
        QTest::keyClicks(audit->findChild<QLineEdit*>(u"auditTextFilter"_s), u"rollback"_s);
        QCOMPARE(audit->filterModel()->rowCount(), 0);
        audit->close();
    }

    void rollbackFromTheLaneGoesBackSkippingBadBuilds_data() {
        QTest::addColumn<bool>("markMiddleBad");
        QTest::newRow("previous position") << false;
        QTest::newRow("previous position marked bad") << true;
    }

    void rollbackFromTheLaneGoesBackSkippingBadBuilds() {
        QFETCH(bool, markMiddleBad);
        QString path;
        const QStringList digests = seed(&path);
        QCOMPARE(digests.size(), 3);
        const auto window = openWindow(path);
        QVERIFY(window);
        // production: v1.0.0, then v1.1.0, then v1.2.0.
        for (int to : {1, 2}) {
            ui::PromoteDialog* dialog =
                window->releaseActions()->promote(digests[to], u"production"_s);
            QVERIFY(dialog);
            QVERIFY(confirm(dialog));
            QVERIFY2(dialog->result()->ok(), qPrintable(dialog->result()->errorMessage()));
            dialog->close();
            QTRY_COMPARE_WITH_TIMEOUT(laneDigest(*window, u"production"_s), digests[to], 30000);
        }
        if (markMiddleBad)
            QVERIFY(markAndWait(*window, digests[1], u"production"_s, u"broken"_s));
        const int expected = markMiddleBad ? 0 : 1;

        auto* button = window->findChild<QToolButton*>(u"rollback-production"_s);
        QVERIFY(button);
        button->click();
        // The promote dialogs closed above may not be deleted yet: take the rollback's.
        ui::PromoteDialog* dialog = nullptr;
        for (ui::PromoteDialog* candidate : window->findChildren<ui::PromoteDialog*>()) {
            if (candidate->request().kind == ActionKind::Rollback)
                dialog = candidate;
        }
        QVERIFY(dialog);
        QCOMPARE(dialog->from().digest, digests[2]);
        QCOMPARE(dialog->to().digest, digests[expected]);
        QVERIFY(confirm(dialog, u"checkout broken"_s));
        QVERIFY2(dialog->result()->ok(), qPrintable(dialog->result()->errorMessage()));
        QCOMPARE(headOf(path, u"production"_s), digests[expected]);
        QTRY_COMPARE_WITH_TIMEOUT(laneDigest(*window, u"production"_s), digests[expected], 30000);

        const auto actions = storeOf(*window)->actions();
        QVERIFY(actions.ok());
        QCOMPARE(actions->first().kind, ActionKind::Rollback);
        QCOMPARE(actions->first().reason, u"checkout broken"_s);
        if (markMiddleBad) {
            QCOMPARE(actions->at(1).kind, ActionKind::MarkBad);
            QCOMPARE(actions->at(1).state, ActionState::Succeeded);
            QCOMPARE(actions->at(1).toDigest, digests[1]);
        }
        dialog->close();
    }

    void rollbackWithoutHistoryAsksForABuild() {
        QString path;
        const QStringList digests = seed(&path);
        QCOMPARE(digests.size(), 3);
        const auto window = openWindow(path);
        QVERIFY(window);
        QSignalSpy pick(window->releaseActions(), &ui::ReleaseActions::pickBuildRequested);
        QVERIFY(!window->releaseActions()->rollback(u"production"_s));
        QCOMPARE(pick.count(), 1);
        auto* banner = window->findChild<ui::ErrorBanner*>(u"errorBanner"_s);
        QVERIFY(banner->isVisible());
        QVERIFY2(banner->text().contains(u"Pick a build"_s), qPrintable(banner->text()));
        QVERIFY(!window->findChild<ui::PromoteDialog*>());
    }

    void aTagMovedMeanwhileIsRefused() {
        QString path;
        const QStringList digests = seed(&path);
        QCOMPARE(digests.size(), 3);
        const auto window = openWindow(path);
        QVERIFY(window);
        ui::PromoteDialog* dialog = window->releaseActions()->promote(digests[1], u"production"_s);
        QVERIFY(dialog);
        // Someone else moves production while the dialog is open.
        QVERIFY(moveBehindTheWindow(path, u"production"_s, digests[2]));

        QVERIFY(confirm(dialog));
        QVERIFY(!dialog->result()->ok());
        QCOMPARE(dialog->result()->error().outcome, Outcome::Refused);
        QVERIFY(dialog->findChild<QLabel*>(u"resultLabel"_s)->text().startsWith(u"Refused"_s));
        // The bar shows how far the run got and says it was refused; it is not full.
        auto* progress = dialog->findChild<QProgressBar*>(u"releaseProgress"_s);
        QVERIFY(progress->value() > 0);
        QVERIFY2(progress->value() < progress->maximum(),
                 qPrintable(u"%1 of %2"_s.arg(progress->value()).arg(progress->maximum())));
        QCOMPARE(progress->text(), u"Refused"_s);
        QCOMPARE(headOf(path, u"production"_s), digests[2]);
        // The window reads again, so the lane shows where production really is.
        QTRY_COMPARE_WITH_TIMEOUT(laneDigest(*window, u"production"_s), digests[2], 30000);
        dialog->close();
    }

    void theMenusListTheRepositorysEnvironments() {
        QString path;
        const QStringList digests = seed(&path);
        QCOMPARE(digests.size(), 3);
        const auto window = openWindow(path);
        QVERIFY(window);
        ui::ReleaseActions* actions = window->releaseActions();
        // Not a fixed list in which prod sits next to production: the lanes' order.
        QStringList lanes;
        for (const EnvironmentLane& lane : window->timelineModel()->lanes())
            lanes.append(lane.tag);
        QCOMPARE(QSet<QString>(lanes.cbegin(), lanes.cend()),
                 (QSet<QString>{u"production"_s, u"staging"_s}));
        QCOMPARE(actions->environmentChoices(), lanes);
        // A policy's names join after them, once each.
        actions->setPolicyEnvironments({u"staging"_s, u"canary"_s});
        QCOMPARE(actions->environmentChoices(), lanes + QStringList{u"canary"_s});
        QMenu menu;
        actions->fillBuildMenu(&menu, digests[2]);
        QVERIFY(menu.findChild<QAction*>(u"markBad-canary"_s));
        QVERIFY(!menu.findChild<QAction*>(u"markBad-prod"_s));
        QVERIFY(!menu.findChild<QAction*>(u"promote-dev"_s));
        // A misspelt environment is refused, and nothing is stored.
        QVERIFY(!actions->mark(digests[2], u"prodution"_s, VerdictKind::Bad).ok());
        QCOMPARE(storeOf(*window)->verdicts(m_server->hostPort(), path)->size(), 0);
    }

    void aBadBuildWaitsForAnAcknowledgement() {
        QString path;
        const QStringList digests = seed(&path);
        QCOMPARE(digests.size(), 3);
        const auto window = openWindow(path);
        QVERIFY(window);
        QVERIFY(markAndWait(*window, digests[1], u"production"_s, u"500s on checkout"_s));
        ui::PromoteDialog* dialog = window->releaseActions()->promote(digests[1], u"production"_s);
        QVERIFY(dialog);
        QVERIFY(dialog->plan().needsAcknowledgement());
        auto* notes = dialog->findChild<QLabel*>(u"planNotes"_s);
        QVERIFY2(notes->text().contains(u"500s on checkout"_s), qPrintable(notes->text()));
        auto* acknowledge = dialog->findChild<QCheckBox*>(u"acknowledgeCheck"_s);
        QVERIFY(acknowledge && acknowledge->isVisible());
        auto* button = dialog->findChild<QPushButton*>(u"confirmButton"_s);
        // Armed, but waiting for the checkbox.
        QTest::qWait(ui::PromoteDialog::kArmDelayMs + 200);
        QVERIFY(!button->isEnabled());
        acknowledge->click();
        QVERIFY(confirm(dialog, u"the fix was in config"_s));
        QVERIFY2(dialog->result()->ok(), qPrintable(dialog->result()->errorMessage()));
        QCOMPARE(headOf(path, u"production"_s), digests[1]);
        dialog->close();
    }

    void rollBackAndMarkBadIsOneAction() {
        QString path;
        const QStringList digests = seed(&path);
        QCOMPARE(digests.size(), 3);
        const auto window = openWindow(path);
        QVERIFY(window);
        for (int to : {1, 2}) {
            ui::PromoteDialog* dialog =
                window->releaseActions()->promote(digests[to], u"production"_s);
            QVERIFY(dialog);
            QVERIFY(confirm(dialog));
            QVERIFY2(dialog->result()->ok(), qPrintable(dialog->result()->errorMessage()));
            dialog->close();
            QTRY_COMPARE_WITH_TIMEOUT(laneDigest(*window, u"production"_s), digests[to], 30000);
        }
        // Through the lane's Roll back menu, as on-call would.
        auto* action = window->findChild<QAction*>(u"rollbackMarkBad-production"_s);
        QVERIFY(action);
        action->trigger();
        // The promotions' dialogs above are closed; the one this opened is visible.
        const auto openDialog = [&window]() -> ui::PromoteDialog* {
            for (ui::PromoteDialog* shown : window->findChildren<ui::PromoteDialog*>()) {
                if (shown->isVisible())
                    return shown;
            }
            return nullptr;
        };
        ui::PromoteDialog* dialog = nullptr;
        QTRY_VERIFY((dialog = openDialog()) != nullptr);
        auto* markBad = dialog->findChild<QCheckBox*>(u"markBadCheck"_s);
        QVERIFY(markBad && markBad->isVisible() && markBad->isChecked());
        QCOMPARE(dialog->to().digest, digests[1]);
        QVERIFY(confirm(dialog, u"checkout 500s"_s));
        QVERIFY2(dialog->result()->ok(), qPrintable(dialog->result()->errorMessage()));
        QCOMPARE(headOf(path, u"production"_s), digests[1]);
        const auto actions = storeOf(*window)->actions();
        QVERIFY(actions.ok());
        QCOMPARE(actions->at(0).kind, ActionKind::Rollback);
        QCOMPARE(actions->at(1).kind, ActionKind::MarkBad);
        QCOMPARE(actions->at(1).toDigest, digests[2]);
        QCOMPARE(actions->at(1).reason, u"checkout 500s"_s);
        const auto verdicts = storeOf(*window)->verdicts(m_server->hostPort(), path);
        QVERIFY(verdicts.ok());
        QCOMPARE(verdicts->size(), 1);
        QCOMPARE(verdicts->first().digest, digests[2]);
        dialog->close();
    }

    void promoteInAViewWhoseLoadFailedIsRefused() {
        QString path;
        const QStringList digests = seed(&path);
        QCOMPARE(digests.size(), 3);
        const auto window = openWindow(path);
        QVERIFY(window);
        QSignalSpy failed(window->loader(), &RepositoryLoader::failed);
        window->openRepository(m_server->hostPort() + u"/acme/never-pushed"_s);
        QVERIFY(failed.wait(60000) || !failed.isEmpty());
        // The timeline may still show the previous repository: nothing acts on it.
        QVERIFY(!window->releaseActions()->promote(digests[1], u"production"_s));
        QVERIFY(!window->releaseActions()->rollback(u"production"_s));
        QVERIFY(
            !window->releaseActions()->mark(digests[1], u"production"_s, VerdictKind::Bad).ok());
        auto* banner = window->findChild<ui::ErrorBanner*>(u"errorBanner"_s);
        QVERIFY2(banner->text().contains(u"nothing was changed"_s), qPrintable(banner->text()));
        QVERIFY(!window->findChild<ui::PromoteDialog*>());
        QCOMPARE(headOf(path, u"production"_s), digests[0]);
        QCOMPARE(storeOf(*window)->verdicts(m_server->hostPort(), path)->size(), 0);
    }

    void anActionActsOnTheRepositoryItWasOfferedFor() {
        QString first;
        const QStringList digests = seed(&first);
        QString second;
        const QStringList others = seed(&second);
        QCOMPARE(others.size(), 3);
        const auto window = openWindow(first);
        QVERIFY(window);
        // A build menu and a promote dialog for the first repository...
        QMenu menu;
        window->releaseActions()->fillBuildMenu(&menu, digests[2]);
        QPointer<ui::PromoteDialog> dialog =
            window->releaseActions()->promote(digests[1], u"production"_s);
        QVERIFY(dialog);
        // ...then the window switches to the second one.
        QSignalSpy finished(window->loader(), &RepositoryLoader::finished);
        window->openRepository(m_server->hostPort() + u'/' + second);
        QVERIFY(finished.wait(60000));
        QCOMPARE(window->timelineModel()->repository(), m_server->hostPort() + u'/' + second);

        auto* markBad = menu.findChild<QAction*>(u"markBad-production"_s);
        QVERIFY(markBad);
        QSignalSpy recorded(window->releaseActions(), &ui::ReleaseActions::verdictRecorded);
        markBad->trigger();
        QVERIFY(recorded.wait(30000));
        const auto store = storeOf(*window);
        QVERIFY(store);
        QCOMPARE(store->verdicts(m_server->hostPort(), first)->size(), 1);
        QCOMPARE(store->verdicts(m_server->hostPort(), first)->first().digest, digests[2]);
        QCOMPARE(store->verdicts(m_server->hostPort(), second)->size(), 0);

        QVERIFY(confirm(dialog));
        QVERIFY2(dialog->result()->ok(), qPrintable(dialog->result()->errorMessage()));
        QCOMPARE(headOf(first, u"production"_s), digests[1]);
        QCOMPARE(headOf(second, u"production"_s), others[0]);
        dialog->close();
    }

    void commitsGainedAndLostComeFromTheClone_data() {
        QTest::addColumn<int>("from");
        QTest::addColumn<int>("to");
        QTest::addColumn<QStringList>("gained");
        QTest::addColumn<QStringList>("lost");
        QTest::newRow("promote forward")
            << 1 << 3 << QStringList{u"Add d"_s, u"Add c"_s} << QStringList{};
        QTest::newRow("roll back")
            << 3 << 0 << QStringList{} << QStringList{u"Add d"_s, u"Add c"_s, u"Add b"_s};
    }

    void commitsGainedAndLostComeFromTheClone() {
        QFETCH(int, from);
        QFETCH(int, to);
        QFETCH(QStringList, gained);
        QFETCH(QStringList, lost);
        const QString clone =
            m_dir.filePath(u"clone-%1"_s.arg(QString::fromUtf8(QTest::currentDataTag())));
        const QStringList ids = makeClone(clone);
        QCOMPARE(ids.size(), 4);
        ReleaseRequest request;
        request.registry = u"127.0.0.1:5000"_s;
        request.repository = u"acme/app"_s;
        request.tag = u"production"_s;
        const QString digestA = u"sha256:"_s + QString(64, u'a');
        const QString digestB = u"sha256:"_s + QString(64, u'b');
        ReleasePlan plan;
        plan.registry = request.registry;
        plan.repository = request.repository;
        plan.tag = request.tag;
        plan.from = {digestA, {u"v1"_s}, {}, ids.at(from), {}};
        plan.to = {digestB, {u"v2"_s}, {}, ids.at(to), {}};
        ui::PromoteDialog dialog(request, plan);
        dialog.setGitClone(clone);
        const auto summaries = [&dialog](const QString& name) {
            QStringList shown;
            auto* list = dialog.findChild<QTreeWidget*>(name);
            for (int row = 0; row < list->topLevelItemCount(); ++row)
                shown.append(list->topLevelItem(row)->text(1));
            return shown;
        };
        auto* status = dialog.findChild<QLabel*>(u"commitStatus"_s);
        QTRY_VERIFY2(status->text().contains(u"gains"_s), qPrintable(status->text()));
        QCOMPARE(summaries(u"commitsGained"_s), gained);
        QCOMPARE(summaries(u"commitsLost"_s), lost);
        // The commit summaries join each side once the clone answered.
        QVERIFY(
            dialog.findChild<QLabel*>(u"toLabel"_s)->text().contains(u"Add "_s + QChar(u'a' + to)));
    }
};

BERTH_WIDGET_TEST_MAIN(TestPromoteDialog)
#include "tst_promotedialog.moc"
