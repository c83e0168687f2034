// Auto-refresh and "environment moved" against a real docker-registry on loopback: the
// timer reloads on its own without ever restarting a running load, a tag moved by
// someone else between two loads is reported (signal and banner), and switching to
// another repository is not mistaken for a move.

#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "WidgetTestMain.h"
#include "WindowTestSupport.h"

#include "ErrorBanner.h"
#include "MainWindow.h"

#include "timeline/EnvironmentMoves.h"
#include "timeline/RepositoryLoader.h"

#include <QComboBox>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

QJsonObject image(const QStringList& tags, const QString& created, const QString& seed) {
    return QJsonObject{{u"tags"_s, QJsonArray::fromStringList(tags)},
                       {u"format"_s, u"oci"_s},
                       {u"created"_s, created},
                       {u"platforms"_s, QJsonArray{u"linux/amd64"_s}},
                       {u"layerSeed"_s, seed}};
}

// Two releases; production on the newer one unless `moves` re-points it. The layer seeds
// make the digests depend on `path`, so two repositories never share a build.
QJsonObject releaseSpec(const QString& path, const QJsonArray& moves = {}) {
    QJsonArray images;
    images.append(image({u"v1.3.1"_s}, u"2026-01-02T03:04:05Z"_s, path + u"-old"_s));
    images.append(
        image({u"v1.4.0"_s, u"production"_s}, u"2026-02-03T04:05:06Z"_s, path + u"-new"_s));
    QJsonObject spec{{u"repository"_s, path}, {u"images"_s, images}};
    if (!moves.isEmpty())
        spec.insert(u"moves"_s, moves);
    return spec;
}

} // namespace

class TestAutoRefresh : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<RegistryServer> m_server;
    QTemporaryDir m_history;

    QString repository(const QString& path) const { return m_server->hostPort() + u'/' + path; }

    // Digests as seeded: [v1.3.1, v1.4.0].
    QStringList seed(const QJsonObject& spec) {
        QString error;
        const QJsonObject seeded = RegistrySeeder::seed(*m_server, spec, &error);
        if (seeded.isEmpty())
            qWarning("seeding failed: %s", qPrintable(error));
        QStringList digests;
        for (const QJsonValue& value : seeded.value(u"images"_s).toArray())
            digests.append(value.toObject().value(u"digest"_s).toString());
        return digests;
    }

    // A window with a history database of its own, so every test starts cold.
    std::unique_ptr<ui::MainWindow> makeWindow() {
        static int count = 0;
        return openWindow(m_history.filePath(u"history-%1.sqlite"_s.arg(++count)),
                          QSize(1000, 700));
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
    }

    void cleanupTestCase() { m_server.reset(); }

    void autoRefreshReloadsOnItsOwn() {
        const QString path = u"acme/auto"_s;
        QCOMPARE(seed(releaseSpec(path)).size(), 2);
        auto window = makeWindow();
        QVERIFY(load(*window, repository(path)));

        QSignalSpy started(window->loader(), &RepositoryLoader::started);
        QSignalSpy finished(window->loader(), &RepositoryLoader::finished);
        QSignalSpy cancelled(window->loader(), &RepositoryLoader::cancelled);
        // Far shorter than a load: every tick during a load must be skipped, not restart it.
        window->setAutoRefreshInterval(1);
        QCOMPARE(window->autoRefreshInterval(), 1);
        while (finished.count() < 3)
            QVERIFY(finished.wait(60000));
        window->setAutoRefreshInterval(0);
        QCOMPARE(window->autoRefreshInterval(), 0);
        QCOMPARE(cancelled.count(), 0);
        QVERIFY(started.count() >= 3);
        QVERIFY(started.count() <= finished.count() + 1);
        QVERIFY(!window->loader()->isLoading() || started.count() == finished.count() + 1);
    }

    void autoRefreshChoiceIsOfferedAndKept() {
        auto window = makeWindow();
        auto* box = window->findChild<QComboBox*>(u"autoRefreshBox"_s);
        QVERIFY(box);
        QCOMPARE(box->count(), 5);
        QCOMPARE(box->currentData().toInt(), 0);
        const int fiveMinutes = box->findData(5 * 60 * 1000);
        QVERIFY(fiveMinutes > 0);
        box->setCurrentIndex(fiveMinutes);
        emit box->activated(fiveMinutes);
        QCOMPARE(window->autoRefreshInterval(), 5 * 60 * 1000);

        auto restored = makeWindow();
        restored->restoreSettings();
        QCOMPARE(restored->autoRefreshInterval(), 5 * 60 * 1000);
        auto* restoredBox = restored->findChild<QComboBox*>(u"autoRefreshBox"_s);
        QCOMPARE(restoredBox->currentData().toInt(), 5 * 60 * 1000);
        // Leave the shared test settings as they were.
        emit restoredBox->activated(0);
        QCOMPARE(restored->autoRefreshInterval(), 0);
    }

    void movedEnvironmentIsReported() {
        const QString path = u"acme/moving"_s;
        const QStringList digests = seed(releaseSpec(path));
        QCOMPARE(digests.size(), 2);
        auto window = makeWindow();
        QSignalSpy moved(window->environmentMoves(), &EnvironmentMoveDetector::environmentMoved);
        QVERIFY(load(*window, repository(path)));
        QVERIFY(refresh(*window));
        QCOMPARE(moved.count(), 0); // nothing moved yet

        // Someone else rolls production back to the older build.
        const QJsonArray moves{QJsonObject{{u"tag"_s, u"production"_s}, {u"toImage"_s, 0}}};
        QCOMPARE(seed(releaseSpec(path, moves)), digests);
        QVERIFY(refresh(*window));
        QCOMPARE(moved.count(), 1);
        QCOMPARE(moved.at(0).at(0).toString(), u"production"_s);
        QCOMPARE(moved.at(0).at(1).toString(), digests.at(1));
        QCOMPARE(moved.at(0).at(2).toString(), digests.at(0));

        const QString text = window->banner()->text();
        QVERIFY2(window->banner()->isVisible(), qPrintable(text));
        const QString expected =
            u"production moved from v1.4.0 (%1…) to v1.3.1 (%2…) since the last refresh"_s.arg(
                digests.at(1).left(19), digests.at(0).left(19));
        QVERIFY2(text.contains(expected), qPrintable(text));

        // Reported once: the next refresh finds it where it was last time.
        QVERIFY(refresh(*window));
        QCOMPARE(moved.count(), 1);
    }

    // The window's own release is followed by a refresh; that move is not news, but a
    // move on the refresh after it is.
    void ownReleaseIsNotReported() {
        const auto lanes = [](const QString& digest) {
            EnvironmentLane lane;
            lane.tag = u"production"_s;
            lane.currentDigest = digest;
            return QList<EnvironmentLane>{lane};
        };
        const QString repo = u"localhost:1/acme/own"_s;
        EnvironmentMoveDetector detector;
        QSignalSpy moved(&detector, &EnvironmentMoveDetector::environmentMoved);
        QVERIFY(detector.observe(repo, {}, lanes(u"sha256:aaaa"_s)).isEmpty());
        detector.expectOwnMove(repo, u"production"_s);
        QVERIFY(detector.observe(repo, {}, lanes(u"sha256:bbbb"_s)).isEmpty());
        const QList<EnvironmentMove> moves = detector.observe(repo, {}, lanes(u"sha256:cccc"_s));
        QCOMPARE(moves.size(), 1);
        QCOMPARE(moves.first().describe(),
                 u"production moved from sha256:bbbb… to sha256:cccc… since the last refresh"_s);
        QCOMPARE(moved.count(), 1);
        QCOMPARE(moved.first().at(1).toString(), u"sha256:bbbb"_s);
    }

    // The window releases one tag; another environment moved by someone else in the same
    // interval is still reported.
    void ownReleaseHidesOnlyItsOwnTag() {
        const auto lanes = [](const QString& production, const QString& staging) {
            EnvironmentLane first;
            first.tag = u"production"_s;
            first.currentDigest = production;
            EnvironmentLane second;
            second.tag = u"staging"_s;
            second.currentDigest = staging;
            return QList<EnvironmentLane>{first, second};
        };
        const QString repo = u"localhost:1/acme/own"_s;
        EnvironmentMoveDetector detector;
        QVERIFY(detector.observe(repo, {}, lanes(u"sha256:aaaa"_s, u"sha256:1111"_s)).isEmpty());
        detector.expectOwnMove(repo, u"production"_s);
        const QList<EnvironmentMove> moves =
            detector.observe(repo, {}, lanes(u"sha256:bbbb"_s, u"sha256:2222"_s));
        QCOMPARE(moves.size(), 1);
        QCOMPARE(moves.first().tag, u"staging"_s);
    }

    void anotherRepositoryIsNoMove() {
        const QString first = u"acme/first"_s;
        const QString second = u"acme/second"_s;
        const QStringList a = seed(releaseSpec(first));
        const QStringList b = seed(releaseSpec(second));
        QCOMPARE(a.size(), 2);
        QCOMPARE(b.size(), 2);
        QVERIFY(a.at(1) != b.at(1)); // production differs between the two

        auto window = makeWindow();
        QSignalSpy moved(window->environmentMoves(), &EnvironmentMoveDetector::environmentMoved);
        QVERIFY(load(*window, repository(first)));
        QVERIFY(load(*window, repository(second)));
        QVERIFY(load(*window, repository(first)));
        QCOMPARE(moved.count(), 0);
        QVERIFY(!window->banner()->text().contains(u"moved"_s));
    }
};

BERTH_WIDGET_TEST_MAIN(TestAutoRefresh)
#include "tst_autorefresh.moc"
