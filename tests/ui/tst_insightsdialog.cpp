// The Insights dialog: the four figures with their definitions, the three charts drawn
// from the report, and clicks on them selecting the moves behind the bar or point.

#include "WidgetTestMain.h"

#include "InsightsDialog.h"

#include "insights/DeliveryInsights.h"

#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QLabel>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QTreeWidget>

using namespace Qt::StringLiterals;
using namespace berth;

namespace {

QDateTime at(const QString& iso) {
    return QDateTime::fromString(iso, Qt::ISODate).toUTC();
}

QString digestOf(char build) {
    return u"sha256:"_s + QString(64, QChar::fromLatin1(build));
}

// Production: A where the history starts; B deployed on Tuesday of the first week; C on
// Thursday, marked bad 2 h later and rolled back to B after 3 h; D the next week.
InsightsInput history() {
    InsightsInput input;
    input.repository = u"127.0.0.1:5000/acme/api"_s;
    const QList<std::tuple<char, QString, QString>> stays{
        {'a', u"2026-11-01T08:00:00Z"_s, u"2026-11-03T08:00:00Z"_s},
        {'b', u"2026-11-03T09:00:00Z"_s, u"2026-11-05T09:00:00Z"_s},
        {'c', u"2026-11-05T10:00:00Z"_s, u"2026-11-05T13:00:00Z"_s},
        {'b', u"2026-11-05T13:00:00Z"_s, u"2026-11-10T09:00:00Z"_s},
        {'d', u"2026-11-10T10:00:00Z"_s, u"2026-11-15T23:00:00Z"_s},
    };
    for (const auto& [build, first, last] : stays)
        input.positions.append({u"production"_s, digestOf(build), at(first), at(last), u"test"_s});
    Action rollback;
    rollback.id = 7;
    rollback.time = at(u"2026-11-05T12:59:00Z"_s);
    rollback.tag = u"production"_s;
    rollback.fromDigest = digestOf('c');
    rollback.toDigest = digestOf('b');
    rollback.kind = ActionKind::Rollback;
    rollback.state = ActionState::Succeeded;
    input.actions = {rollback};
    Verdict bad;
    bad.digest = digestOf('c');
    bad.environment = u"production"_s;
    bad.verdict = VerdictKind::Bad;
    bad.time = at(u"2026-11-05T12:00:00Z"_s);
    input.verdicts = {bad};
    return input;
}

} // namespace

class InsightsDialogTest : public QObject {
    Q_OBJECT

private slots:
    void theFiguresAndChartsComeFromTheReport() {
        auto dialog = open();
        QCOMPARE(dialog->findChild<QLabel*>(u"deploymentFrequencyValue"_s)->text(),
                 u"3 deployments, 1.5 per week"_s);
        QCOMPARE(dialog->findChild<QLabel*>(u"changeFailureRateValue"_s)->text(),
                 u"33% (1 of 3)"_s);
        QCOMPARE(dialog->findChild<QLabel*>(u"timeToRestoreValue"_s)->text(),
                 u"median 1h, worst 1h (1 restored)"_s);
        QCOMPARE(dialog->findChild<QLabel*>(u"leadTimeValue"_s)->text(),
                 u"needs the service's git clone"_s);
        // Each figure says what it counts.
        QVERIFY(dialog->findChild<QLabel*>(u"changeFailureRateValue"_s)
                    ->toolTip()
                    .contains(u"within 7d"_s));

        QBarSeries* weekly = barsOf(dialog.get(), u"deploymentsChart"_s);
        QVERIFY(weekly);
        QCOMPARE(weekly->barSets().size(), 2);
        QBarSet* deployed = weekly->barSets().at(0);
        QCOMPARE(deployed->count(), 2);
        QCOMPARE(deployed->at(0), 2.0);                // B and C
        QCOMPARE(deployed->at(1), 1.0);                // D
        QCOMPARE(weekly->barSets().at(1)->at(0), 1.0); // C failed

        auto* failures = dialog->findChild<QChartView*>(u"failuresChart"_s);
        QVERIFY(failures);
        const auto scatter = failures->chart()->series();
        QCOMPARE(scatter.size(), 2);
        auto* failed = qobject_cast<QScatterSeries*>(scatter.at(0));
        QCOMPARE(failed->count(), 1);
        QCOMPARE(failed->at(0).x(), double(at(u"2026-11-05T12:00:00Z"_s).toMSecsSinceEpoch()));
        QCOMPARE(failed->at(0).y(), 1.0); // an hour to restore
        QVERIFY(dialog->findChild<QLabel*>(u"insightsNotes"_s)->text().contains(u"git clone"_s));
    }

    void clickingABarOrAPointSelectsTheMovesBehindIt() {
        auto dialog = open();
        QBarSeries* weekly = barsOf(dialog.get(), u"deploymentsChart"_s);
        QVERIFY(weekly);
        // The first week: B, C and the rollback to B.
        emit weekly->clicked(0, weekly->barSets().at(0));
        QCOMPARE(dialog->selectedMoves(), (QList<int>{0, 1, 2}));
        emit weekly->clicked(1, weekly->barSets().at(0));
        QCOMPARE(dialog->selectedMoves(), QList<int>{3});

        auto* failed = qobject_cast<QScatterSeries*>(
            dialog->findChild<QChartView*>(u"failuresChart"_s)->chart()->series().at(0));
        emit failed->clicked(failed->at(0));
        QCOMPARE(dialog->selectedMoves(), QList<int>{1}); // C, the failed deployment

        // Choosing a move asks the window to show its build.
        QSignalSpy chosen(dialog.get(), &ui::InsightsDialog::buildChosen);
        auto* moves = dialog->findChild<QTreeWidget*>(u"insightsMoves"_s);
        QCOMPARE(moves->topLevelItemCount(), 4);
        QCOMPARE(moves->topLevelItem(2)->text(5), u"Berth (audit #7)"_s);
        QCOMPARE(moves->topLevelItem(1)->text(5), u"outside Berth"_s);
        emit moves->itemActivated(moves->topLevelItem(1), 0);
        QCOMPARE(chosen.size(), 1);
        QCOMPARE(chosen.at(0).at(1).toString(), digestOf('c'));
    }

    void aFailedReadIsSaidAndNothingIsDrawn() {
        ui::InsightsDialog dialog(u"127.0.0.1:5000/acme/api"_s, [](QObject*, const InsightsOptions&,
                                                                   Callback<InsightsReport> done) {
            done(Result<InsightsReport>::failure(u"database is locked"_s));
        });
        QVERIFY(!dialog.isLoading());
        QCOMPARE(dialog.findChild<QLabel*>(u"insightsStatus"_s)->text(),
                 u"Insights could not be read: database is locked"_s);
        QCOMPARE(dialog.findChild<QTreeWidget*>(u"insightsMoves"_s)->topLevelItemCount(), 0);
    }

private:
    static std::unique_ptr<ui::InsightsDialog> open() {
        auto dialog = std::make_unique<ui::InsightsDialog>(
            u"127.0.0.1:5000/acme/api"_s,
            [](QObject*, const InsightsOptions& asked, Callback<InsightsReport> done) {
                // The dialog's environment and window, over a fixed fortnight.
                InsightsOptions options = asked;
                options.since = at(u"2026-11-02T00:00:00Z"_s);
                options.until = at(u"2026-11-16T00:00:00Z"_s);
                done(computeInsights(history(), options, {}));
            });
        dialog->show();
        return dialog;
    }

    static QBarSeries* barsOf(ui::InsightsDialog* dialog, const QString& name) {
        auto* view = dialog->findChild<QChartView*>(name);
        return view ? qobject_cast<QBarSeries*>(view->chart()->series().value(0)) : nullptr;
    }
};

BERTH_WIDGET_TEST_MAIN(InsightsDialogTest)

#include "tst_insightsdialog.moc"
