// A verified release drawn at once: the tag's chip moves between builds, the lane gains
// the new position, and nothing else of what the window shows changes.

#include "timeline/VerifiedMove.h"

#include "TestMain.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace berth;

namespace {

const QString kOld = u"sha256:"_s + QString(64, u'a');
const QString kNew = u"sha256:"_s + QString(64, u'b');
const QString kOther = u"sha256:"_s + QString(64, u'c');
const QDateTime kBefore = QDateTime(QDate(2026, 11, 1), QTime(9, 0), Qt::UTC);
const QDateTime kNow = QDateTime(QDate(2026, 11, 27), QTime(23, 4), Qt::UTC);

Build build(const QString& digest, const QList<ClassifiedTag>& tags) {
    Build result;
    result.digest = digest;
    result.tags = tags;
    return result;
}

// production and latest on the old build, v2.0.0 on the new one, staging on another.
LoadedRepository shown() {
    LoadedRepository loaded;
    loaded.repository = u"127.0.0.1:5000/acme/api"_s;
    loaded.collection.builds = {
        build(kNew, {{u"v2.0.0"_s, TagKind::ExactSemver}}),
        build(kOld, {{u"production"_s, TagKind::Environment}, {u"latest"_s, TagKind::Latest}}),
        build(kOther, {{u"staging"_s, TagKind::Environment}})};
    loaded.collection.tagDigests = {
        {u"production"_s, kOld}, {u"latest"_s, kOld}, {u"v2.0.0"_s, kNew}, {u"staging"_s, kOther}};
    loaded.lanes = {EnvironmentLane{u"staging"_s, kOther, {LanePosition{kOther, kBefore, kBefore}}},
                    EnvironmentLane{u"production"_s, kOld, {LanePosition{kOld, kBefore, kBefore}}}};
    return loaded;
}

QStringList tagNames(const Build& build) {
    QStringList names;
    for (const ClassifiedTag& tag : build.tags)
        names.append(tag.name);
    return names;
}

} // namespace

class TestVerifiedMove : public QObject {
    Q_OBJECT

private slots:
    void theChipAndTheLaneMove() {
        const std::optional<LoadedRepository> moved =
            withVerifiedMove(shown(), u"production"_s, kNew, kNow);
        QVERIFY(moved);
        const QList<Build>& builds = moved->collection.builds;
        QCOMPARE(builds.size(), 3);
        QVERIFY(tagNames(builds[0]).contains(u"production"_s));
        QVERIFY(tagNames(builds[0]).contains(u"v2.0.0"_s));
        QCOMPARE(tagNames(builds[1]), QStringList{u"latest"_s}); // only production left it
        QCOMPARE(tagNames(builds[2]), QStringList{u"staging"_s});
        QCOMPARE(moved->collection.tagDigests.value(u"production"_s), kNew);
        QCOMPARE(moved->collection.tagDigests.value(u"latest"_s), kOld);

        const EnvironmentLane& production = moved->lanes[1];
        QCOMPARE(production.tag, u"production"_s);
        QCOMPARE(production.currentDigest, kNew);
        QCOMPARE(production.positions.size(), 2);
        QCOMPARE(production.positions[0], (LanePosition{kNew, kNow, kNow}));
        QCOMPARE(production.positions[1].digest, kOld); // the rollback target stays known
        QCOMPARE(moved->lanes[0], shown().lanes[0]);    // staging untouched
    }

    void theKindTheReadGaveIsKept() {
        const auto moved = withVerifiedMove(shown(), u"latest"_s, kNew, kNow);
        QVERIFY(moved);
        const QList<ClassifiedTag>& tags = moved->collection.builds[0].tags;
        const auto latest = std::find_if(tags.begin(), tags.end(), [](const ClassifiedTag& tag) {
            return tag.name == u"latest"_s;
        });
        QVERIFY(latest != tags.end());
        QCOMPARE(latest->kind, TagKind::Latest);
    }

    void aMoveToWhereTheTagIsChangesNothing() {
        const auto moved = withVerifiedMove(shown(), u"production"_s, kOld, kNow);
        QVERIFY(moved);
        QCOMPARE(moved->lanes, shown().lanes);
        QCOMPARE(tagNames(moved->collection.builds[1]),
                 (QStringList{u"production"_s, u"latest"_s}));
    }

    void aBuildTheWindowDoesNotShowCannotBeDrawn() {
        const QString unknown = u"sha256:"_s + QString(64, u'd');
        QVERIFY(!withVerifiedMove(shown(), u"production"_s, unknown, kNow).has_value());
    }
};

BERTH_TEST_MAIN(TestVerifiedMove)
#include "tst_verifiedmove.moc"
