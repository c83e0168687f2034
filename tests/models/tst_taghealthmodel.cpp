// The tag health table without a window: one row per lint finding, computed on a worker
// from the shown repository, with the counts, the builds to select, the lookups the
// timeline paints from, stale results dropped and a policy change linted again.

#include "TestMain.h"

#include "timeline/TagHealthModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QThreadPool>

using namespace Qt::StringLiterals;
using namespace berth;

namespace {

const QString kRepository = u"localhost:5000/acme/payment-api"_s;
const QString kRevision = u"org.opencontainers.image.revision"_s;
const QDateTime kFirstSeen(QDate(2026, 5, 4), QTime(10, 0), Qt::UTC);

QString digestOf(char seed) {
    return u"sha256:"_s + QString(64, QChar::fromLatin1(seed));
}

// A build of commit seed×40, pushed under `tags`.
Build build(char seed, const QStringList& tags) {
    Build build;
    build.digest = digestOf(seed);
    build.labels.insert(kRevision, QString(40, QChar::fromLatin1(seed)));
    build.tags = TagClassifier().classifyAll(tags);
    return build;
}

// `tag` seen on the builds `seeds`, an hour apart, newest first (as the history answers).
QList<TagPosition> history(const QString& tag, const QByteArray& seeds) {
    QList<TagPosition> positions;
    for (qsizetype i = 0; i < seeds.size(); ++i) {
        const QDateTime seen = kFirstSeen.addSecs(3600 * i);
        positions.prepend(TagPosition{tag, digestOf(seeds[i]), seen, seen.addSecs(600),
                                      u"ci@runner (berthctl)"_s});
    }
    return positions;
}

LoadedRepository loaded(QList<Build> builds, QList<TagPosition> positions = {},
                        const QString& repository = kRepository) {
    LoadedRepository result;
    result.repository = repository;
    result.collection.builds = std::move(builds);
    result.positions = std::move(positions);
    return result;
}

// v1.0.0 moved from a to b outside Berth; final2 fits no form; c carries no revision.
LoadedRepository troubled() {
    Build unlabelled = build('c', {u"v1.1.0"_s, u"ccccccc"_s});
    unlabelled.labels.clear();
    return loaded({build('a', {u"aaaaaaa"_s}), build('b', {u"v1.0.0"_s, u"bbbbbbb"_s, u"final2"_s}),
                   unlabelled},
                  history(u"v1.0.0"_s, "ab"));
}

// Lints `repository` and waits for the answer.
bool lint(TagHealthModel& model, const LoadedRepository& repository) {
    QSignalSpy changed(&model, &TagHealthModel::findingsChanged);
    model.setRepository(repository);
    return changed.wait(20000);
}

QStringList rows(const TagHealthModel& model) {
    QStringList lines;
    for (int row = 0; row < model.rowCount(); ++row) {
        QStringList cells;
        for (int column = 0; column < TagHealthModel::RuleColumn; ++column)
            cells.append(model.index(row, column).data().toString());
        lines.append(cells.join(u' '));
    }
    return lines;
}

// Every lint still running has answered, and its answer was handed over (or dropped).
void settle() {
    QThreadPool::globalInstance()->waitForDone();
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
}

} // namespace

class TestTagHealthModel : public QObject {
    Q_OBJECT

private slots:
    void oneRowPerFinding_data() {
        QTest::addColumn<LoadedRepository>("repository");
        QTest::addColumn<QStringList>("expected");
        QTest::addColumn<int>("errors");
        QTest::addColumn<int>("warnings");
        QTest::newRow("clean") << loaded({build('a', {u"v1.0.0"_s, u"aaaaaaa"_s, u"latest"_s,
                                                      u"v1.0"_s, u"v1"_s})})
                               << QStringList{} << 0 << 0;
        QTest::newRow("troubled") << troubled()
                                  << QStringList{u"error STRAY_TAG final2"_s,
                                                 u"error IMMUTABLE_MOVED v1.0.0"_s,
                                                 u"warning NO_REVISION v1.1.0, ccccccc"_s}
                                  << 2 << 1;
    }

    void oneRowPerFinding() {
        QFETCH(LoadedRepository, repository);
        QFETCH(QStringList, expected);
        QFETCH(int, errors);
        QFETCH(int, warnings);
        TagHealthModel model;
        QAbstractItemModelTester tester(&model);
        QVERIFY(lint(model, repository));
        QVERIFY(!model.isComputing());
        QCOMPARE(model.repository(), kRepository);
        QCOMPARE(model.columnCount(), int(TagHealthModel::ColumnCount));
        QStringList shown = rows(model);
        // The lint's order is by code; what matters here is that every finding is a row.
        shown.sort();
        expected.sort();
        QCOMPARE(shown, expected);
        QCOMPARE(model.errorCount(), errors);
        QCOMPARE(model.warningCount(), warnings);
        for (int row = 0; row < model.rowCount(); ++row) {
            const QModelIndex rule = model.index(row, TagHealthModel::RuleColumn);
            QVERIFY(!rule.data().toString().isEmpty());
            QCOMPARE(rule.data(Qt::ToolTipRole), rule.data());
        }
    }

    void aFindingNamesTheBuildToSelectFirst() {
        TagHealthModel model;
        QVERIFY(lint(model, troubled()));
        QHash<QString, QStringList> digestsByCode;
        for (int row = 0; row < model.rowCount(); ++row) {
            const QModelIndex index = model.index(row, 0);
            digestsByCode.insert(index.data(TagHealthModel::CodeRole).toString(),
                                 index.data(TagHealthModel::DigestsRole).toStringList());
        }
        // The moved tag: the build it is on now, then the one it left.
        QCOMPARE(digestsByCode.value(u"IMMUTABLE_MOVED"_s),
                 (QStringList{digestOf('b'), digestOf('a')}));
        QCOMPARE(digestsByCode.value(u"STRAY_TAG"_s), QStringList{digestOf('b')});
        QCOMPARE(digestsByCode.value(u"NO_REVISION"_s), QStringList{digestOf('c')});
    }

    void theTimelineLooksUpAlarmsAndRules() {
        TagHealthModel model;
        QVERIFY(lint(model, troubled()));
        const TagHealth& health = model.health();

        const QList<TagAlarm> onB = health.alarmsOn(digestOf('b'));
        QCOMPARE(onB.size(), 1);
        QCOMPARE(onB.first().tag, u"v1.0.0"_s);
        QVERIFY(onB.first().carriesNow);
        QCOMPARE(onB.first().moves.size(), 1);
        const TagLintMove& move = onB.first().moves.first();
        QCOMPARE(move.fromDigest, digestOf('a'));
        QCOMPARE(move.toDigest, digestOf('b'));
        QCOMPARE(move.when, kFirstSeen.addSecs(3600));
        QCOMPARE(move.observedBy, u"ci@runner (berthctl)"_s);
        QVERIFY(move.audited.isEmpty()); // outside Berth

        const QList<TagAlarm> onA = health.alarmsOn(digestOf('a'));
        QCOMPARE(onA.size(), 1);
        QVERIFY(!onA.first().carriesNow);
        QVERIFY(health.alarmsOn(digestOf('c')).isEmpty());

        const TagRule* rule = health.ruleOf(u"final2"_s);
        QVERIFY(rule);
        QCOMPARE(rule->setting, u"tags"_s);
        QVERIFY2(rule->rule.contains(u"final2 fits none of the forms"_s), qPrintable(rule->rule));
        QVERIFY(!health.ruleOf(u"v1.0.0"_s));
        QVERIFY(!health.ruleOf(u"bbbbbbb"_s));
    }

    void aStaleResultIsDropped() {
        TagHealthModel model;
        QAbstractItemModelTester tester(&model);
        QSignalSpy changed(&model, &TagHealthModel::findingsChanged);
        // A refresh while the first read still lints: only the second read may show.
        model.setRepository(troubled());
        model.setRepository(loaded({build('a', {u"v1.0.0"_s, u"aaaaaaa"_s})}));
        QVERIFY(changed.wait(20000));
        settle();
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.errorCount(), 0);
    }

    void anotherRepositoryClearsAtOnce() {
        TagHealthModel model;
        QAbstractItemModelTester tester(&model);
        QVERIFY(lint(model, troubled()));
        QVERIFY(model.rowCount() > 0);
        model.setRepository(
            loaded({build('d', {u"v2.0.0"_s, u"ddddddd"_s})}, {}, u"localhost:5000/acme/other"_s));
        // Nothing of the first repository while the second one lints.
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(model.repository().isEmpty());
        QVERIFY(model.isComputing());
        QSignalSpy changed(&model, &TagHealthModel::findingsChanged);
        QVERIFY(changed.wait(20000));
        QCOMPARE(model.repository(), u"localhost:5000/acme/other"_s);

        model.setRepository(troubled());
        model.clear(); // the repository was removed before its lint answered
        settle();
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(model.repository().isEmpty());
        // A policy change afterwards has nothing to lint.
        model.setPolicy(TagPolicy::defaults(u"test"_s));
        QVERIFY(!model.isComputing());
    }

    void aPolicyChangeLintsAgain() {
        TagHealthModel model;
        QAbstractItemModelTester tester(&model);
        QVERIFY(lint(model, loaded({build('a', {u"1.0.0"_s, u"aaaaaaa"_s})})));
        QCOMPARE(rows(model), QStringList{u"error STRAY_TAG 1.0.0"_s});
        QVERIFY(model.health().ruleOf(u"1.0.0"_s));

        const Result<TagPolicy> withoutV =
            parseTagPolicy("[tags]\nsemver = \"\"\n", u"berth.toml"_s, u"test"_s);
        QVERIFY2(withoutV, qPrintable(withoutV.errorMessage()));
        QSignalSpy changed(&model, &TagHealthModel::findingsChanged);
        model.setPolicy(*withoutV);
        QVERIFY(changed.wait(20000));
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!model.health().ruleOf(u"1.0.0"_s));
        QCOMPARE(model.policy().semverPrefix, QString());
    }
};

BERTH_TEST_MAIN(TestTagHealthModel)
#include "tst_taghealthmodel.moc"
