// The board's table model under QAbstractItemModelTester: a board set whole, rows replaced
// and added one at a time as repositories are read, cleared; what each cell shows and says.

#include "TestMain.h"

#include "board/BoardModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace berth;

namespace {

const QString kBuild = u"sha256:"_s + QString(64, u'a');
const QString kOlder = u"sha256:"_s + QString(64, u'b');

BoardCell cell(const QString& environment, const QString& digest, const QString& version,
               UpstreamStanding standing = UpstreamStanding::None, const QString& upstream = {}) {
    BoardCell result;
    result.environment = environment;
    result.digest = digest;
    result.version = version;
    result.standing = standing;
    result.upstream = upstream;
    return result;
}

BoardRow row(const QString& repository, const QString& production, UpstreamStanding standing) {
    BoardCell staging = cell(u"staging"_s, kBuild, u"v1.1.0"_s);
    staging.since = QDateTime(QDate(2026, 3, 4), QTime(10, 30), Qt::UTC);
    staging.verdict = VerdictKind::Good;
    return BoardRow{.repository = repository,
                    .cells = {staging, cell(u"production"_s, production,
                                            production == kBuild ? u"v1.1.0"_s : u"v1.0.0"_s,
                                            standing, u"staging"_s)},
                    .problem = {}};
}

} // namespace

class TestBoardModel : public QObject {
    Q_OBJECT

private slots:
    void cellsSayWhatRunsWhereAndHowItCameThere() {
        BoardModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setBoard({u"staging"_s, u"production"_s},
                       {row(u"h/acme/api"_s, kOlder, UpstreamStanding::Differs),
                        row(u"h/acme/web"_s, kBuild, UpstreamStanding::Same)});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.columnCount(), 3);
        QCOMPARE(model.headerData(0, Qt::Horizontal).toString(), u"Repository"_s);
        QCOMPARE(model.headerData(2, Qt::Horizontal).toString(), u"production"_s);
        QCOMPARE(model.index(0, 0).data().toString(), u"acme/api"_s);
        QCOMPARE(model.index(0, 1).data().toString(), u"v1.1.0, since 2026-03-04, good"_s);
        QCOMPARE(model.index(0, 2).data().toString(), u"v1.0.0, ≠ staging"_s);
        QCOMPARE(model.index(0, 2).data(BoardModel::DigestRole).toString(), kOlder);
        QCOMPARE(model.index(0, 2).data(BoardModel::StandingRole).toInt(),
                 int(UpstreamStanding::Differs));
        QCOMPARE(model.index(0, 1).data(BoardModel::VerdictRole).toInt(), int(VerdictKind::Good));
        QVERIFY(!model.index(0, 2).data(BoardModel::VerdictRole).isValid());
        QCOMPARE(model.index(1, 2).data(BoardModel::RepositoryRole).toString(), u"h/acme/web"_s);
        const QString tip = model.index(0, 2).data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(u"production runs v1.0.0"_s) &&
                     tip.contains(u"staging has moved on"_s) &&
                     tip.contains(u"First seen there just now"_s),
                 qPrintable(tip));
    }

    void aRefreshReplacesOrAddsOneRow() {
        BoardModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setBoard({u"staging"_s, u"production"_s},
                       {row(u"h/acme/api"_s, kOlder, UpstreamStanding::Differs)});
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.updateRow(row(u"h/acme/api"_s, kBuild, UpstreamStanding::Same));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, 2).data().toString(), u"v1.1.0, = staging"_s);

        model.updateRow(row(u"h/acme/web"_s, kBuild, UpstreamStanding::Same));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.rowOf(u"h/acme/web"_s), 1);
        QCOMPARE(model.rowOf(u"h/acme/gone"_s), -1);

        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.columnCount(), 1);
    }

    void anAbsentEnvironmentIsADash() {
        BoardModel model;
        model.setBoard({u"dev"_s}, {BoardRow{.repository = u"h/acme/api"_s,
                                             .cells = {cell(u"dev"_s, {}, {})},
                                             .problem = {}}});
        QCOMPARE(model.index(0, 1).data().toString(), u"-"_s);
        QCOMPARE(model.index(0, 1).data(Qt::ToolTipRole).toString(),
                 u"No dev tag in this repository."_s);
    }
};

BERTH_TEST_MAIN(TestBoardModel)
#include "tst_boardmodel.moc"
