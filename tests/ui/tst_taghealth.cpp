// Tag health in the window, against a real docker-registry and a real history: a release
// tag moved outside Berth is an alarm on its builds with the moves in the details, a stray
// tag's chip names the rule it breaks, and the "Tag health" view (Ctrl+H) lists every
// finding and selects its build.

#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "WidgetTestMain.h"
#include "WindowTestSupport.h"

#include "DetailsPanel.h"
#include "MainWindow.h"
#include "TagHealthActions.h"
#include "TagHealthDialog.h"
#include "TagMovesView.h"
#include "TimelineDelegate.h"
#include "TimelineView.h"

#include "timeline/TagHealthModel.h"
#include "timeline/TimelineModel.h"

#include <QAction>
#include <QHelpEvent>
#include <QJsonArray>
#include <QJsonObject>
#include <QLineEdit>
#include <QTableView>
#include <QTemporaryDir>
#include <QToolTip>
#include <QTreeWidget>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

// An image built from commit `commit`×40; without a commit it carries no revision label.
QJsonObject image(const QStringList& tags, const QString& created, char commit,
                  const QString& seed) {
    QJsonObject labels;
    if (commit != 0)
        labels.insert(u"org.opencontainers.image.revision"_s,
                      QString(40, QChar::fromLatin1(commit)));
    return QJsonObject{{u"tags"_s, QJsonArray::fromStringList(tags)},
                       {u"format"_s, u"oci"_s},
                       {u"created"_s, created},
                       {u"labels"_s, labels},
                       {u"platforms"_s, QJsonArray{u"linux/amd64"_s}},
                       {u"layerSeed"_s, seed}};
}

// Three releases of `path`; final2 is a tag someone pushed by hand, and dev runs an older
// build nothing names (no version, no commit). `moves` re-points tags after the push
// ({"tag", "toImage"}).
QJsonObject releases(const QString& path, const QJsonArray& moves = {}) {
    const QJsonArray images{
        image({u"v1.0.0"_s, u"aaaaaaa"_s}, u"2026-01-02T03:04:05Z"_s, 'a', path + u"-one"_s),
        image({u"v1.1.0"_s, u"bbbbbbb"_s, u"final2"_s, u"staging"_s}, u"2026-02-03T04:05:06Z"_s,
              'b', path + u"-two"_s),
        image({u"v1.2.0"_s, u"ccccccc"_s, u"v1.2"_s, u"v1"_s, u"latest"_s, u"production"_s},
              u"2026-03-04T05:06:07Z"_s, 'c', path + u"-three"_s),
        image({u"dev"_s}, u"2025-12-01T00:00:00Z"_s, 0, path + u"-zero"_s)};
    return QJsonObject{{u"repository"_s, path}, {u"images"_s, images}, {u"moves"_s, moves}};
}

ui::TimelineView* timelineOf(const ui::MainWindow& window) {
    return window.findChild<ui::TimelineView*>(u"timeline"_s);
}

// Waits until the window's tag health has linted what the window shows.
bool linted(const ui::MainWindow& window) {
    const TagHealthModel* health = window.tagHealth()->model();
    return QTest::qWaitFor(
        [&] {
            return !health->isComputing() &&
                   health->repository() == window.timelineModel()->repository();
        },
        20000);
}

} // namespace

class TestTagHealth : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<RegistryServer> m_server;
    QStringList m_digests; // of kPath's images, as seeded
    QTemporaryDir m_history;

    static inline const QString kPath = u"acme/ledger"_s;

    QString repository(const QString& path = kPath) const {
        return m_server->hostPort() + u'/' + path;
    }

    std::unique_ptr<ui::MainWindow> makeWindow() {
        static int count = 0;
        return openWindow(m_history.filePath(u"history-%1.sqlite"_s.arg(++count)),
                          QSize(1400, 800));
    }

    QStringList seed(const QJsonObject& spec) {
        QString error;
        const QJsonObject seeded = RegistrySeeder::seed(*m_server, spec, &error);
        QStringList digests;
        for (const QJsonValue& value : seeded.value(u"images"_s).toArray())
            digests.append(value.toObject().value(u"digest"_s).toString());
        if (digests.isEmpty())
            qWarning("seeding failed: %s", qPrintable(error));
        return digests;
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
        m_digests = seed(releases(kPath));
        QCOMPARE(m_digests.size(), 4);
    }

    void cleanupTestCase() { m_server.reset(); }

    void aMovedReleaseTagIsAnAlarmWithItsHistory() {
        const QString path = u"acme/moved"_s;
        const QStringList digests = seed(releases(path));
        QCOMPARE(digests.size(), 4);
        const auto window = makeWindow();
        QVERIFY(load(*window, repository(path)));
        QVERIFY(linted(*window));
        const TimelineModel* timeline = window->timelineModel();
        auto* delegate = qobject_cast<ui::TimelineDelegate*>(timelineOf(*window)->itemDelegate());
        QVERIFY(delegate);
        const QModelIndex first = timeline->index(timeline->rowOfDigest(digests.at(0)));
        QVERIFY(delegate->alarmText(first).isEmpty());

        // Someone re-pushes v1.0.0 onto the second build, outside Berth.
        QCOMPARE(seed(releases(path, {QJsonObject{{u"tag"_s, u"v1.0.0"_s}, {u"toImage"_s, 1}}})),
                 digests);
        QVERIFY(refresh(*window));
        QVERIFY(linted(*window));

        const QModelIndex now = timeline->index(timeline->rowOfDigest(digests.at(1)));
        const QModelIndex before = timeline->index(timeline->rowOfDigest(digests.at(0)));
        QCOMPARE(delegate->alarmText(now), u"⚠ v1.0.0 moved"_s);
        QCOMPARE(delegate->alarmText(before), u"⚠ v1.0.0 moved off"_s);
        QVERIFY(
            delegate->alarmText(timeline->index(timeline->rowOfDigest(digests.at(2)))).isEmpty());
        QVERIFY2(window->tagHealth()->action()->text().startsWith(u"Tag health ("_s),
                 qPrintable(window->tagHealth()->action()->text()));

        // The details of the build it is on now list the move: the history that proves it.
        QVERIFY(timelineOf(*window)->selectDigest(digests.at(1)));
        auto* moves = window->findChild<ui::TagMovesView*>(u"tagMovesView"_s);
        QVERIFY(moves);
        QVERIFY(moves->isVisibleTo(window.get()));
        QVERIFY2(moves->headline().startsWith(u"⚠ v1.0.0 moved onto this build"_s),
                 qPrintable(moves->headline()));
        QTreeWidget* list = moves->list();
        QCOMPARE(list->topLevelItemCount(), 1);
        const QTreeWidgetItem* move = list->topLevelItem(0);
        QCOMPARE(move->text(ui::TagMovesView::TagColumn), u"v1.0.0"_s);
        QCOMPARE(move->data(ui::TagMovesView::FromColumn, Qt::UserRole).toString(), digests.at(0));
        QCOMPARE(move->data(ui::TagMovesView::ToColumn, Qt::UserRole).toString(), digests.at(1));
        QCOMPARE(move->text(ui::TagMovesView::FromColumn), shortDigestOf(digests.at(0)));
        QCOMPARE(move->text(ui::TagMovesView::MadeByColumn), u"outside Berth"_s);
        // Recorded by the refresh that saw it, so the history names when and who.
        QVERIFY(QDateTime::fromString(move->text(ui::TagMovesView::WhenColumn),
                                      u"yyyy-MM-dd HH:mm:ss"_s)
                    .isValid());
        QVERIFY(!move->text(ui::TagMovesView::SeenByColumn).isEmpty());
        QVERIFY(move->text(ui::TagMovesView::SeenByColumn) != u"this read"_s);

        // The build it left says so too; a build it never touched lists nothing.
        QVERIFY(timelineOf(*window)->selectDigest(digests.at(0)));
        QVERIFY2(moves->headline().startsWith(u"⚠ v1.0.0 moved off this build"_s),
                 qPrintable(moves->headline()));
        QVERIFY(timelineOf(*window)->selectDigest(digests.at(2)));
        QVERIFY(!moves->isVisibleTo(window.get()));
        QVERIFY(moves->headline().isEmpty());

        // The row's tooltip tells the move off the chips.
        auto* view = timelineOf(*window);
        QVERIFY(view->selectDigest(digests.at(1)));
        const QRect row = view->visualRect(view->currentIndex());
        const QPoint onRow(row.right() - 20, row.top() + 12);
        QHelpEvent help(QEvent::ToolTip, onRow, view->viewport()->mapToGlobal(onRow));
        QCoreApplication::sendEvent(view->viewport(), &help);
        QTRY_VERIFY(QToolTip::isVisible());
        QVERIFY2(QToolTip::text().contains(u"v1.0.0 is immutable (tags.immutable) but moved onto "
                                           u"this build"_s) &&
                     QToolTip::text().contains(u"outside Berth"_s),
                 qPrintable(QToolTip::text()));
        QToolTip::hideText();
    }

    void aStrayTagsChipNamesTheRuleItBreaks() {
        const auto window = makeWindow();
        QVERIFY(load(*window, repository()));
        QVERIFY(linted(*window));
        auto* view = timelineOf(*window);
        QVERIFY(view->selectDigest(m_digests.at(1)));
        const QModelIndex index = view->currentIndex();
        const QRect row = view->visualRect(index);
        const ui::TimelineDelegate::ChipLine line =
            ui::TimelineDelegate::chipLineOf(index, row, view->font());
        QRect chip;
        for (const auto& placed : line.chips) {
            if (placed.tag.name == u"final2"_s) {
                // Still the dashed chip of a tag that fits no scheme.
                QCOMPARE(placed.tag.kind, TagKind::Other);
                chip = placed.rect;
            }
        }
        QVERIFY(chip.isValid());
        QHelpEvent help(QEvent::ToolTip, chip.center(),
                        view->viewport()->mapToGlobal(chip.center()));
        QCoreApplication::sendEvent(view->viewport(), &help);
        QTRY_VERIFY(QToolTip::isVisible());
        const QString tip = QToolTip::text();
        QVERIFY2(tip.startsWith(u"final2: inconsistent"_s), qPrintable(tip));
        QVERIFY2(tip.contains(u"Breaks the tag policy's tags: final2 fits none of the forms"_s),
                 qPrintable(tip));
        QToolTip::hideText();

        // A tag that fits the policy says only its kind.
        for (const auto& placed : line.chips) {
            if (placed.tag.name != u"v1.1.0"_s)
                continue;
            QHelpEvent onVersion(QEvent::ToolTip, placed.rect.center(),
                                 view->viewport()->mapToGlobal(placed.rect.center()));
            QCoreApplication::sendEvent(view->viewport(), &onVersion);
            QTRY_VERIFY(QToolTip::isVisible());
            QCOMPARE(QToolTip::text(), u"v1.1.0: exact version (immutable)"_s);
            QToolTip::hideText();
        }
    }

    void activatingAFindingSelectsItsBuild() {
        const auto window = makeWindow();
        QVERIFY(load(*window, repository()));
        QVERIFY(linted(*window));
        auto* view = timelineOf(*window);
        QVERIFY(view->selectDigest(m_digests.at(2)));
        // The finding's build is hidden by the filter: activating it must still show it.
        auto* filter = window->findChild<QLineEdit*>(u"timelineFilter"_s);
        filter->setText(u"v1.2.0"_s);
        QCOMPARE(view->model()->rowCount(), 1);

        QAction* action = window->tagHealth()->action();
        QCOMPARE(action->shortcut(), QKeySequence(u"Ctrl+H"_s));
        // final2 and dev on a build nothing names.
        QCOMPARE(action->text(), u"Tag health (2 errors)"_s);
        window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window.get()));
        view->setFocus();
        QTest::keyClick(window.get(), Qt::Key_H, Qt::ControlModifier);
        ui::TagHealthDialog* dialog = window->tagHealth()->dialog();
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        QVERIFY(!dialog->isModal());
        QVERIFY2(dialog->summary().contains(u"2 errors and 1 warning"_s),
                 qPrintable(dialog->summary()));

        QTableView* table = dialog->table();
        QModelIndex stray;
        for (int row = 0; row < table->model()->rowCount(); ++row) {
            const QModelIndex index = table->model()->index(row, TagHealthModel::TagsColumn);
            if (index.data().toString() == u"final2"_s)
                stray = index;
        }
        QVERIFY(stray.isValid());
        QCOMPARE(stray.siblingAtColumn(TagHealthModel::CodeColumn).data().toString(),
                 u"STRAY_TAG"_s);
        table->setFocus();
        table->setCurrentIndex(stray);
        QTest::keyClick(table, Qt::Key_Return);

        QCOMPARE(view->currentDigest(), m_digests.at(1));
        QVERIFY(filter->text().isEmpty());
        QCOMPARE(window->findChild<QLineEdit*>(u"digestField"_s)->text(), m_digests.at(1));
    }

    void theViewIsSortable() {
        const auto window = makeWindow();
        QVERIFY(load(*window, repository()));
        QVERIFY(linted(*window));
        window->tagHealth()->showDialog();
        QTableView* table = window->tagHealth()->dialog()->table();
        QVERIFY(table->isSortingEnabled());
        const auto column = [table](int column) {
            QStringList values;
            for (int row = 0; row < table->model()->rowCount(); ++row)
                values.append(table->model()->index(row, column).data().toString());
            return values;
        };
        // Errors first by default.
        QCOMPARE(column(TagHealthModel::SeverityColumn),
                 (QStringList{u"error"_s, u"error"_s, u"warning"_s}));
        // A click on a header sorts by that column instead.
        table->sortByColumn(TagHealthModel::TagsColumn, Qt::AscendingOrder);
        QCOMPARE(column(TagHealthModel::TagsColumn),
                 (QStringList{u"dev"_s, u"dev"_s, u"final2"_s}));
        table->sortByColumn(TagHealthModel::CodeColumn, Qt::AscendingOrder);
        QCOMPARE(column(TagHealthModel::CodeColumn),
                 (QStringList{u"ENVIRONMENT_UNTRACEABLE"_s, u"NO_REVISION"_s, u"STRAY_TAG"_s}));
    }
};

BERTH_WIDGET_TEST_MAIN(TestTagHealth)
#include "tst_taghealth.moc"
