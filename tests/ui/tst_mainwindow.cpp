// The dashboard window offscreen against a real docker-registry on loopback: details,
// copy buttons, filter, error banner, progress and cancel, and the start from history.

#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "WidgetTestMain.h"
#include "WindowTestSupport.h"

#include "EnvironmentLanes.h"
#include "ErrorBanner.h"
#include "LoadProgress.h"
#include "MainWindow.h"
#include "TimelineView.h"

#include "history/HistoryStore.h"
#include "timeline/RepositoryLoader.h"
#include "timeline/TimelineModel.h"

#include <QClipboard>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTreeWidget>

#include <memory>

#include <signal.h>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

const QString kPath = u"acme/payment-api"_s;

QJsonObject image(const QStringList& tags, const QString& created, const QString& revision,
                  const QStringList& platforms, const QString& seed) {
    return QJsonObject{
        {u"tags"_s, QJsonArray::fromStringList(tags)},
        {u"format"_s, u"oci"_s},
        {u"created"_s, created},
        {u"labels"_s, QJsonObject{{u"org.opencontainers.image.revision"_s, revision}}},
        {u"platforms"_s, QJsonArray::fromStringList(platforms)},
        {u"layerSeed"_s, seed}};
}

QJsonObject releaseSpec() {
    QJsonArray images;
    images.append(image({u"v1.0.0"_s, u"a3f2c8d"_s}, u"2026-01-02T03:04:05Z"_s,
                        u"a3f2c8d0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6"_s, {u"linux/amd64"_s},
                        u"one"_s));
    images.append(image({u"v1.1.0"_s, u"staging"_s}, u"2026-02-03T04:05:06Z"_s,
                        u"b4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3"_s, {u"linux/amd64"_s},
                        u"two"_s));
    images.append(image({u"v1.2.0"_s, u"production"_s, u"latest"_s}, u"2026-03-04T05:06:07Z"_s,
                        u"c5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4"_s,
                        {u"linux/amd64"_s, u"linux/arm64"_s}, u"three"_s));
    return QJsonObject{{u"repository"_s, kPath}, {u"images"_s, images}};
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<RegistryServer> m_server;
    QStringList m_digests; // as seeded: v1.0.0, v1.1.0, v1.2.0
    QTemporaryDir m_history;

    QString repository() const { return m_server->hostPort() + u'/' + kPath; }

    // A window with a history database of its own, so every test starts cold.
    std::unique_ptr<ui::MainWindow> makeWindow() {
        static int count = 0;
        return openWindow(m_history.filePath(u"history-%1.sqlite"_s.arg(++count)),
                          QSize(1200, 800));
    }

private slots:
    void initTestCase() {
        QVERIFY(m_history.isValid());
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

    void cleanupTestCase() { m_server.reset(); }

    void selectingABuildFillsTheDetails_data() {
        QTest::addColumn<int>("image");
        QTest::addColumn<QStringList>("tags");
        QTest::addColumn<QString>("revision");
        QTest::newRow("oldest") << 0 << QStringList{u"v1.0.0"_s, u"a3f2c8d"_s}
                                << u"a3f2c8d0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6"_s;
        QTest::newRow("staging") << 1 << QStringList{u"staging"_s, u"v1.1.0"_s}
                                 << u"b4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3"_s;
        QTest::newRow("multi-arch production")
            << 2 << QStringList{u"production"_s, u"latest"_s, u"v1.2.0"_s}
            << u"c5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4"_s;
    }

    void selectingABuildFillsTheDetails() {
        QFETCH(int, image);
        QFETCH(QStringList, tags);
        QFETCH(QString, revision);
        const auto window = makeWindow();
        QVERIFY(load(*window, repository()));
        auto* view = window->findChild<ui::TimelineView*>(u"timeline"_s);
        QVERIFY(view);
        QCOMPARE(view->model()->rowCount(), 3);
        const QString digest = m_digests.at(image);
        QVERIFY(view->selectDigest(digest));
        QCOMPARE(window->findChild<QLineEdit*>(u"digestField"_s)->text(), digest);
        QCOMPARE(window->findChild<QLabel*>(u"revisionField"_s)->text(), revision);
        QVERIFY(!window->findChild<QLabel*>(u"createdField"_s)->text().isEmpty());
        auto* tagList = window->findChild<QTreeWidget*>(u"tagList"_s);
        QStringList shown;
        for (int row = 0; row < tagList->topLevelItemCount(); ++row)
            shown.append(tagList->topLevelItem(row)->text(0));
        QCOMPARE(shown, tags);
        const QString platforms = window->findChild<QLabel*>(u"platformsField"_s)->text();
        QCOMPARE(platforms.contains(u"linux/arm64"_s), image == 2);
    }

    void copyButtonsPutExactReferencesOnTheClipboard_data() {
        QTest::addColumn<QString>("button");
        QTest::addColumn<QString>("format");
        QTest::newRow("reference") << u"copyReference"_s << u"%1@%2"_s;
        QTest::newRow("compose") << u"copyCompose"_s << u"image: %1@%2"_s;
        QTest::newRow("docker run") << u"copyRun"_s << u"docker run --rm %1@%2"_s;
    }

    void copyButtonsPutExactReferencesOnTheClipboard() {
        QFETCH(QString, button);
        QFETCH(QString, format);
        const auto window = makeWindow();
        QVERIFY(load(*window, repository()));
        auto* view = window->findChild<ui::TimelineView*>(u"timeline"_s);
        QVERIFY(view->selectDigest(m_digests.at(1)));
        QApplication::clipboard()->clear();
        auto* copy = window->findChild<QPushButton*>(button);
        QVERIFY(copy);
        QTest::mouseClick(copy, Qt::LeftButton);
        QCOMPARE(QApplication::clipboard()->text(), format.arg(repository(), m_digests.at(1)));
    }

    void filterNarrowsTheTimeline_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("rows");
        QTest::newRow("nothing typed") << QString() << 3;
        QTest::newRow("one version") << u"v1.1.0"_s << 1;
        QTest::newRow("case ignored") << u"PRODUCTION"_s << 1;
        QTest::newRow("prefix") << u"v1."_s << 3;
        QTest::newRow("revision") << u"b4e5f6a7"_s << 1;
        QTest::newRow("no match") << u"no-such-tag"_s << 0;
    }

    void filterNarrowsTheTimeline() {
        QFETCH(QString, text);
        QFETCH(int, rows);
        const auto window = makeWindow();
        QVERIFY(load(*window, repository()));
        auto* filter = window->findChild<QLineEdit*>(u"timelineFilter"_s);
        QVERIFY(filter);
        QTest::keyClicks(filter, text);
        QCOMPARE(window->findChild<ui::TimelineView*>(u"timeline"_s)->model()->rowCount(), rows);
    }

    void registryErrorShowsTheBanner_data() {
        QTest::addColumn<bool>("stoppedServer");
        QTest::newRow("repository that does not exist") << false;
        QTest::newRow("nothing listening") << true;
    }

    void registryErrorShowsTheBanner() {
        QFETCH(bool, stoppedServer);
        QString target = m_server->hostPort() + u"/acme/does-not-exist"_s;
        if (stoppedServer) {
            QTcpServer probe; // a port that was free a moment ago refuses connections
            QVERIFY(probe.listen(QHostAddress::LocalHost));
            target = u"127.0.0.1:%1/acme/app"_s.arg(probe.serverPort());
            probe.close();
        }
        const auto window = makeWindow();
        QSignalSpy failed(window->loader(), &RepositoryLoader::failed);
        QVERIFY(load(*window, target));
        QCOMPARE(failed.count(), 1);
        auto* banner = window->findChild<ui::ErrorBanner*>(u"errorBanner"_s);
        QVERIFY(banner);
        QVERIFY(banner->isVisible());
        QCOMPARE(banner->level(), ui::ErrorBanner::Level::Error);
        QVERIFY2(banner->text().contains(u"acme/"_s), qPrintable(banner->text()));
        QVERIFY(window->isEnabled()); // non-modal: the window stays usable
    }

    void progressBarReachesItsTotal() {
        const auto window = makeWindow();
        QSignalSpy progress(window->loader(), &RepositoryLoader::progressChanged);
        QVERIFY(load(*window, repository()));
        QVERIFY(!progress.isEmpty());
        const QList<QVariant> last = progress.last();
        QCOMPARE(last.at(0).toInt(), last.at(1).toInt());
        auto* bar = window->findChild<QProgressBar*>(u"loadProgressBar"_s);
        QVERIFY(bar);
        QVERIFY(bar->maximum() > 1);
        QCOMPARE(bar->value(), bar->maximum());
        QCOMPARE(bar->maximum(), last.at(1).toInt());
        QVERIFY(!window->findChild<QPushButton*>(u"cancelLoad"_s)->isEnabled());
    }

    void cancelStopsRequests() {
        // A full cold load first, to know how many requests one takes.
        const int before = int(m_server->requestLog().size());
        {
            const auto full = makeWindow();
            QVERIFY(load(*full, repository()));
        }
        QVERIFY(m_server->waitForRequestCount(before + 8));
        const int fullLoad = int(m_server->requestLog().size()) - before;

        const auto window = makeWindow();
        auto* cancel = window->findChild<QPushButton*>(u"cancelLoad"_s);
        QVERIFY(cancel);
        QSignalSpy cancelled(window->loader(), &RepositoryLoader::cancelled);
        QSignalSpy loaded(window->loader(), &RepositoryLoader::loaded);
        // Cancel as soon as the first request is under way, through the button.
        connect(
            window->loader(), &RepositoryLoader::progressChanged, cancel,
            [cancel] {
                if (cancel->isEnabled())
                    cancel->click();
            },
            Qt::QueuedConnection);
        const int start = int(m_server->requestLog().size());
        window->openRepository(repository());
        QVERIFY(cancelled.wait(30000));
        QVERIFY(!window->loader()->isLoading());
        QVERIFY(!cancel->isEnabled());
        // The rest of the load never reaches the registry, and nothing arrives late.
        QVERIFY(!m_server->waitForRequestCount(start + fullLoad, 2000));
        QCOMPARE(loaded.count(), 0);
        auto* banner = window->findChild<ui::ErrorBanner*>(u"errorBanner"_s);
        QCOMPARE(banner->level(), ui::ErrorBanner::Level::Information);
    }

    // A second start paints what the history last saw while the registry has not answered
    // at all: the registry process is frozen (SIGSTOP), so loopback connections are
    // accepted by the kernel and nothing comes back.
    void startPaintsTheLastSeenStateBeforeTheRegistryAnswers() {
        const QString history = m_history.filePath(u"restart.sqlite"_s);
        {
            const auto first = openWindow(history, QSize(1200, 800));
            QVERIFY(load(*first, repository()));
        }
        const qint64 registry = m_server->processId();
        QVERIFY(registry > 0);
        QCOMPARE(::kill(pid_t(registry), SIGSTOP), 0);
        const auto resume = qScopeGuard([registry] { ::kill(pid_t(registry), SIGCONT); });

        const auto window = openWindow(history, QSize(1200, 800));
        QSignalSpy restored(window->loader(), &RepositoryLoader::restored);
        QSignalSpy loaded(window->loader(), &RepositoryLoader::loaded);
        window->openRepository(repository());
        // Something in opening may already have turned the event loop.
        QVERIFY(restored.count() > 0 || restored.wait(10000));
        QVERIFY(window->loader()->isLoading());
        QCOMPARE(loaded.count(), 0);

        auto* view = window->findChild<ui::TimelineView*>(u"timeline"_s);
        QCOMPARE(view->model()->rowCount(), 3);
        QCOMPARE(view->currentDigest(), m_digests.at(2)); // the newest build, selected
        const auto* lanes = window->findChild<ui::EnvironmentLanes*>();
        QVERIFY(lanes);
        QCOMPARE(lanes->laneCount(), 2); // staging and production
        const QString summary = window->findChild<QLabel*>(u"summary"_s)->text();
        QVERIFY2(summary.contains(u"3 builds"_s) && summary.contains(u"from history"_s),
                 qPrintable(summary));

        // The registry's answer, once it comes, replaces the history's view.
        QSignalSpy finished(window->loader(), &RepositoryLoader::finished);
        ::kill(pid_t(registry), SIGCONT);
        QVERIFY(finished.count() > 0 || finished.wait(60000));
        QCOMPARE(loaded.count(), 1);
        QCOMPARE(restored.count(), 1);
        QCOMPARE(view->model()->rowCount(), 3);
        QVERIFY(!window->findChild<QLabel*>(u"summary"_s)->text().contains(u"from history"_s));
    }

    // A release a crashed Berth left pending is settled by the next load of its repository.
    void loadSettlesAPendingReleaseFromWhatItRead() {
        const QString history = m_history.filePath(u"pending.sqlite"_s);
        qint64 id = 0;
        {
            HistoryStore store;
            QVERIFY(store.open(history));
            Action action;
            action.registry = m_server->hostPort();
            action.repository = kPath;
            action.tag = u"production"_s;
            action.fromDigest = m_digests.at(1);
            action.toDigest = m_digests.at(2); // where production is in the registry
            action.transport = u"registry"_s;
            const Result<qint64> begun = store.beginAction(action);
            QVERIFY2(begun.ok(), qPrintable(begun.errorMessage()));
            id = begun.value();
        }
        const auto window = openWindow(history, QSize(1200, 800));
        QVERIFY(load(*window, repository()));
        HistoryStore reader; // of its own: what was stored, not what the window holds
        QVERIFY(reader.open(history));
        const Result<QList<Action>> actions = reader.actions();
        QVERIFY(actions.ok());
        QCOMPARE(actions->size(), 1);
        QCOMPARE(actions->first().id, id);
        QCOMPARE(actions->first().state, ActionState::Succeeded);
        auto* banner = window->findChild<ui::ErrorBanner*>(u"errorBanner"_s);
        QVERIFY2(banner->isVisible() && banner->text().contains(u"#%1"_s.arg(id)),
                 qPrintable(banner->text()));
    }

    // A repository the history never saw starts empty, with no snapshot at all.
    void firstStartHasNothingToRestore() {
        const auto window = makeWindow();
        QSignalSpy restored(window->loader(), &RepositoryLoader::restored);
        QVERIFY(load(*window, repository()));
        QCOMPARE(restored.count(), 0);
        QCOMPARE(window->findChild<ui::TimelineView*>(u"timeline"_s)->model()->rowCount(), 3);
    }
};

BERTH_WIDGET_TEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
