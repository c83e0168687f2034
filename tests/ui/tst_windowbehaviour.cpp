// What the window does around the timeline, offscreen against a real docker-registry and a
// misbehaving one on loopback: switching repositories, the error banner, the sidebar's
// list in the settings, the first window's size, the filter's shortcut and empty result,
// copy confirmations, the --git clone's scope and verdicts on screen.

#include "HostileFixtures.h"
#include "HostileRegistry.h"
#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "WidgetTestMain.h"
#include "WindowTestSupport.h"

#include "DetailsPanel.h"
#include "EnvironmentLanes.h"
#include "ErrorBanner.h"
#include "GitLink.h"
#include "MainWindow.h"
#include "RegistrySidebar.h"
#include "ReleaseActions.h"
#include "TimelineView.h"

#include "git/CloneSettings.h"
#include "git/GitLibrary.h"
#include "timeline/RepositoryListModel.h"
#include "timeline/RepositoryLoader.h"
#include "timeline/TimelineModel.h"

#include <QHelpEvent>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QProcess>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolButton>
#include <QToolTip>
#include <QTreeView>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

const QString kPath = u"acme/payment-api"_s;

QJsonObject image(const QStringList& tags, const QString& created, const QString& seed) {
    return QJsonObject{{u"tags"_s, QJsonArray::fromStringList(tags)},
                       {u"format"_s, u"oci"_s},
                       {u"created"_s, created},
                       {u"platforms"_s, QJsonArray{u"linux/amd64"_s}},
                       {u"layerSeed"_s, seed}};
}

QJsonObject releaseSpec() {
    QJsonArray images;
    images.append(image({u"v1.0.0"_s}, u"2026-01-02T03:04:05Z"_s, u"one"_s));
    images.append(image({u"v1.1.0"_s, u"staging"_s}, u"2026-02-03T04:05:06Z"_s, u"two"_s));
    images.append(image({u"v1.2.0"_s, u"production"_s}, u"2026-03-04T05:06:07Z"_s, u"three"_s));
    return QJsonObject{{u"repository"_s, kPath}, {u"images"_s, images}};
}

// A registry address where nothing listens: connections are refused.
QString deadRepository() {
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost))
        return {};
    return u"127.0.0.1:%1/acme/gone"_s.arg(probe.serverPort());
}

// The repositories (host/path) the settings keep.
QStringList savedRepositories() {
    QSettings settings;
    QStringList saved;
    const int count = settings.beginReadArray(u"registries"_s);
    for (int i = 0; i < count; ++i) {
        settings.setArrayIndex(i);
        const QString domain = settings.value(u"domain"_s).toString();
        for (const QString& path : settings.value(u"repositories"_s).toStringList())
            saved.append(domain + u'/' + path);
    }
    settings.endArray();
    return saved;
}

QStringList savedDomains() {
    QSettings settings;
    QStringList saved;
    const int count = settings.beginReadArray(u"registries"_s);
    for (int i = 0; i < count; ++i) {
        settings.setArrayIndex(i);
        saved.append(settings.value(u"domain"_s).toString());
    }
    settings.endArray();
    return saved;
}

} // namespace

class TestWindowBehaviour : public QObject {
    Q_OBJECT

private:
    GitLibrary m_git; // libgit2 initialised, as berth's main does
    std::unique_ptr<RegistryServer> m_server;
    QStringList m_digests; // as seeded: v1.0.0, v1.1.0, v1.2.0
    QTemporaryDir m_dir;

    QString repository() const { return m_server->hostPort() + u'/' + kPath; }

    std::unique_ptr<ui::MainWindow> makeWindow(QSize size = QSize(1300, 850)) {
        static int count = 0;
        return openWindow(m_dir.filePath(u"history-%1.sqlite"_s.arg(++count)), size);
    }

    static ui::TimelineView* view(const ui::MainWindow& window) {
        return window.findChild<ui::TimelineView*>(u"timeline"_s);
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                           m_dir.filePath(u"config"_s));
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath(u"config"_s));
        const RegistryServer::Options options;
        const QString missing = RegistryServer::unavailableReason(options);
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        m_server = std::make_unique<RegistryServer>(options);
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        QString error;
        const QJsonObject seeded = RegistrySeeder::seed(*m_server, releaseSpec(), &error);
        QVERIFY2(!seeded.isEmpty(), qPrintable(error));
        for (const QJsonValue& value : seeded.value(u"images"_s).toArray())
            m_digests.append(value.toObject().value(u"digest"_s).toString());
        QCOMPARE(m_digests.size(), 3);
    }

    void init() { QSettings().clear(); }

    void cleanupTestCase() { m_server.reset(); }

    // Opening another repository takes the previous one's builds, lanes (with their
    // Roll back buttons) and details off the screen before the new one answers, and a
    // failed read leaves them off.
    void switchingRepositoriesClearsThePreviousOneAtOnce() {
        const auto window = makeWindow();
        QVERIFY(load(*window, repository()));
        auto* lanes = window->findChild<ui::EnvironmentLanes*>();
        QCOMPARE(view(*window)->model()->rowCount(), 3);
        QCOMPARE(lanes->laneCount(), 2);
        auto* digest = window->findChild<QLineEdit*>(u"digestField"_s);
        QVERIFY(!digest->text().isEmpty());

        const QString dead = deadRepository();
        QSignalSpy finished(window->loader(), &RepositoryLoader::finished);
        QSignalSpy failed(window->loader(), &RepositoryLoader::failed);
        window->openRepository(dead);
        const auto nothingOfTheOldOne = [&] {
            QCOMPARE(view(*window)->model()->rowCount(), 0);
            QCOMPARE(window->timelineModel()->repository(), QString());
            QCOMPARE(lanes->laneCount(), 0);
            QVERIFY(lanes->isHidden());
            QVERIFY(window->findChildren<QToolButton*>(u"rollback-production"_s).isEmpty());
            QVERIFY(digest->text().isEmpty());
        };
        nothingOfTheOldOne();
        QVERIFY(finished.count() > 0 || finished.wait(60000));
        QCOMPARE(failed.count(), 1);
        nothingOfTheOldOne();
        if (QTest::currentTestFailed())
            return;
        // Back to the first: it is shown again.
        QVERIFY(load(*window, repository()));
        QCOMPARE(view(*window)->model()->rowCount(), 3);
    }

    // A registry's error page is one line of plain text in the banner, with the HTTP
    // status said once and the whole text in the tooltip, and it never widens the window.
    void registryErrorBodyIsOneLineOfPlainText() {
        HostileRegistry hostile;
        QVERIFY(hostile.listen());
        HostileAnswer page;
        page.status = 403;
        page.body = "<html><head><title>403 Forbidden</title></head><body><h1>403 Forbidden</h1>"
                    "<p><b>Access</b> denied by policy " +
                    QByteArray(600, 'x') + "</p>\n<p>second paragraph</p></body></html>";
        page.headers.emplaceBack("Content-Type", "text/html");
        hostile.setAnswer("GET", TagsPath, page);

        const QSize size(1000, 700);
        const auto window = makeWindow(size);
        QSignalSpy failed(window->loader(), &RepositoryLoader::failed);
        QVERIFY(load(*window, hostile.hostPort() + u"/acme/app"_s));
        QCOMPARE(failed.count(), 1);
        auto* banner = window->banner();
        QVERIFY(banner->isVisible());
        const QString text = banner->text();
        QCOMPARE(text.count(u"HTTP 403"_s), 1);
        QVERIFY2(!text.contains(u'<'), qPrintable(text));
        QVERIFY2(text.contains(u"Forbidden"_s) && text.contains(u"Access denied"_s),
                 qPrintable(text));

        auto* label = banner->findChild<QLabel*>(u"errorBannerText"_s);
        QCOMPARE(label->textFormat(), Qt::PlainText);
        QCoreApplication::processEvents();
        QVERIFY2(!label->text().contains(u'\n'), qPrintable(label->text()));
        QVERIFY(QFontMetrics(label->font()).horizontalAdvance(label->text()) <=
                label->contentsRect().width());
        QCOMPARE(label->toolTip(), text);
        QCOMPARE(window->size(), size);
        QVERIFY2(window->minimumSizeHint().width() <= size.width(),
                 qPrintable(QString::number(window->minimumSizeHint().width())));
    }

    // The lanes and the rows stay where they are when a banner comes and goes.
    void aBannerDoesNotMoveTheLanes() {
        const auto window = makeWindow();
        QVERIFY(load(*window, repository()));
        auto* lanes = window->findChild<ui::EnvironmentLanes*>();
        QVERIFY(lanes->isVisible());
        window->banner()->hide();
        QCoreApplication::processEvents();
        const QRect lanesBefore(lanes->mapTo(window.get(), QPoint(0, 0)), lanes->size());
        const QPoint rowsBefore = view(*window)->mapTo(window.get(), QPoint(0, 0));

        window->banner()->showMessage(u"Something to read"_s, ui::ErrorBanner::Level::Warning);
        QTRY_VERIFY(window->banner()->isVisible());
        QCoreApplication::processEvents();
        QCOMPARE(QRect(lanes->mapTo(window.get(), QPoint(0, 0)), lanes->size()), lanesBefore);
        QCOMPARE(view(*window)->mapTo(window.get(), QPoint(0, 0)), rowsBefore);

        window->banner()->hide();
        QCoreApplication::processEvents();
        QCOMPARE(QRect(lanes->mapTo(window.get(), QPoint(0, 0)), lanes->size()), lanesBefore);
    }

    // From wherever the focus is: the timeline, the sidebar, the details' fields.
    void ctrlFFocusesTheBuildFilter_data() {
        QTest::addColumn<QString>("from");
        QTest::newRow("timeline") << u"timeline"_s;
        QTest::newRow("repository list") << u"repositoryTree"_s;
        QTest::newRow("repository filter") << u"repositoryFilter"_s;
        QTest::newRow("digest field") << u"digestField"_s;
    }

    void ctrlFFocusesTheBuildFilter() {
        QFETCH(QString, from);
        const auto window = makeWindow();
        QVERIFY(load(*window, repository()));
        window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window.get()));
        auto* start = window->findChild<QWidget*>(from);
        QVERIFY(start);
        start->setFocus();
        QTRY_VERIFY(start->hasFocus());
        QTest::keyClick(start, Qt::Key_F, Qt::ControlModifier);
        auto* filter = window->findChild<QLineEdit*>(u"timelineFilter"_s);
        QTRY_VERIFY(filter->hasFocus());
    }

    void anEmptyFilterResultSaysNoBuildsMatch() {
        const auto window = makeWindow();
        QVERIFY(load(*window, repository()));
        auto* empty = view(*window)->findChild<QLabel*>(u"timelineEmptyText"_s);
        QVERIFY(empty);
        QVERIFY(!empty->isVisible());
        auto* filter = window->findChild<QLineEdit*>(u"timelineFilter"_s);
        QTest::keyClicks(filter, u"no-such-build"_s);
        QCOMPARE(view(*window)->model()->rowCount(), 0);
        QVERIFY(empty->isVisible());
        QVERIFY2(empty->text().contains(u"No builds match"_s), qPrintable(empty->text()));
        filter->clear();
        QCOMPARE(view(*window)->model()->rowCount(), 3);
        QVERIFY(!empty->isVisible());
    }

    void copyButtonsConfirmTheCopy_data() {
        QTest::addColumn<QString>("button");
        QTest::newRow("reference") << u"copyReference"_s;
        QTest::newRow("compose") << u"copyCompose"_s;
        QTest::newRow("docker run") << u"copyRun"_s;
    }

    void copyButtonsConfirmTheCopy() {
        QFETCH(QString, button);
        const auto window = makeWindow();
        QVERIFY(load(*window, repository()));
        auto* copy = window->findChild<QPushButton*>(button);
        QCOMPARE(copy->text(), u"Copy"_s);
        QTest::mouseClick(copy, Qt::LeftButton);
        QVERIFY2(copy->text().startsWith(u"Copied"_s), qPrintable(copy->text()));
        QTRY_COMPARE_WITH_TIMEOUT(copy->text(), u"Copy"_s, 5000);
    }

    void initialSizeFollowsTheScreen_data() {
        QTest::addColumn<QRect>("available");
        QTest::addColumn<QSize>("size");
        QTest::newRow("full HD") << QRect(0, 0, 1920, 1040) << QSize(1632, 884);
        QTest::newRow("4K") << QRect(0, 0, 3840, 2120) << QSize(3264, 1802);
        QTest::newRow("laptop: the usable minimum") << QRect(0, 0, 1366, 740) << QSize(1280, 740);
        QTest::newRow("small screen: all of it") << QRect(0, 0, 800, 600) << QSize(800, 600);
    }

    void initialSizeFollowsTheScreen() {
        QFETCH(QRect, available);
        QFETCH(QSize, size);
        QCOMPARE(ui::MainWindow::initialSize(available), size);
    }

    // Without a saved layout the window takes its size from the screen, not from the
    // widgets' size hints.
    void theFirstWindowIsSizedFromTheScreen() {
        ui::MainWindow window;
        window.setSettingsPersistent(false);
        window.restoreSettings();
        const QScreen* screen = window.screen();
        QVERIFY(screen);
        QCOMPARE(window.size(), ui::MainWindow::initialSize(screen->availableGeometry()));
    }

    // Delete, or the list's context menu, removes a repository or a whole registry, from
    // the list and from the settings.
    void theSidebarRemovesRepositoriesAndRegistries() {
        const auto window = makeWindow();
        auto* sidebar = window->findChild<ui::RegistrySidebar*>();
        QVERIFY(sidebar);
        const QSignalBlocker quiet(sidebar); // selecting must not start loads here
        QVERIFY(sidebar->addRepository(u"localhost:5999/acme/one"_s));
        QVERIFY(sidebar->addRepository(u"localhost:5999/acme/two"_s));
        QVERIFY(sidebar->addRepository(u"registry.example:443/team/app"_s));
        QCOMPARE(savedRepositories().size(), 3);

        // Delete on the selected repository.
        sidebar->selectRepository(u"localhost:5999/acme/one"_s);
        sidebar->tree()->setFocus();
        QTest::keyClick(sidebar->tree(), Qt::Key_Delete);
        QVERIFY(!sidebar->model()->indexOfRepository(u"localhost:5999/acme/one"_s).isValid());
        QCOMPARE(savedRepositories(),
                 (QStringList{u"localhost:5999/acme/two"_s, u"registry.example:443/team/app"_s}));

        // The context menu on a registry row removes it with its repositories.
        const QModelIndex registry =
            sidebar->tree()->model()->index(0, 0); // sorted: localhost:5999 first
        QCOMPARE(registry.data(RepositoryListModel::DomainRole).toString(), u"localhost:5999"_s);
        sidebar->tree()->setCurrentIndex(registry);
        bool triggered = false;
        QTimer::singleShot(0, sidebar, [&triggered] {
            auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
            if (!menu)
                return;
            for (QAction* action : menu->actions()) {
                if (action->objectName() == u"removeMenuAction"_s) {
                    triggered = true;
                    action->trigger();
                }
            }
            menu->close();
        });
        const QRect rect = sidebar->tree()->visualRect(registry);
        QMetaObject::invokeMethod(sidebar->tree(), "customContextMenuRequested",
                                  Q_ARG(QPoint, rect.center()));
        QVERIFY(triggered);
        QCOMPARE(savedRepositories(), QStringList{u"registry.example:443/team/app"_s});
        QCOMPARE(savedDomains(), QStringList{u"registry.example:443"_s});
    }

    // A repository given on the command line is kept in the settings only once it loaded:
    // a mistyped or dead one is not.
    void aRepositoryIsRememberedOnceItLoaded() {
        const auto window = makeWindow();
        const QString dead = deadRepository();
        QVERIFY(load(*window, dead));
        QVERIFY(!savedRepositories().contains(dead));
        window->saveSettings(); // as on close
        QVERIFY2(!savedRepositories().contains(dead), qPrintable(savedRepositories().join(u' ')));
        QVERIFY(!savedDomains().contains(dead.section(u'/', 0, 0)));
        // With options on the command line (berth --insecure <repository>) too.
        const QString deadInsecure = deadRepository();
        RegistryOptions insecure;
        insecure.insecure = true;
        QSignalSpy finished(window->loader(), &RepositoryLoader::finished);
        window->openRepository(deadInsecure, insecure);
        QVERIFY(finished.count() > 0 || finished.wait(60000));
        window->saveSettings();
        QVERIFY2(!savedDomains().contains(deadInsecure.section(u'/', 0, 0)),
                 qPrintable(savedDomains().join(u' ')));

        QVERIFY(load(*window, repository()));
        QVERIFY2(savedRepositories().contains(repository()),
                 qPrintable(savedRepositories().join(u' ')));
    }

    // berth --insecure / --ca-file hold for the session only: the settings keep what the
    // registry options dialog saved, however often the command line said otherwise.
    void commandLineOptionsAreNeverSaved() {
        const auto window = makeWindow();
        RegistryOptions insecure;
        insecure.insecure = true;
        QSignalSpy finished(window->loader(), &RepositoryLoader::finished);
        window->openRepository(repository(), insecure);
        QVERIFY(finished.count() > 0 || finished.wait(60000));
        QVERIFY2(window->loader()->repository() == repository(), "the repository did not load");
        window->saveSettings();
        QVERIFY2(savedRepositories().contains(repository()),
                 qPrintable(savedRepositories().join(u' ')));
        QSettings settings;
        const int count = settings.beginReadArray(u"registries"_s);
        bool found = false;
        for (int i = 0; i < count; ++i) {
            settings.setArrayIndex(i);
            if (settings.value(u"domain"_s).toString() != repository().section(u'/', 0, 0))
                continue;
            found = true;
            QVERIFY2(!settings.value(u"insecure"_s, false).toBool(),
                     "--insecure was saved into the settings");
        }
        settings.endArray();
        QVERIFY(found);
    }

    // berth --git <clone> <repository>: that clone is for that repository only; linking a
    // clone while one repository is open links it for that one.
    void aGitCloneBelongsToItsRepository() {
        QTemporaryDir clone;
        QVERIFY(clone.isValid());
        if (QProcess::execute(u"git"_s, {u"init"_s, u"-q"_s, clone.path()}) != 0)
            QSKIP("git is not available to make a clone");
        const QString other = m_server->hostPort() + u"/acme/other"_s;
        const auto window = makeWindow();
        window->setGitClone(repository(), clone.path());
        QVERIFY(load(*window, repository()));
        QCOMPARE(window->gitLink()->clonePath(), clone.path());
        QVERIFY(load(*window, other));
        QCOMPARE(window->gitLink()->clonePath(), QString());
        QVERIFY(load(*window, repository()));
        QCOMPARE(window->gitLink()->clonePath(), clone.path());

        window->setGitClone(repository(), {});
        QVERIFY(load(*window, other));
        window->gitLink()->linkClone(clone.path());
        QTRY_COMPARE(CloneSettings::cloneFor(other), clone.path());
        QCOMPARE(CloneSettings::cloneFor(repository()), QString());
        QVERIFY(load(*window, repository()));
        QCOMPARE(window->gitLink()->clonePath(), QString());
    }

    // A build marked bad shows so in the details with who, when and why, on its lane
    // position and in the timeline's roles, at once and after a restart.
    void verdictsAreShownWithWhoWhenAndWhy() {
        const QString history = m_dir.filePath(u"verdicts.sqlite"_s);
        const QString production = m_digests.at(2);
        {
            const auto window = openWindow(history, QSize(1300, 850));
            QVERIFY(load(*window, repository()));
            QVERIFY(view(*window)->selectDigest(production));
            auto* field = window->findChild<QLabel*>(u"verdictField"_s);
            QVERIFY(field);
            QVERIFY(field->isHidden());
            QSignalSpy read(window->loader(), &RepositoryLoader::verdictsRead);
            QVERIFY(window->releaseActions()->mark(production, u"production"_s, VerdictKind::Bad,
                                                   u"checkout returns 500"_s));
            QVERIFY(read.count() > 0 || read.wait(20000));
            QVERIFY(field->isVisible());
            QVERIFY2(field->text().contains(u"Marked bad for production by "_s) &&
                         field->text().contains(u"checkout returns 500"_s),
                     qPrintable(field->text()));
            const QList<QToolButton*> current =
                window->findChild<ui::EnvironmentLanes*>()->findChildren<QToolButton*>();
            const bool marked = std::any_of(current.cbegin(), current.cend(), [](QToolButton* b) {
                return b->text().contains(u"✗"_s) &&
                       b->toolTip().contains(u"checkout returns 500"_s);
            });
            QVERIFY(marked);
        }
        const auto window = openWindow(history, QSize(1300, 850));
        QVERIFY(load(*window, repository()));
        const TimelineModel* model = window->timelineModel();
        const auto verdicts = model->index(model->rowOfDigest(production))
                                  .data(TimelineModel::VerdictsRole)
                                  .value<QList<Verdict>>();
        QCOMPARE(verdicts.size(), 1);
        QCOMPARE(verdicts.first().verdict, VerdictKind::Bad);
        QCOMPARE(verdicts.first().reason, u"checkout returns 500"_s);
        QVERIFY(!verdicts.first().user.isEmpty());
        QVERIFY(verdicts.first().time.isValid());
        QVERIFY(view(*window)->selectDigest(production));
        QVERIFY(window->findChild<QLabel*>(u"verdictField"_s)->isVisible());
        // The row's tooltip (the delegate's) says it too, off the chips.
        auto* timeline = view(*window);
        const QRect row = timeline->visualRect(timeline->currentIndex());
        const QPoint onRow(row.right() - 20, row.top() + 12);
        QHelpEvent help(QEvent::ToolTip, onRow, timeline->viewport()->mapToGlobal(onRow));
        QCoreApplication::sendEvent(timeline->viewport(), &help);
        QTRY_VERIFY(QToolTip::isVisible());
        QVERIFY2(QToolTip::text().contains(u"Marked bad for production by "_s) &&
                     QToolTip::text().contains(u"checkout returns 500"_s),
                 qPrintable(QToolTip::text()));
        QToolTip::hideText();
    }
};

BERTH_WIDGET_TEST_MAIN(TestWindowBehaviour)
#include "tst_windowbehaviour.moc"
