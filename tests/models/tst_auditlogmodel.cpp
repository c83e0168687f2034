// The audit log table and its filters over actions read back from a real SQLite history
// database, every model wrapped by QAbstractItemModelTester.

#include "TestMain.h"

#include "history/AuditLogFilterModel.h"
#include "history/AuditLogModel.h"
#include "history/HistoryStore.h"

#include <QAbstractItemModelTester>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using namespace berth;

namespace {

const QString kRegistry = u"127.0.0.1:5000"_s;
const QString kRepository = u"acme/payment-api"_s;
const QString kOne = u"sha256:"_s + QString(64, u'1');
const QString kTwo = u"sha256:"_s + QString(64, u'2');

struct Written {
    ActionKind kind;
    QString tag;
    QString from;
    QString to;
    QString reason;
    ActionState state;
    QString error;
};

} // namespace

class TestAuditLogModel : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    HistoryStore m_store;
    QList<Action> m_actions; // as the store answers them, newest first

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        const Status opened = m_store.open(m_dir.filePath(u"history.sqlite"_s));
        QVERIFY2(opened.ok(), qPrintable(opened.errorMessage()));
        const QList<Written> written{
            {ActionKind::Promote,
             u"staging"_s,
             kOne,
             kTwo,
             u"QA passed"_s,
             ActionState::Succeeded,
             {}},
            {ActionKind::Promote, u"production"_s, kOne, kTwo, u"release 1.1"_s,
             ActionState::Failed, u"registry answered 500"_s},
            {ActionKind::Rollback,
             u"production"_s,
             kTwo,
             kOne,
             u"checkout broken"_s,
             ActionState::Succeeded,
             {}},
            {ActionKind::MarkBad,
             u"production"_s,
             {},
             kTwo,
             u"payments fail"_s,
             ActionState::Succeeded,
             {}},
        };
        for (const Written& entry : written) {
            Action action;
            action.registry = kRegistry;
            action.repository = kRepository;
            action.kind = entry.kind;
            action.tag = entry.tag;
            action.fromDigest = entry.from;
            action.toDigest = entry.to;
            action.reason = entry.reason;
            action.transport = entry.kind == ActionKind::MarkBad ? QString() : u"registry"_s;
            const Result<qint64> id = m_store.beginAction(action);
            QVERIFY2(id.ok(), qPrintable(id.errorMessage()));
            QVERIFY(m_store.finishAction(id.value(), entry.state, entry.error).ok());
        }
        const Result<QList<Action>> actions = m_store.actions();
        QVERIFY(actions.ok());
        m_actions = actions.value();
        QCOMPARE(m_actions.size(), written.size());
    }

    void rowsFollowTheStoreNewestFirst() {
        AuditLogModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setActions(m_actions);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.columnCount(), int(AuditLogModel::ColumnCount));
        const QModelIndex newest = model.index(0, AuditLogModel::KindColumn);
        QCOMPARE(newest.data().toString(), u"mark-bad"_s);
        QCOMPARE(newest.data(AuditLogModel::ReasonRole).toString(), u"payments fail"_s);
        QCOMPARE(newest.data(AuditLogModel::ToDigestRole).toString(), kTwo);
        QCOMPARE(model.index(3, AuditLogModel::ReasonColumn).data().toString(), u"QA passed"_s);
        QCOMPARE(model.index(2, AuditLogModel::StateColumn).data().toString(), u"failed"_s);
        QCOMPARE(model.index(2, 0).data(AuditLogModel::ErrorRole).toString(),
                 u"registry answered 500"_s);
        QCOMPARE(model.index(1, AuditLogModel::FromColumn).data().toString(), QString(12, u'2'));
        QCOMPARE(model.tags(), (QStringList{u"production"_s, u"staging"_s}));
        QVERIFY(model.roleNames().contains(AuditLogModel::StateRole));
    }

    void filtersNarrowTheRows_data() {
        QTest::addColumn<QString>("tag");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("state");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("reasons");
        const QStringList all{u"payments fail"_s, u"checkout broken"_s, u"release 1.1"_s,
                              u"QA passed"_s};
        QTest::newRow("no filter") << QString() << QString() << QString() << QString() << all;
        QTest::newRow("tag") << u"staging"_s << QString() << QString() << QString()
                             << QStringList{u"QA passed"_s};
        QTest::newRow("kind") << QString() << u"rollback"_s << QString() << QString()
                              << QStringList{u"checkout broken"_s};
        QTest::newRow("state") << QString() << QString() << u"failed"_s << QString()
                               << QStringList{u"release 1.1"_s};
        QTest::newRow("tag and kind") << u"production"_s << u"promote"_s << QString() << QString()
                                      << QStringList{u"release 1.1"_s};
        QTest::newRow("text in the reason, case ignored")
            << QString() << QString() << QString() << u"CHECKOUT"_s
            << QStringList{u"checkout broken"_s};
        QTest::newRow("text in the error") << QString() << QString() << QString() << u"answered"_s
                                           << QStringList{u"release 1.1"_s};
        QTest::newRow("every word must match")
            << QString() << QString() << QString() << u"production fail"_s
            << QStringList{u"payments fail"_s};
        QTest::newRow("text in a digest")
            << QString() << u"promote"_s << QString() << QString(10, u'2')
            << QStringList{u"release 1.1"_s, u"QA passed"_s};
        QTest::newRow("nothing matches")
            << u"canary"_s << QString() << QString() << QString() << QStringList{};
    }

    void filtersNarrowTheRows() {
        QFETCH(QString, tag);
        QFETCH(QString, kind);
        QFETCH(QString, state);
        QFETCH(QString, text);
        QFETCH(QStringList, reasons);
        AuditLogModel model;
        AuditLogFilterModel filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester tester(&filter,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setActions(m_actions);
        filter.setTag(tag);
        filter.setKind(kind);
        filter.setState(state);
        filter.setSearchText(text);
        QStringList shown;
        for (int row = 0; row < filter.rowCount(); ++row)
            shown.append(filter.index(row, 0).data(AuditLogModel::ReasonRole).toString());
        QCOMPARE(shown, reasons);

        // Clearing every filter brings every row back.
        filter.setTag({});
        filter.setKind({});
        filter.setState({});
        filter.setSearchText({});
        QCOMPARE(filter.rowCount(), 4);
    }
};

BERTH_TEST_MAIN(TestAuditLogModel)
#include "tst_auditlogmodel.moc"
