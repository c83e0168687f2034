// The window's git views offscreen, against a real git repository made with the git
// command, a real docker-registry on loopback seeded with builds labelled with that
// repository's commits, and a history database of the test's own: the details panel's
// commit, the commit log compared with `git log`, the timeline's summaries, and a
// commit the clone lacks, fetched with the Fetch button.

#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "WidgetTestMain.h"

#include "BuildCommitView.h"
#include "CommitLogPanel.h"
#include "DetailsPanel.h"
#include "GitLink.h"
#include "MainWindow.h"
#include "TimelineView.h"

#include "git/GitLibrary.h"
#include "timeline/CommitAnnotator.h"
#include "timeline/RepositoryLoader.h"
#include "timeline/TimelineModel.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTreeWidget>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

const QString kPath = u"acme/payment-api"_s;
const QString kWebRemote = u"https://git.example.test/acme/payment-api.git"_s;

// Keeps git and libgit2 away from the developer's configuration; runs before the
// GitLibrary member is built so libgit2 sees the same HOME.
bool isolateGitConfiguration(const QString& home) {
    qputenv("HOME", home.toUtf8());
    qputenv("XDG_CONFIG_HOME", (home + u"/.config"_s).toUtf8());
    qputenv("GIT_CONFIG_NOSYSTEM", "1");
    qputenv("GIT_TERMINAL_PROMPT", "0");
    return true;
}

struct Author {
    QString name;
    QString email;
};

const Author kAda{u"Ada Lovelace"_s, u"ada@example.org"_s};
const Author kGrace{u"Grace Hopper"_s, u"grace@example.org"_s};
const Author kLinus{u"Linus Pauling"_s, u"linus@example.org"_s};

} // namespace

class TestCommitPanel : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    bool m_isolated = isolateGitConfiguration(m_dir.path());
    GitLibrary m_git;
    std::unique_ptr<RegistryServer> m_server;
    QString m_upstream;          // has every commit, including the hotfix
    QString m_clone;             // cloned before the hotfix; remotes: origin (file://), web (https)
    qint64 m_clock = 1767225600; // 2026-01-01; every commit a minute after the previous
    QString m_gitError;
    QMap<QString, QString> m_ids;     // commit name -> full id
    QMap<QString, QString> m_digests; // first tag of each seeded image -> digest

    QString git(const QString& dir, const QStringList& arguments, const Author& author = kAda) {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        const QString date = u"%1 +0000"_s.arg(m_clock);
        environment.insert(u"GIT_AUTHOR_DATE"_s, date);
        environment.insert(u"GIT_COMMITTER_DATE"_s, date);
        environment.insert(u"GIT_AUTHOR_NAME"_s, author.name);
        environment.insert(u"GIT_AUTHOR_EMAIL"_s, author.email);
        environment.insert(u"GIT_COMMITTER_NAME"_s, author.name);
        environment.insert(u"GIT_COMMITTER_EMAIL"_s, author.email);
        process.setProcessEnvironment(environment);
        process.setWorkingDirectory(dir);
        process.start(u"git"_s, arguments);
        if (!process.waitForFinished(60000) || process.exitCode() != 0) {
            m_gitError = u"git %1 failed: %2"_s.arg(
                arguments.join(u' '), QString::fromUtf8(process.readAllStandardError()));
            return {};
        }
        return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
    }

    void commit(const QString& name, const QString& message, const Author& author) {
        m_clock += 60;
        QFile file(m_upstream + u'/' + name + u".txt"_s);
        if (file.open(QIODevice::WriteOnly))
            file.write(message.toUtf8());
        file.close();
        git(m_upstream, {u"add"_s, name + u".txt"_s});
        git(m_upstream, {u"commit"_s, u"-q"_s, u"-m"_s, message}, author);
        m_ids.insert(name, git(m_upstream, {u"rev-parse"_s, u"HEAD"_s}));
    }

    QStringList gitLog(const QString& from, const QString& to) {
        const QString out =
            git(m_upstream, {u"log"_s, u"--format=%H"_s, m_ids[from] + u".."_s + m_ids[to]});
        return out.isEmpty() ? QStringList() : out.split(u'\n');
    }

    static QJsonObject image(const QStringList& tags, const QString& revision, int day) {
        return QJsonObject{
            {u"tags"_s, QJsonArray::fromStringList(tags)},
            {u"format"_s, u"oci"_s},
            {u"created"_s, u"2026-02-%1T10:00:00Z"_s.arg(day, 2, 10, QLatin1Char('0'))},
            {u"labels"_s, QJsonObject{{u"org.opencontainers.image.revision"_s, revision},
                                      {u"org.opencontainers.image.source"_s, kWebRemote}}},
            {u"platforms"_s, QJsonArray{u"linux/amd64"_s}},
            {u"layerSeed"_s, tags.first()}};
    }

    QString repository() const { return m_server->hostPort() + u'/' + kPath; }

    std::unique_ptr<ui::MainWindow> makeWindow(const QString& clone) {
        auto window = std::make_unique<ui::MainWindow>();
        static int count = 0;
        window->loader()->setHistoryLocation(m_dir.filePath(u"history-%1.sqlite"_s.arg(++count)));
        window->setGitClone(repository(), clone);
        window->resize(1400, 900);
        window->show();
        QSignalSpy finished(window->loader(), &RepositoryLoader::finished);
        window->openRepository(repository());
        if (finished.isEmpty() && !finished.wait(60000))
            return {};
        return window;
    }

    static ui::BuildCommitView* commitView(const ui::MainWindow& window) {
        return window.findChild<ui::BuildCommitView*>(u"buildCommit"_s);
    }

    static bool select(ui::MainWindow& window, const QString& digest) {
        return window.findChild<ui::TimelineView*>(u"timeline"_s)->selectDigest(digest);
    }

    // Commit ids under one environment of the log, in the order shown.
    static QStringList logIds(const QTreeWidget* log, const QString& environment,
                              const QString& direction) {
        QStringList ids;
        for (int top = 0; top < log->topLevelItemCount(); ++top) {
            const QTreeWidgetItem* group = log->topLevelItem(top);
            if (group->data(0, ui::CommitLogPanel::EnvironmentRole).toString() != environment)
                continue;
            for (int row = 0; row < group->childCount(); ++row) {
                const QTreeWidgetItem* item = group->child(row);
                if (item->data(0, ui::CommitLogPanel::DirectionRole).toString() == direction)
                    ids.append(item->data(0, ui::CommitLogPanel::CommitIdRole).toString());
            }
        }
        return ids;
    }

private slots:
    // main: c1 c2 c3 (feature f1 f2 from c2, merged as m1) c4 c5; experiment e1 from c3;
    // the clone is taken here; then hotfix h1 lands upstream only.
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        const RegistryServer::Options options;
        const QString missing = RegistryServer::unavailableReason(options);
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));

        m_upstream = m_dir.filePath(u"upstream"_s);
        m_clone = m_dir.filePath(u"clone"_s);
        git(m_dir.path(), {u"init"_s, u"-q"_s, u"-b"_s, u"main"_s, m_upstream});
        commit(u"c1"_s, u"Initial payment service skeleton"_s, kAda);
        commit(u"c2"_s, u"Add refund endpoint"_s, kGrace);
        git(m_upstream, {u"checkout"_s, u"-q"_s, u"-b"_s, u"feature"_s});
        commit(u"f1"_s, u"Validate ISO 4217 currency codes"_s, kLinus);
        commit(u"f2"_s, u"Reject negative refund amounts"_s, kLinus);
        git(m_upstream, {u"checkout"_s, u"-q"_s, u"main"_s});
        commit(u"c3"_s, u"Log settlement batches with their ids"_s, kGrace);
        m_clock += 60;
        git(m_upstream,
            {u"merge"_s, u"-q"_s, u"--no-ff"_s, u"-m"_s, u"Merge branch 'feature'"_s, u"feature"_s},
            kAda);
        m_ids.insert(u"m1"_s, git(m_upstream, {u"rev-parse"_s, u"HEAD"_s}));
        commit(u"c4"_s, u"Retry webhook delivery with backoff"_s, kGrace);
        commit(u"c5"_s, u"Release 1.2.0"_s, kAda);
        git(m_upstream, {u"checkout"_s, u"-q"_s, u"-b"_s, u"experiment"_s, m_ids[u"c3"_s]});
        commit(u"e1"_s, u"Try a streaming JSON parser"_s, kLinus);
        git(m_upstream, {u"checkout"_s, u"-q"_s, u"main"_s});
        git(m_dir.path(),
            {u"clone"_s, u"-q"_s, u"--no-local"_s, u"file://"_s + m_upstream, m_clone});
        git(m_clone, {u"remote"_s, u"add"_s, u"web"_s, kWebRemote});
        commit(u"h1"_s, u"Hotfix: round refunds to the cent"_s, kGrace);
        QVERIFY2(m_gitError.isEmpty(), qPrintable(m_gitError));

        m_server = std::make_unique<RegistryServer>(options);
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        QJsonArray images;
        images.append(image({u"v1.0.0"_s, u"production"_s}, m_ids[u"c1"_s], 1));
        images.append(image({u"v1.1.0"_s, u"staging"_s}, m_ids[u"m1"_s], 2));
        images.append(image({u"v1.2.0"_s, u"latest"_s}, m_ids[u"c5"_s], 3));
        images.append(
            image({u"experiment-"_s + m_ids[u"e1"_s].left(7)}, m_ids[u"e1"_s].left(7), 4));
        images.append(image({u"v1.2.1"_s}, m_ids[u"h1"_s], 5));
        QString error;
        const QJsonObject seeded = RegistrySeeder::seed(
            *m_server, QJsonObject{{u"repository"_s, kPath}, {u"images"_s, images}}, &error);
        QVERIFY2(!seeded.isEmpty(), qPrintable(error));
        for (const QJsonValue& value : seeded.value(u"images"_s).toArray()) {
            const QJsonObject object = value.toObject();
            m_digests.insert(object.value(u"tags"_s).toArray().first().toString(),
                             object.value(u"digest"_s).toString());
        }
        QCOMPARE(m_digests.size(), 5);
    }

    void cleanupTestCase() { m_server.reset(); }

    void selectingABuildShowsItsCommit_data() {
        QTest::addColumn<QString>("build");
        QTest::addColumn<QString>("commit");
        QTest::addColumn<QString>("summary");
        QTest::addColumn<QString>("author");
        QTest::newRow("first release")
            << u"v1.0.0"_s << u"c1"_s << u"Initial payment service skeleton"_s << kAda.name;
        QTest::newRow("merge commit")
            << u"v1.1.0"_s << u"m1"_s << u"Merge branch 'feature'"_s << kAda.name;
        QTest::newRow("release commit")
            << u"v1.2.0"_s << u"c5"_s << u"Release 1.2.0"_s << kAda.name;
        QTest::newRow("short id of a branch")
            << u"experiment-"_s << u"e1"_s << u"Try a streaming JSON parser"_s << kLinus.name;
    }

    void selectingABuildShowsItsCommit() {
        QFETCH(QString, build);
        QFETCH(QString, commit);
        QFETCH(QString, summary);
        QFETCH(QString, author);
        const auto window = makeWindow(m_clone);
        QVERIFY(window);
        const QString tag = build.endsWith(u'-') ? build + m_ids[commit].left(7) : build;
        QVERIFY(select(*window, m_digests.value(tag)));
        ui::BuildCommitView* view = commitView(*window);
        QVERIFY(view);
        QTRY_COMPARE_WITH_TIMEOUT(view->state(), ui::BuildCommitView::State::Resolved, 30000);
        QCOMPARE(view->commit()->id, m_ids[commit]);
        QCOMPARE(view->commit()->summary, summary);
        QCOMPARE(view->commit()->authorName, author);
        const QString text = window->findChild<QLabel*>(u"commitField"_s)->text();
        QVERIFY2(text.contains(summary.toHtmlEscaped()), qPrintable(text));
        QVERIFY2(text.contains(m_ids[commit].left(7)), qPrintable(text));
        // The web remote gives the commit a link; the file:// origin has no web view.
        QVERIFY2(
            text.contains(u"https://git.example.test/acme/payment-api/commit/"_s + m_ids[commit]),
            qPrintable(text));
    }

    void commitLogListsWhatGitLogLists_data() {
        QTest::addColumn<QString>("build");
        QTest::addColumn<QString>("commit");
        QTest::addColumn<QString>("environment");
        QTest::addColumn<QString>("environmentCommit");
        QTest::newRow("release over production")
            << u"v1.2.0"_s << u"c5"_s << u"production"_s << u"c1"_s;
        QTest::newRow("release over staging (merge)")
            << u"v1.2.0"_s << u"c5"_s << u"staging"_s << u"m1"_s;
        QTest::newRow("staging build over production")
            << u"v1.1.0"_s << u"m1"_s << u"production"_s << u"c1"_s;
        QTest::newRow("experiment over staging: gains and loses")
            << u"experiment-"_s << u"e1"_s << u"staging"_s << u"m1"_s;
        QTest::newRow("production build over staging: a rollback")
            << u"v1.0.0"_s << u"c1"_s << u"staging"_s << u"m1"_s;
    }

    void commitLogListsWhatGitLogLists() {
        QFETCH(QString, build);
        QFETCH(QString, commit);
        QFETCH(QString, environment);
        QFETCH(QString, environmentCommit);
        const auto window = makeWindow(m_clone);
        QVERIFY(window);
        auto* panel = window->findChild<ui::CommitLogPanel*>(u"commitLogPanel"_s);
        QVERIFY(panel);
        const QString tag = build.endsWith(u'-') ? build + m_ids[commit].left(7) : build;
        QVERIFY(select(*window, m_digests.value(tag)));
        QTRY_VERIFY_WITH_TIMEOUT(!panel->isBusy(), 30000);
        const auto* log = window->findChild<QTreeWidget*>(u"commitLog"_s);
        const QStringList gained = logIds(log, environment, u"gained"_s);
        const QStringList lost = logIds(log, environment, u"lost"_s);
        QCOMPARE(gained, gitLog(environmentCommit, commit));
        QCOMPARE(lost, gitLog(commit, environmentCommit));
        QVERIFY(!gained.isEmpty() || !lost.isEmpty());
        // Every commit links to the web remote's view of it.
        for (int top = 0; top < log->topLevelItemCount(); ++top) {
            const QTreeWidgetItem* group = log->topLevelItem(top);
            for (int row = 0; row < group->childCount(); ++row) {
                const QTreeWidgetItem* item = group->child(row);
                QCOMPARE(item->data(0, ui::CommitLogPanel::UrlRole).toUrl().toString(),
                         u"https://git.example.test/acme/payment-api/commit/"_s +
                             item->data(0, ui::CommitLogPanel::CommitIdRole).toString());
            }
        }
    }

    void timelineShowsCommitSummaries() {
        const auto window = makeWindow(m_clone);
        QVERIFY(window);
        const TimelineModel* model = window->timelineModel();
        QTRY_VERIFY_WITH_TIMEOUT(!window->gitLink()->annotator()->isBusy(), 30000);
        const auto row = [&](const QString& tag) {
            return model->index(model->rowOfDigest(m_digests.value(tag)));
        };
        QTRY_COMPARE(row(u"v1.2.0"_s).data(TimelineModel::CommitSummaryRole).toString(),
                     u"Release 1.2.0"_s);
        QCOMPARE(row(u"v1.0.0"_s).data(TimelineModel::CommitIdRole).toString(), m_ids[u"c1"_s]);
        // The hotfix is not in the clone: no summary, and the reason for the tooltip.
        QVERIFY(row(u"v1.2.1"_s).data(TimelineModel::CommitSummaryRole).toString().isEmpty());
        QVERIFY(!row(u"v1.2.1"_s).data(TimelineModel::CommitProblemRole).toString().isEmpty());
    }

    void missingCommitOffersFetchAndFetchBringsItIn() {
        // A clone of its own, whose origin is upstream, so the fetch changes nothing shared.
        const QString clone = m_dir.filePath(u"fetch-clone"_s);
        git(m_dir.path(), {u"clone"_s, u"-q"_s, u"--no-local"_s, u"file://"_s + m_clone, clone});
        git(clone, {u"remote"_s, u"set-url"_s, u"origin"_s, u"file://"_s + m_upstream});
        QVERIFY2(m_gitError.isEmpty(), qPrintable(m_gitError));

        const auto window = makeWindow(clone);
        QVERIFY(window);
        QVERIFY(select(*window, m_digests.value(u"v1.2.1"_s)));
        ui::BuildCommitView* view = commitView(*window);
        QTRY_COMPARE_WITH_TIMEOUT(view->state(), ui::BuildCommitView::State::Missing, 30000);
        auto* fetch = window->findChild<QPushButton*>(u"fetchButton"_s);
        QVERIFY(fetch);
        QVERIFY(fetch->isVisible());
        QVERIFY2(
            window->findChild<QLabel*>(u"commitField"_s)->text().contains(u"not in the clone"_s),
            qPrintable(window->findChild<QLabel*>(u"commitField"_s)->text()));

        QSignalSpy fetched(window->findChild<ui::DetailsPanel*>(u"detailsPanel"_s),
                           &ui::DetailsPanel::cloneFetched);
        QTest::mouseClick(fetch, Qt::LeftButton);
        QVERIFY(fetched.wait(60000));
        QTRY_COMPARE_WITH_TIMEOUT(view->state(), ui::BuildCommitView::State::Resolved, 30000);
        QCOMPARE(view->commit()->id, m_ids[u"h1"_s]);
        QVERIFY(!fetch->isVisible());
        // The timeline asks the clone again too.
        const TimelineModel* model = window->timelineModel();
        QTRY_COMPARE_WITH_TIMEOUT(model->index(model->rowOfDigest(m_digests.value(u"v1.2.1"_s)))
                                      .data(TimelineModel::CommitSummaryRole)
                                      .toString(),
                                  u"Hotfix: round refunds to the cent"_s, 30000);
    }

    void withoutACloneTheViewsSaySo() {
        const auto window = makeWindow(QString());
        QVERIFY(window);
        QVERIFY(select(*window, m_digests.value(u"v1.2.0"_s)));
        QCOMPARE(commitView(*window)->state(), ui::BuildCommitView::State::NoClone);
        const QString header = window->findChild<QLabel*>(u"commitLogHeader"_s)->text();
        QVERIFY2(header.contains(u"Link a git clone"_s), qPrintable(header));
        QVERIFY(window->timelineModel()
                    ->index(0)
                    .data(TimelineModel::CommitSummaryRole)
                    .toString()
                    .isEmpty());
    }
};

BERTH_WIDGET_TEST_MAIN(TestCommitPanel)
#include "tst_commitpanel.moc"
