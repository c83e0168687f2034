// The release board in the window, against a real docker-registry on loopback and a real
// SQLite history: a project of twenty services shows one row each, filters by name and by
// "staging ≠ production", opens a row's timeline, and ships a release train from the
// chosen rows. One service moved by another tool between the plan and the confirmation is
// refused on its row while the others move; the train is rolled back from the dialog; the
// audit records both trains. Each linked clone's berth.toml places its row's stages among
// the columns, and a malformed one is named in the banner. QAbstractItemModelTester watches the
// board's models throughout.

#include "AsyncWait.h"
#include "GitSandbox.h"
#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "WidgetTestMain.h"

#include "BoardActions.h"
#include "BoardPage.h"
#include "ErrorBanner.h"
#include "MainWindow.h"
#include "ProjectList.h"
#include "TrainDialog.h"
#include "board/BoardFilterModel.h"
#include "board/BoardLoader.h"
#include "board/BoardModel.h"
#include "git/CloneSettings.h"
#include "git/GitLibrary.h"
#include "history/HistoryStore.h"
#include "registry/RegistryClient.h"
#include "timeline/RepositoryLoader.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QDir>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <QTreeWidget>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

constexpr int kServices = 20;

QJsonArray releaseImages(const QString& service, bool released) {
    // Every fourth service already runs staging's build in production.
    return {RegistrySeeder::image(released ? QStringList{u"v1.0.0"_s}
                                           : QStringList{u"v1.0.0"_s, u"production"_s},
                                  service + u"-1"_s),
            RegistrySeeder::image({u"v1.0.1"_s}, service + u"-hotfix"_s),
            RegistrySeeder::image(released ? QStringList{u"v1.1.0"_s, u"staging"_s, u"production"_s}
                                           : QStringList{u"v1.1.0"_s, u"staging"_s},
                                  service + u"-2"_s)};
}

} // namespace

class TestBoardPage : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    bool m_isolated = [this] {
        GitSandbox(m_dir.path()).isolateThisProcess();
        return true;
    }();
    GitLibrary m_git;
    std::unique_ptr<RegistryServer> m_server;
    std::unique_ptr<ui::MainWindow> m_window;

    QString service(int i) const {
        return m_server->hostPort() + u"/shop/service-%1"_s.arg(i, 2, 10, QChar(u'0'));
    }

    ui::BoardPage* page() const { return m_window->boardPage(); }

    QString headOf(const QString& repository, const QString& tag) {
        RegistryClient client(m_server->hostPort());
        const auto head =
            waitForResult<ManifestHead>([&](QObject* context, Callback<ManifestHead> done) {
                client.headManifest(repository.section(u'/', 1), tag, context, done);
            });
        return head && head->ok() ? head->value().digest : QString();
    }

    bool waitUntilIdle() {
        return QTest::qWaitFor([this] { return !page()->isBusy(); }, 60000);
    }

    // Selects the board rows of `repositories` (host/path).
    void selectRows(const QStringList& repositories) {
        QTableView* view = page()->view();
        view->clearSelection();
        for (int row = 0; row < view->model()->rowCount(); ++row) {
            const QModelIndex index = view->model()->index(row, 0);
            if (repositories.contains(index.data(BoardModel::RepositoryRole).toString()))
                view->selectionModel()->select(index, QItemSelectionModel::Select |
                                                          QItemSelectionModel::Rows);
        }
    }

    // Answers the next question box with Yes, once it is up.
    static void acceptNextQuestion() {
        auto* poll = new QTimer(qApp);
        poll->setInterval(50);
        QObject::connect(poll, &QTimer::timeout, poll, [poll] {
            for (QWidget* widget : QApplication::topLevelWidgets()) {
                if (auto* box = qobject_cast<QMessageBox*>(widget); box && box->isVisible()) {
                    box->button(QMessageBox::Yes)->click();
                    poll->deleteLater();
                    return;
                }
            }
        });
        poll->start();
    }

private slots:
    void initTestCase() {
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(u"config"_s).toUtf8());
        const QString missing = RegistryServer::unavailableReason({});
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        m_server = std::make_unique<RegistryServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        for (int i = 1; i <= kServices; ++i) {
            const QString path = service(i).section(u'/', 1);
            QVERIFY(
                RegistrySeeder::seedRepository(*m_server, path, releaseImages(path, i % 4 == 0)));
        }
        m_window = std::make_unique<ui::MainWindow>();
        m_window->setSettingsPersistent(false);
        m_window->loader()->setHistoryLocation(m_dir.filePath(u"history.sqlite"_s));
        m_window->resize(1300, 800);
        m_window->show();
    }

    void cleanupTestCase() {
        m_window.reset();
        m_server.reset();
    }

    void showsAProjectOneRowPerService() {
        QAbstractItemModelTester boardTester(
            page()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester filterTester(
            page()->filterModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        const Result<Project> project =
            Project::fromText(u"shop"_s, m_server->hostPort() + u"/shop/"_s);
        QVERIFY(project.ok());
        m_window->openProject(project.value());
        QVERIFY(m_window->isShowingBoard());
        QVERIFY(waitUntilIdle());
        BoardModel* model = page()->model();
        QCOMPARE(model->rowCount(), kServices);
        QCOMPARE(model->environments(), (QStringList{u"dev"_s, u"staging"_s, u"production"_s}));
        const int first = model->rowOf(service(1));
        QCOMPARE(model->index(first, 0).data().toString(), u"shop/service-01"_s);
        QCOMPARE(model->index(first, 3).data(BoardModel::VersionRole).toString(), u"v1.0.0"_s);
        QVERIFY(model->index(first, 3).data(Qt::ToolTipRole).toString().contains(u"v1.0.0"_s));

        page()->filterField()->setText(u"service-1"_s); // 10 to 19
        QCOMPARE(page()->filterModel()->rowCount(), 10);
        page()->filterField()->clear();
        QVERIFY(page()->differsBox()->isEnabled());
        page()->differsBox()->setChecked(true);
        QCOMPARE(page()->filterModel()->rowCount(), kServices - kServices / 4);
        page()->differsBox()->setChecked(false);
        QCOMPARE(page()->filterModel()->rowCount(), kServices);

        // A row opens that repository's timeline.
        QSignalSpy loaded(m_window->loader(), &RepositoryLoader::finished);
        emit page()->view()->activated(page()->filterModel()->index(0, 0));
        QVERIFY(loaded.wait(60000));
        QVERIFY(!m_window->isShowingBoard());
        QCOMPARE(m_window->currentRepository(), service(1));
        m_window->openProject(project.value());
        QVERIFY(waitUntilIdle());
    }

    void aLinkedCloneSaysWhatEachPromotionShips() {
        GitSandbox sandbox(m_dir.filePath(u"git"_s));
        QVERIFY(QDir().mkpath(sandbox.root()));
        const QString clone = sandbox.newRepository(u"linked"_s);
        const QString released = sandbox.commitFile(clone, u"a"_s, "1", u"Release 1.0"_s);
        sandbox.commitFile(clone, u"a"_s, "2", u"Fix rounding"_s);
        const QString next = sandbox.commitFile(clone, u"b"_s, "3", u"Add refunds"_s);
        QVERIFY2(!next.isEmpty(), qPrintable(sandbox.lastError()));
        auto labelled = [](const QStringList& tags, const QString& seed, const QString& revision) {
            QJsonObject image = RegistrySeeder::image(tags, seed);
            image.insert(u"labels"_s,
                         QJsonObject{{u"org.opencontainers.image.revision"_s, revision}});
            return image;
        };
        QVERIFY(RegistrySeeder::seedRepository(
            *m_server, u"team/linked"_s,
            {labelled({u"v1.0.0"_s, u"production"_s}, u"linked-1"_s, released),
             labelled({u"v1.1.0"_s, u"staging"_s}, u"linked-2"_s, next)}));
        const QString linked = m_server->hostPort() + u"/team/linked"_s;
        CloneSettings::setCloneFor(linked, clone);
        const auto unlink = qScopeGuard([&linked] { CloneSettings::setCloneFor(linked, {}); });

        m_window->openProject(Project::fromText(u"team"_s, linked).value());
        QVERIFY(waitUntilIdle());
        const int row = page()->model()->rowOf(linked);
        const QModelIndex production = page()->model()->index(row, 3);
        QCOMPARE(production.data(BoardModel::CommitsBehindRole).toInt(), 2);
        QVERIFY2(production.data(Qt::ToolTipRole).toString().contains(u"Add refunds"_s),
                 qPrintable(production.data(Qt::ToolTipRole).toString()));

        ui::TrainDialog* dialog = m_window->board()->openTrainDialog();
        QVERIFY(dialog);
        QSignalSpy planned(dialog, &ui::TrainDialog::planned);
        QVERIFY(planned.wait(60000));
        QTreeWidgetItem* service = dialog->plan()->topLevelItem(0);
        QTRY_VERIFY_WITH_TIMEOUT(service->childCount() > 0, 30000);
        QTreeWidgetItem* ships = service->child(service->childCount() - 1);
        QCOMPARE(ships->text(1), u"ships 2 commit(s)"_s);
        QCOMPARE(ships->childCount(), 2);
        QCOMPARE(ships->child(0)->text(1), next.left(7) + u" Add refunds"_s);
        dialog->close();
        m_window->openProject(
            Project::fromText(u"shop"_s, m_server->hostPort() + u"/shop/"_s).value());
        QVERIFY(waitUntilIdle());
    }

    void eachLinkedClonesPolicyPlacesItsStages() {
        GitSandbox sandbox(m_dir.filePath(u"policies"_s));
        QVERIFY(QDir().mkpath(sandbox.root()));
        const QString ordered = sandbox.newRepository(u"ordered"_s);
        QVERIFY2(!sandbox
                      .commitFile(ordered, u"berth.toml"_s,
                                  "[environments]\norder = [\"dev\", \"uat\", \"production\"]\n",
                                  u"Tag policy"_s)
                      .isEmpty(),
                 qPrintable(sandbox.lastError()));
        const QString malformed = sandbox.newRepository(u"malformed"_s);
        QVERIFY(!sandbox
                     .commitFile(malformed, u"berth.toml"_s, "[environments]\nodrer = 1\n",
                                 u"Tag policy"_s)
                     .isEmpty());
        QVERIFY(RegistrySeeder::seedRepository(
            *m_server, u"uat/api"_s,
            {RegistrySeeder::image({u"v2.0.0"_s, u"production"_s}, u"uat-1"_s),
             RegistrySeeder::image({u"v2.1.0"_s, u"uat"_s}, u"uat-2"_s)}));
        const QString api = m_server->hostPort() + u"/uat/api"_s;
        const QString plain = service(1);
        const QString broken = service(2);
        CloneSettings::setCloneFor(api, ordered);
        CloneSettings::setCloneFor(broken, malformed);
        const auto unlink = qScopeGuard([&] {
            CloneSettings::setCloneFor(api, {});
            CloneSettings::setCloneFor(broken, {});
        });

        m_window->openProject(
            Project::fromText(u"uat"_s, QStringList{api, plain, broken}.join(u' ')).value());
        QVERIFY(waitUntilIdle());
        BoardModel* model = page()->model();
        QCOMPARE(model->environments(),
                 (QStringList{u"dev"_s, u"uat"_s, u"staging"_s, u"production"_s}));
        const int row = model->rowOf(api);
        QCOMPARE(model->index(row, 2).data(BoardModel::VersionRole).toString(), u"v2.1.0"_s);
        QVERIFY2(model->index(row, 4).data().toString().contains(u"not seen in uat"_s),
                 qPrintable(model->index(row, 4).data().toString()));
        QVERIFY2(model->index(model->rowOf(plain), 4).data().toString().contains(u"staging"_s),
                 qPrintable(model->index(model->rowOf(plain), 4).data().toString()));
        // The train ships the board's last two stages.
        QCOMPARE(page()->trainFrom(), u"staging"_s);
        QCOMPARE(page()->trainTo(), u"production"_s);
        auto* banner = m_window->findChild<ui::ErrorBanner*>(u"errorBanner"_s);
        QVERIFY(banner);
        QTRY_VERIFY2(banner->text().contains(broken + u": berth.toml:2:1"_s),
                     qPrintable(banner->text()));

        m_window->openProject(
            Project::fromText(u"shop"_s, m_server->hostPort() + u"/shop/"_s).value());
        QVERIFY(waitUntilIdle());
        QCOMPARE(page()->model()->environments(),
                 (QStringList{u"dev"_s, u"staging"_s, u"production"_s}));
    }

    void aTrainRefusesTheServiceMovedMeanwhileAndRollsBack() {
        const QStringList train{service(1), service(2), service(3)};
        const QString before = headOf(service(1), u"production"_s);
        selectRows(train);
        QCOMPARE(page()->trainServices(), train);
        ui::TrainDialog* dialog = m_window->board()->openTrainDialog();
        QVERIFY(dialog);
        QSignalSpy planned(dialog, &ui::TrainDialog::planned);
        QVERIFY(planned.wait(60000));
        QCOMPARE(dialog->plan()->topLevelItemCount(), 3);
        QCOMPARE(dialog->plan()->topLevelItem(0)->text(1),
                 u"v1.0.0 (%1)"_s.arg(before.left(19) + u'…'));
        QVERIFY(dialog->confirmButton()->isEnabled());

        // While the release manager reads the plan, another tool ships a hotfix to service-02.
        QVERIFY(RegistrySeeder::seedRepository(
            *m_server, u"shop/service-02"_s,
            {RegistrySeeder::image({u"v1.0.1"_s, u"production"_s}, u"shop/service-02-hotfix"_s)}));
        const QString hotfix = headOf(service(2), u"production"_s);

        QSignalSpy finished(dialog, &ui::TrainDialog::trainFinished);
        dialog->reasonField()->setText(u"release 42"_s);
        dialog->confirmButton()->click();
        QVERIFY(finished.wait(60000));
        QVERIFY2(dialog->summary()->text().contains(u"2 moved, 1 refused, 0 failed"_s),
                 qPrintable(dialog->summary()->text()));
        QVERIFY(dialog->plan()->topLevelItem(1)->text(3).startsWith(u"refused"_s));
        const QString staging = headOf(service(1), u"staging"_s);
        QCOMPARE(headOf(service(1), u"production"_s), staging);
        QCOMPARE(headOf(service(3), u"production"_s), headOf(service(3), u"staging"_s));
        QCOMPARE(headOf(service(2), u"production"_s), hotfix); // the hotfix stands
        const qint64 trainId = dialog->trainId();

        // The audit: one train, a row per service, the refused one saying so.
        {
            HistoryStore store;
            QVERIFY(store.open(m_window->loader()->historyLocation()).ok());
            const auto actions = store.actionsOfTrain(trainId);
            QVERIFY(actions.ok());
            QCOMPARE(actions->size(), 3);
            int refused = 0;
            for (const Action& action : actions.value()) {
                QCOMPARE(action.reason, u"release 42"_s);
                refused += isRefusedAction(action) ? 1 : 0;
            }
            QCOMPARE(refused, 1);
        }

        // Rolled back from the dialog: the two it moved go back where it found them.
        QVERIFY(dialog->rollbackButton()->isEnabled());
        acceptNextQuestion();
        dialog->rollbackButton()->click();
        QVERIFY(finished.wait(60000));
        QVERIFY2(dialog->summary()->text().contains(u"2 moved, 0 refused, 0 failed"_s),
                 qPrintable(dialog->summary()->text()));
        QCOMPARE(headOf(service(1), u"production"_s), before);
        QCOMPARE(headOf(service(2), u"production"_s), hotfix);
        QVERIFY(!dialog->rollbackButton()->isEnabled());
        HistoryStore store;
        QVERIFY(store.open(m_window->loader()->historyLocation()).ok());
        const auto trains = store.trains();
        QVERIFY(trains.ok());
        QCOMPARE(trains->size(), 2);
        QCOMPARE(trains->first().rollsBack, trainId);
        dialog->close();
        QVERIFY(waitUntilIdle()); // the board refreshed after each train
    }
};

BERTH_WIDGET_TEST_MAIN(TestBoardPage)
#include "tst_boardpage.moc"
