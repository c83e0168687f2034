// The release board's rows and columns from a repository's read and its history: which
// name a cell gives the build, since when, its verdict, and how it stands against the
// environment before it (the same build, one the upstream ran before, or one it never ran).

#include "TestMain.h"

#include "board/BoardState.h"
#include "board/ReleaseBoard.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace berth;

namespace {

const QString kOld = u"sha256:"_s + QString(64, u'a');
const QString kNew = u"sha256:"_s + QString(64, u'b');
const QString kHotfix = u"sha256:"_s + QString(64, u'c');

QDateTime at(int day) {
    return QDateTime(QDate(2026, 3, day), QTime(9, 0), Qt::UTC);
}

Build build(const QString& digest, const QStringList& tags) {
    Build result;
    result.digest = digest;
    result.tags = TagClassifier().classifyAll(tags);
    return result;
}

// Three builds: 1.0.0 (and its SHA tag), 1.1.0 with a pre-release tag, a hotfix known only
// by its SHA; where the environments are now is `current`.
BuildCollection collection(const QMap<QString, QString>& current) {
    BuildCollection result;
    result.repository = u"acme/api"_s;
    result.builds = {build(kOld, {u"v1.0.0"_s, u"a1b2c3d"_s}),
                     build(kNew, {u"v1.1.0-rc.1"_s, u"v1.1.0"_s}),
                     build(kHotfix, {u"main-c0ffee1"_s, u"c0ffee1"_s})};
    result.tagDigests = {{u"v1.0.0"_s, kOld}, {u"v1.1.0"_s, kNew}, {u"c0ffee1"_s, kHotfix}};
    for (auto it = current.cbegin(); it != current.cend(); ++it)
        result.tagDigests.insert(it.key(), it.value());
    return result;
}

TagPosition position(const QString& tag, const QString& digest, int firstDay, int lastDay) {
    return TagPosition{tag, digest, at(firstDay), at(lastDay), u"ci"_s};
}

const QStringList kColumns{u"dev"_s, u"staging"_s, u"production"_s};

} // namespace

class TestReleaseBoard : public QObject {
    Q_OBJECT

private slots:
    void aCellNamesTheBuildByItsReleaseElseItsCommit() {
        const BoardRow row = boardRow(
            u"localhost:5000/acme/api"_s,
            collection({{u"dev"_s, kHotfix}, {u"staging"_s, kNew}, {u"production"_s, kOld}}), {},
            {}, kColumns);
        QCOMPARE(row.repository, u"localhost:5000/acme/api"_s);
        QCOMPARE(row.cells.size(), 3);
        QCOMPARE(row.cells[0].version, u"c0ffee1"_s); // no release: the SHA tag
        QCOMPARE(row.cells[1].version, u"v1.1.0"_s);  // the release, not its candidate
        QCOMPARE(row.cells[2].version, u"v1.0.0"_s);
        // A build the read does not describe is named by its short digest.
        BuildCollection bare;
        bare.tagDigests = {{u"production"_s, kOld}};
        QCOMPARE(boardRow(u"r"_s, bare, {}, {}, kColumns).cells[2].version, kOld.left(19));
    }

    void standingAgainstUpstreamComesFromTheHistory() {
        // staging ran kOld before moving to kNew; production still runs kOld: it is behind.
        // dev has only ever run the hotfix, so staging's kNew did not come through it.
        const QList<TagPosition> positions{
            position(u"staging"_s, kNew, 5, 6), position(u"staging"_s, kOld, 1, 4),
            position(u"production"_s, kOld, 2, 6), position(u"dev"_s, kHotfix, 3, 6)};
        const BoardRow row = boardRow(
            u"r"_s,
            collection({{u"dev"_s, kHotfix}, {u"staging"_s, kNew}, {u"production"_s, kOld}}),
            positions, {}, kColumns);
        QCOMPARE(row.cells[0].standing, UpstreamStanding::None);
        QVERIFY(row.cells[0].upstream.isEmpty());
        QCOMPARE(row.cells[1].standing, UpstreamStanding::NotFromUpstream);
        QCOMPARE(row.cells[1].upstream, u"dev"_s);
        QCOMPARE(row.cells[2].standing, UpstreamStanding::Differs);
        QCOMPARE(row.cells[2].upstream, u"staging"_s);
        QCOMPARE(row.cells[1].since, at(5)); // the current stretch, not the first sighting
        QCOMPARE(row.cells[2].since, at(2));

        // Promoted: production now runs what staging runs.
        const BoardRow promoted = boardRow(
            u"r"_s,
            collection({{u"dev"_s, kHotfix}, {u"staging"_s, kNew}, {u"production"_s, kNew}}),
            positions, {}, kColumns);
        QCOMPARE(promoted.cells[2].standing, UpstreamStanding::Same);
        QVERIFY(!promoted.cells[2].since.isValid()); // just read: the history has no row yet
    }

    void anEmptyColumnIsSkippedAsUpstream() {
        const BoardRow row = boardRow(
            u"r"_s, collection({{u"dev"_s, kNew}, {u"production"_s, kNew}}), {}, {}, kColumns);
        QVERIFY(row.cells[1].isEmpty());
        QCOMPARE(row.cells[1].standing, UpstreamStanding::None);
        QCOMPARE(row.cells[2].upstream, u"dev"_s);
        QCOMPARE(row.cells[2].standing, UpstreamStanding::Same);
    }

    void theNewestVerdictForTheEnvironmentCounts() {
        Verdict good;
        good.digest = kOld;
        good.environment = u"production"_s;
        good.verdict = VerdictKind::Good;
        good.time = at(3);
        Verdict bad = good;
        bad.verdict = VerdictKind::Bad;
        bad.time = at(4);
        Verdict elsewhere = good;
        elsewhere.environment = u"staging"_s;
        const QMap<QString, QString> current{{u"staging"_s, kOld}, {u"production"_s, kOld}};
        const BoardRow row =
            boardRow(u"r"_s, collection(current), {}, {bad, good, elsewhere}, kColumns);
        QCOMPARE(row.cells[2].verdict, std::optional(VerdictKind::Bad));
        QCOMPARE(row.cells[1].verdict, std::optional(VerdictKind::Good));
        QCOMPARE(row.cells[0].verdict, std::nullopt);
    }

    void rowsWhereTwoEnvironmentsDiffer() {
        const BoardRow behind = boardRow(
            u"r"_s, collection({{u"staging"_s, kNew}, {u"production"_s, kOld}}), {}, {}, kColumns);
        const BoardRow level = boardRow(
            u"r"_s, collection({{u"staging"_s, kNew}, {u"production"_s, kNew}}), {}, {}, kColumns);
        const BoardRow unreleased =
            boardRow(u"r"_s, collection({{u"staging"_s, kNew}}), {}, {}, kColumns);
        QVERIFY(environmentsDiffer(behind, u"staging"_s, u"production"_s));
        QVERIFY(!environmentsDiffer(level, u"staging"_s, u"production"_s));
        QVERIFY(environmentsDiffer(unreleased, u"staging"_s, u"production"_s));
        QVERIFY(!environmentsDiffer(unreleased, u"dev"_s, u"production"_s)); // both absent
    }

    void columnsAreThePromotionOrderThenOtherEnvironmentsSeen() {
        const QList<BuildCollection> rows{collection({{u"canary"_s, kNew}, {u"qa"_s, kOld}}),
                                          collection({{u"production"_s, kOld}})};
        QCOMPARE(boardColumns(kColumns, rows),
                 (QStringList{u"dev"_s, u"staging"_s, u"production"_s, u"qa"_s, u"canary"_s}));
        QCOMPARE(upstreamStandingName(UpstreamStanding::NotFromUpstream), u"not-from-upstream"_s);
    }

    void promotionOrdersMergeEarlierFirst() {
        const QStringList policy{u"dev"_s, u"uat"_s, u"production"_s};
        QCOMPARE(mergePromotionOrders({policy, kColumns}),
                 (QStringList{u"dev"_s, u"uat"_s, u"staging"_s, u"production"_s}));
        // A later list that disagrees changes nothing; one that adds after the end appends.
        QCOMPARE(mergePromotionOrders({kColumns, {u"production"_s, u"dev"_s}}), kColumns);
        QCOMPARE(mergePromotionOrders({kColumns, {u"production"_s, u"hotfix"_s}}),
                 kColumns + QStringList{u"hotfix"_s});
        QCOMPARE(mergePromotionOrders({{u"canary"_s, u"production"_s}, kColumns}),
                 (QStringList{u"canary"_s, u"dev"_s, u"staging"_s, u"production"_s}));
        QCOMPARE(mergePromotionOrders({}), QStringList{});
    }

    void aRowFollowsItsOwnPolicy() {
        const QString ordered = u"localhost:5000/acme/api"_s;
        const QString plain = u"localhost:5000/acme/web"_s;
        const auto look = [](const QString& repository, const QMap<QString, QString>& at) {
            LoadedRepository loaded;
            loaded.repository = repository;
            loaded.collection = collection(at);
            return loaded;
        };
        BoardState state;
        state.reset({ordered, plain}, kColumns);
        state.show(look(ordered, {{u"uat"_s, kNew}, {u"production"_s, kOld}}));
        state.show(look(plain, {{u"staging"_s, kNew}, {u"production"_s, kNew}}));
        // Without its policy, "uat" is no environment of the defaults: no column.
        QCOMPARE(state.columns(), kColumns);

        TagPolicy policy = TagPolicy::defaults(u"test"_s);
        policy.environments = {u"dev"_s, u"uat"_s, u"production"_s};
        policy.promotionOrdered = true;
        QVERIFY(state.setPolicies({{ordered, policy}}));
        QCOMPARE(state.columns(), (QStringList{u"dev"_s, u"uat"_s, u"staging"_s, u"production"_s}));
        QCOMPARE(state.promotionOrder(), state.columns());
        const BoardRow api = state.row(ordered);
        QCOMPARE(api.cells.at(1).digest, kNew);
        QVERIFY(api.cells.at(2).isEmpty()); // no staging in its order or its tags
        QCOMPARE(api.cells.at(3).upstream, u"uat"_s);
        QCOMPARE(api.cells.at(3).standing, UpstreamStanding::NotFromUpstream);
        const BoardRow web = state.row(plain);
        QVERIFY(web.cells.at(1).isEmpty());
        QCOMPARE(web.cells.at(3).upstream, u"staging"_s);
        QCOMPARE(web.cells.at(3).standing, UpstreamStanding::Same);

        // The clone unlinked: the defaults again.
        QVERIFY(state.setPolicies({}));
        QCOMPARE(state.columns(), kColumns);
    }

    void theBoardKeepsARowsCommitsWhileItsBuildsStay() {
        const QString repository = u"localhost:5000/acme/api"_s;
        const auto look = [&repository](const QString& production) {
            LoadedRepository loaded;
            loaded.repository = repository;
            loaded.collection = collection({{u"staging"_s, kNew}, {u"production"_s, production}});
            return loaded;
        };
        const auto productionOf = [](const BoardRow& row) { return row.cells.at(2); };
        BoardState state;
        state.reset({repository}, kColumns);
        state.show(look(kOld));
        QVERIFY(!state.commitsKnown(repository));
        BoardRow read = state.row(repository);
        read.cells[2].commitsBehind = 3;
        read.cells[2].commitsToShip = {u"c0ffee1 Fix the cart"_s};
        state.showCommits(read);
        QVERIFY(state.commitsKnown(repository));
        QCOMPARE(productionOf(state.row(repository)).commitsBehind, 3);

        // A refresh that finds the same builds keeps them: nothing is read again.
        state.show(look(kOld));
        QVERIFY(state.commitsKnown(repository));
        QCOMPARE(productionOf(state.row(repository)).commitsToShip,
                 QStringList{u"c0ffee1 Fix the cart"_s});
        QCOMPARE(state.rows().first().cells.at(2).commitsBehind, 3);

        // Production moved: the commits were for another build.
        state.show(look(kHotfix));
        QVERIFY(!state.commitsKnown(repository));
        QCOMPARE(productionOf(state.row(repository)).commitsBehind, -1);
    }
};

BERTH_TEST_MAIN(TestReleaseBoard)
#include "tst_releaseboard.moc"
