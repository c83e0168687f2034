// The timeline's models without a window: the build list and its roles, the filter
// and sort proxy, environment lanes from history, and the sidebar's repository tree.

#include "TestMain.h"

#include "git/GitError.h"
#include "timeline/EnvironmentLane.h"
#include "timeline/RepositoryListModel.h"
#include "timeline/TimelineFilterModel.h"
#include "timeline/TimelineModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace berth;

Q_DECLARE_METATYPE(berth::TagPosition)

namespace {

const QString kRepository = u"localhost:5000/acme/payment-api"_s;

QString digestOf(int n) {
    return u"sha256:%1"_s.arg(n, 64, 16, QLatin1Char('0'));
}

Build makeBuild(int n, const QString& created, const QStringList& tags,
                const QMap<QString, QString>& labels = {}, const QString& config = {}) {
    Build build;
    build.digest = digestOf(n);
    build.mediaType = MediaTypes::OciManifest;
    build.configDigest = config.isEmpty() ? digestOf(1000 + n) : config;
    build.created = QDateTime::fromString(created, Qt::ISODate);
    build.labels = labels;
    build.revision = labels.value(u"org.opencontainers.image.revision"_s);
    build.platforms = {Platform{u"linux"_s, u"amd64"_s, {}, build.digest, 0}};
    build.size = 1000 * n;
    build.tags = TagClassifier().classifyAll(tags);
    sortTagsForDisplay(build.tags);
    return build;
}

// Three releases; production one behind staging; build 3 re-encodes build 2's config.
QList<Build> releaseBuilds() {
    QList<Build> builds{
        makeBuild(1, u"2026-01-01T10:00:00Z"_s, {u"v1.0.0"_s, u"a3f2c8d"_s},
                  {{u"org.opencontainers.image.revision"_s, u"a3f2c8d0b1"_s}}),
        makeBuild(2, u"2026-02-01T10:00:00Z"_s, {u"v1.1.0"_s, u"production"_s, u"main-b4e5f6a"_s},
                  {{u"org.opencontainers.image.revision"_s, u"b4e5f6a7c8"_s},
                   {u"git.branch"_s, u"main"_s}}),
        makeBuild(3, u"2026-03-01T10:00:00Z"_s, {u"v1.2.0"_s, u"staging"_s, u"latest"_s},
                  {{u"build.date"_s, u"2026-03-01"_s}}, digestOf(1002)),
        makeBuild(4, {}, {u"final2"_s}),
    };
    sortNewestFirst(builds);
    return builds;
}

BuildCollection collectionOf(const QList<Build>& builds) {
    BuildCollection collection;
    collection.repository = u"acme/payment-api"_s;
    collection.builds = builds;
    for (const Build& build : builds)
        for (const ClassifiedTag& tag : build.tags)
            collection.tagDigests.insert(tag.name, build.digest);
    return collection;
}

// What a clone said about three of the four release builds: build 2 resolved, build 1
// not fetched, build 3 names no commit; build 4 was not asked about.
QList<BuildCommit> cloneAnswers() {
    CommitInfo info;
    info.id = u"b4e5f6a7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3"_s;
    info.shortId = info.id.left(7);
    info.summary = u"Round refunds to the cent before settlement"_s;
    info.authorName = u"Grace Hopper"_s;
    return {
        BuildCommit{digestOf(2), u"b4e5f6a7c8"_s, info},
        BuildCommit{digestOf(1), u"a3f2c8d0b1"_s,
                    Error::make(u"Commit a3f2c8d0b1 is not in the clone"_s, 0,
                                QString(GitErrorCode::NotInClone))},
        BuildCommit{
            digestOf(3), QString(),
            Error::make(u"The build names no commit"_s, 0, QString(GitErrorCode::NoRevision))},
    };
}

TagPosition position(const QString& tag, int build, const QString& first, const QString& last) {
    return TagPosition{tag, digestOf(build), QDateTime::fromString(first, Qt::ISODate),
                       QDateTime::fromString(last, Qt::ISODate), u"test"_s};
}

} // namespace

class TestTimelineModel : public QObject {
    Q_OBJECT

private slots:
    void rowsAreBuildsNewestFirstWithTheirRoles() {
        TimelineModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setBuilds(kRepository, releaseBuilds());
        QCOMPARE(model.rowCount(), 4);
        const QModelIndex newest = model.index(0);
        QCOMPARE(newest.data(TimelineModel::DigestRole).toString(), digestOf(3));
        QCOMPARE(newest.data(TimelineModel::ShortDigestRole).toString(), u"000000000000"_s);
        QCOMPARE(newest.data(TimelineModel::ReferenceRole).toString(),
                 kRepository + u'@' + digestOf(3));
        QCOMPARE(newest.data(TimelineModel::TagNamesRole).toStringList(),
                 (QStringList{u"staging"_s, u"latest"_s, u"v1.2.0"_s}));
        const auto tags = newest.data(TimelineModel::TagsRole).value<QList<ClassifiedTag>>();
        QCOMPARE(tags.first().kind, TagKind::Environment);
        QCOMPARE(newest.data(TimelineModel::PlatformsRole).toStringList(),
                 QStringList{u"linux/amd64"_s});
        QCOMPARE(newest.data(TimelineModel::SizeRole).toLongLong(), 3000);
        QCOMPARE(model.index(1).data(TimelineModel::RevisionRole).toString(), u"b4e5f6a7c8"_s);
        QCOMPARE(model.index(1).data(TimelineModel::LabelsRole).toMap().value(u"git.branch"_s),
                 QVariant(u"main"_s));
        // No creation time: last.
        QCOMPARE(model.index(3).data(TimelineModel::DigestRole).toString(), digestOf(4));
        QVERIFY(!model.index(3).data(TimelineModel::CreatedRole).toDateTime().isValid());
        QCOMPARE(model.rowOfDigest(digestOf(2)), 1);
        QCOMPARE(model.rowOfDigest(u"sha256:nope"_s), -1);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void buildsSharingAConfigAreLinked() {
        TimelineModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setBuilds(kRepository, releaseBuilds());
        QCOMPARE(model.index(0).data(TimelineModel::SharesConfigWithRole).toStringList(),
                 QStringList{digestOf(2)});
        QCOMPARE(model.index(1).data(TimelineModel::SharesConfigWithRole).toStringList(),
                 QStringList{digestOf(3)});
        QVERIFY(model.index(2).data(TimelineModel::SharesConfigWithRole).toStringList().isEmpty());
    }

    void commitRolesShowWhatTheCloneSaid_data() {
        QTest::addColumn<int>("build");
        QTest::addColumn<QString>("summary");
        QTest::addColumn<QString>("commitId");
        QTest::addColumn<bool>("problem");
        QTest::newRow("resolved") << 2 << u"Round refunds to the cent before settlement"_s
                                  << u"b4e5f6a7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3"_s << false;
        QTest::newRow("not in the clone") << 1 << QString() << QString() << true;
        QTest::newRow("names no commit: no problem") << 3 << QString() << QString() << false;
        QTest::newRow("not asked about") << 4 << QString() << QString() << false;
    }

    void commitRolesShowWhatTheCloneSaid() {
        QFETCH(int, build);
        QFETCH(QString, summary);
        QFETCH(QString, commitId);
        QFETCH(bool, problem);
        TimelineModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setBuilds(kRepository, releaseBuilds());
        const QModelIndex row = model.index(model.rowOfDigest(digestOf(build)));
        QVERIFY(row.data(TimelineModel::CommitSummaryRole).toString().isEmpty());

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setCommits(cloneAnswers());
        QCOMPARE(changed.count(), 1);
        const auto roles = changed.first().at(2).value<QList<int>>();
        QVERIFY(roles.contains(TimelineModel::CommitSummaryRole));
        QCOMPARE(row.data(TimelineModel::CommitSummaryRole).toString(), summary);
        QCOMPARE(row.data(TimelineModel::CommitIdRole).toString(), commitId);
        QCOMPARE(!row.data(TimelineModel::CommitProblemRole).toString().isEmpty(), problem);

        // A refresh of the same repository keeps the answers until the clone is asked again;
        // another repository or an unlinked clone forgets them.
        model.setBuilds(kRepository, releaseBuilds());
        QCOMPARE(model.index(model.rowOfDigest(digestOf(build)))
                     .data(TimelineModel::CommitSummaryRole)
                     .toString(),
                 summary);
        model.setCommits({});
        QVERIFY(model.index(model.rowOfDigest(digestOf(build)))
                    .data(TimelineModel::CommitSummaryRole)
                    .toString()
                    .isEmpty());
        model.setCommits(cloneAnswers());
        model.setBuilds(u"localhost:5000/acme/other"_s, releaseBuilds());
        QVERIFY(model.index(model.rowOfDigest(digestOf(build)))
                    .data(TimelineModel::CommitSummaryRole)
                    .toString()
                    .isEmpty());
    }

    void filterNarrowsOverTagsRevisionsAndLabels_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("digests");
        const QStringList all{digestOf(3), digestOf(2), digestOf(1), digestOf(4)};
        QTest::newRow("empty") << QString() << all;
        QTest::newRow("blank") << u"   "_s << all;
        QTest::newRow("exact tag") << u"v1.1.0"_s << QStringList{digestOf(2)};
        QTest::newRow("ignores case") << u"PRODUCTION"_s << QStringList{digestOf(2)};
        QTest::newRow("part of a tag") << u"v1."_s << all.mid(0, 3);
        QTest::newRow("revision") << u"a3f2c8d0"_s << QStringList{digestOf(1)};
        QTest::newRow("label value") << u"2026-03-01"_s << QStringList{digestOf(3)};
        QTest::newRow("label key") << u"git.branch"_s << QStringList{digestOf(2)};
        QTest::newRow("every word must match") << u"v1 staging"_s << QStringList{digestOf(3)};
        QTest::newRow("other tag") << u"final"_s << QStringList{digestOf(4)};
        QTest::newRow("nothing") << u"does-not-exist"_s << QStringList{};
    }

    void filterNarrowsOverTagsRevisionsAndLabels() {
        QFETCH(QString, text);
        QFETCH(QStringList, digests);
        TimelineModel model;
        TimelineFilterModel filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester tester(&filter,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setBuilds(kRepository, releaseBuilds());
        filter.setSearchText(text);
        QStringList shown;
        for (int row = 0; row < filter.rowCount(); ++row)
            shown.append(filter.index(row, 0).data(TimelineModel::DigestRole).toString());
        QCOMPARE(shown, digests);
    }

    void sortsByCreatedTime_data() {
        QTest::addColumn<bool>("newestFirst");
        QTest::addColumn<QStringList>("digests");
        QTest::newRow("newest first")
            << true << QStringList{digestOf(3), digestOf(2), digestOf(1), digestOf(4)};
        QTest::newRow("oldest first, unknown time still last")
            << false << QStringList{digestOf(1), digestOf(2), digestOf(3), digestOf(4)};
    }

    void sortsByCreatedTime() {
        QFETCH(bool, newestFirst);
        QFETCH(QStringList, digests);
        TimelineModel model;
        TimelineFilterModel filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester tester(&filter,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setBuilds(kRepository, releaseBuilds());
        filter.setNewestFirst(newestFirst);
        QStringList shown;
        for (int row = 0; row < filter.rowCount(); ++row)
            shown.append(filter.index(row, 0).data(TimelineModel::DigestRole).toString());
        QCOMPARE(shown, digests);
    }

    void lanesComeFromHistoryAndTheCurrentRead_data() {
        QTest::addColumn<QList<TagPosition>>("history");
        QTest::addColumn<QString>("tag");
        QTest::addColumn<QStringList>("positions"); // digests, newest first
        QTest::newRow("no history: where it is now")
            << QList<TagPosition>{} << u"production"_s << QStringList{digestOf(2)};
        QTest::newRow("history agrees with now")
            << QList<TagPosition>{position(u"production"_s, 1, u"2026-01-02T00:00:00Z"_s,
                                           u"2026-02-02T00:00:00Z"_s),
                                  position(u"production"_s, 2, u"2026-02-02T00:00:00Z"_s,
                                           u"2026-03-02T00:00:00Z"_s)}
            << u"production"_s << QStringList{digestOf(2), digestOf(1)};
        QTest::newRow("moved since the last record")
            << QList<TagPosition>{position(u"staging"_s, 2, u"2026-02-02T00:00:00Z"_s,
                                           u"2026-03-02T00:00:00Z"_s)}
            << u"staging"_s << QStringList{digestOf(3), digestOf(2)};
        QTest::newRow("a tag gone from the registry keeps its past")
            << QList<TagPosition>{position(u"qa"_s, 1, u"2026-01-02T00:00:00Z"_s,
                                           u"2026-01-03T00:00:00Z"_s)}
            << u"qa"_s << QStringList{digestOf(1)};
    }

    void lanesComeFromHistoryAndTheCurrentRead() {
        QFETCH(QList<TagPosition>, history);
        QFETCH(QString, tag);
        QFETCH(QStringList, positions);
        QList<TagPosition> withOthers = history;
        withOthers.append(position(u"v1.0.0"_s, 1, u"2026-01-01T00:00:00Z"_s,
                                   u"2026-03-01T00:00:00Z"_s)); // not an environment
        const QList<EnvironmentLane> lanes =
            environmentLanes(collectionOf(releaseBuilds()), withOthers);
        QStringList tags;
        for (const EnvironmentLane& lane : lanes)
            tags.append(lane.tag);
        QVERIFY(!tags.contains(u"v1.0.0"_s));
        QVERIFY2(tags.contains(tag), qPrintable(tags.join(u' ')));
        const EnvironmentLane& lane = lanes.at(tags.indexOf(tag));
        QStringList digests;
        for (const LanePosition& stay : lane.positions)
            digests.append(stay.digest);
        QCOMPARE(digests, positions);
    }

    void laneMarkersShowCurrentAndPastPositions() {
        TimelineModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QList<Build> builds = releaseBuilds();
        model.setBuilds(kRepository, builds);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setLanes(environmentLanes(
            collectionOf(builds),
            {position(u"production"_s, 1, u"2026-01-02T00:00:00Z"_s, u"2026-02-02T00:00:00Z"_s),
             position(u"production"_s, 2, u"2026-02-02T00:00:00Z"_s, u"2026-03-02T00:00:00Z"_s)}));
        QCOMPARE(changed.count(), 1);
        const auto markersOf = [&model](const QString& digest) {
            return model.index(model.rowOfDigest(digest))
                .data(TimelineModel::LaneMarkersRole)
                .value<QList<LaneMarker>>();
        };
        const QList<LaneMarker> now = markersOf(digestOf(2));
        QCOMPARE(now.size(), 1);
        QCOMPARE(now.first().tag, u"production"_s);
        QVERIFY(now.first().current);
        const QList<LaneMarker> before = markersOf(digestOf(1));
        QCOMPARE(before.size(), 1);
        QVERIFY(!before.first().current);
        QCOMPARE(before.first().age, 1);
        QCOMPARE(before.first().lastSeen,
                 QDateTime::fromString(u"2026-02-02T00:00:00Z"_s, Qt::ISODate));
        QCOMPARE(markersOf(digestOf(3)).size(), 1); // staging, now
    }

    // The tag moved away when the next position was first seen, not when it was last
    // seen on the old one (a record run may not have looked for days).
    void aPastPositionEndsWhenTheNextOneWasFirstSeen() {
        TimelineModel model;
        const QList<Build> builds = releaseBuilds();
        model.setBuilds(kRepository, builds);
        model.setLanes(environmentLanes(
            collectionOf(builds),
            {position(u"production"_s, 1, u"2026-01-02T00:00:00Z"_s, u"2026-01-20T00:00:00Z"_s),
             position(u"production"_s, 2, u"2026-02-02T00:00:00Z"_s, u"2026-03-02T00:00:00Z"_s)}));
        const QDateTime moved = QDateTime::fromString(u"2026-02-02T00:00:00Z"_s, Qt::ISODate);
        const auto found =
            std::find_if(model.lanes().cbegin(), model.lanes().cend(),
                         [](const EnvironmentLane& lane) { return lane.tag == u"production"_s; });
        QVERIFY(found != model.lanes().cend());
        const EnvironmentLane& lane = *found;
        QCOMPARE(lane.movedAwayAt(1), moved);
        QVERIFY(!lane.movedAwayAt(0).isValid());
        const auto markers = model.index(model.rowOfDigest(digestOf(1)))
                                 .data(TimelineModel::LaneMarkersRole)
                                 .value<QList<LaneMarker>>();
        QCOMPARE(markers.size(), 1);
        QCOMPARE(markers.first().until, moved);
    }

    // Who judged a build good or bad for which environment, as roles and lane markers.
    void verdictsReachRowsAndLaneMarkers() {
        TimelineModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QList<Build> builds = releaseBuilds();
        model.setBuilds(kRepository, builds);
        model.setLanes(environmentLanes(
            collectionOf(builds),
            {position(u"production"_s, 1, u"2026-01-02T00:00:00Z"_s, u"2026-01-20T00:00:00Z"_s),
             position(u"production"_s, 2, u"2026-02-02T00:00:00Z"_s, u"2026-03-02T00:00:00Z"_s)}));
        const QDateTime at = QDateTime::fromString(u"2026-02-03T08:00:00Z"_s, Qt::ISODate);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setVerdicts(
            {Verdict{u"localhost:5000"_s, u"acme/payment-api"_s, digestOf(1), u"staging"_s,
                     VerdictKind::Good, at, u"grace"_s, u"soaked a week"_s},
             Verdict{u"localhost:5000"_s, u"acme/payment-api"_s, digestOf(1), u"production"_s,
                     VerdictKind::Bad, at, u"alice"_s, u"refunds rounded wrong"_s}});
        QCOMPARE(changed.count(), 1);
        const QModelIndex row = model.index(model.rowOfDigest(digestOf(1)));
        const auto verdicts = row.data(TimelineModel::VerdictsRole).value<QList<Verdict>>();
        QCOMPARE(verdicts.size(), 2);
        QCOMPARE(verdicts.first().verdict, VerdictKind::Bad); // bad ones first
        QCOMPARE(verdicts.first().user, u"alice"_s);
        QCOMPARE(verdicts.first().reason, u"refunds rounded wrong"_s);
        QCOMPARE(verdicts.first().time, at);
        const auto markers = row.data(TimelineModel::LaneMarkersRole).value<QList<LaneMarker>>();
        QCOMPARE(markers.size(), 1);
        QCOMPARE(markers.first().verdict, std::optional(VerdictKind::Bad));
        QVERIFY(model.index(model.rowOfDigest(digestOf(2)))
                    .data(TimelineModel::VerdictsRole)
                    .value<QList<Verdict>>()
                    .isEmpty());
        QVERIFY(model.verdictOf(digestOf(1), u"production"_s));
        QVERIFY(!model.verdictOf(digestOf(2), u"production"_s));
    }

    // The filter finds a build by its commit's summary once the clone resolved it.
    void filterSearchesCommitSummaries() {
        TimelineModel model;
        TimelineFilterModel filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester tester(&filter,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setBuilds(kRepository, releaseBuilds());
        filter.setSearchText(u"refunds cent"_s);
        QCOMPARE(filter.rowCount(), 0);
        model.setCommits(cloneAnswers());
        QCOMPARE(filter.rowCount(), 1);
        QCOMPARE(filter.index(0, 0).data(TimelineModel::DigestRole).toString(), digestOf(2));
    }

    void repositoriesAreAddedByName_data() {
        QTest::addColumn<QStringList>("names");
        QTest::addColumn<QStringList>("registries");
        QTest::addColumn<QStringList>("repositories"); // in tree order
        QTest::newRow("one") << QStringList{u"localhost:5000/acme/app"_s}
                             << QStringList{u"localhost:5000"_s}
                             << QStringList{u"localhost:5000/acme/app"_s};
        QTest::newRow("docker hub short name")
            << QStringList{u"ubuntu"_s} << QStringList{u"docker.io"_s}
            << QStringList{u"docker.io/library/ubuntu"_s};
        QTest::newRow("sorted, grouped, no duplicates")
            << QStringList{u"ghcr.io/b/z"_s, u"localhost:5000/x"_s, u"ghcr.io/a/y"_s,
                           u"ghcr.io/b/z"_s}
            << QStringList{u"ghcr.io"_s, u"localhost:5000"_s}
            << QStringList{u"ghcr.io/a/y"_s, u"ghcr.io/b/z"_s, u"localhost:5000/x"_s};
    }

    void repositoriesAreAddedByName() {
        QFETCH(QStringList, names);
        QFETCH(QStringList, registries);
        QFETCH(QStringList, repositories);
        RepositoryListModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        for (const QString& name : names) {
            const Result<QModelIndex> added = model.addRepository(name);
            QVERIFY2(added.ok(), qPrintable(added.errorMessage()));
            QCOMPARE(added->data(RepositoryListModel::RepositoryRole).toString(),
                     model.indexOfRepository(name).data(RepositoryListModel::RepositoryRole));
        }
        QStringList shownRegistries;
        QStringList shownRepositories;
        for (int row = 0; row < model.rowCount(); ++row) {
            const QModelIndex registry = model.index(row, 0);
            QVERIFY(registry.data(RepositoryListModel::IsRegistryRole).toBool());
            shownRegistries.append(registry.data().toString());
            for (int child = 0; child < model.rowCount(registry); ++child)
                shownRepositories.append(model.index(child, 0, registry)
                                             .data(RepositoryListModel::RepositoryRole)
                                             .toString());
        }
        QCOMPARE(shownRegistries, registries);
        QCOMPARE(shownRepositories, repositories);
    }

    void badRepositoryNamesAreRefused_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("empty") << QString();
        QTest::newRow("upper case path") << u"localhost:5000/Acme"_s;
        QTest::newRow("with a tag") << u"localhost:5000/acme/app:v1"_s;
        QTest::newRow("with a digest") << u"acme/app@"_s + digestOf(1);
    }

    void badRepositoryNamesAreRefused() {
        QFETCH(QString, name);
        RepositoryListModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const Result<QModelIndex> added = model.addRepository(name);
        QVERIFY(!added.ok());
        QVERIFY(!added.errorMessage().isEmpty());
        QCOMPARE(model.rowCount(), 0);
    }

    void registriesKeepTheirOptionsAndCanBeRemoved() {
        RepositoryListModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        RegistryOptions insecure;
        insecure.insecure = true;
        model.addRegistry(u"registry.lan:5000"_s, insecure);
        QVERIFY(model.addRepository(u"registry.lan:5000/team/app"_s).ok());
        QVERIFY(model.optionsFor(u"registry.lan:5000"_s).insecure);
        QVERIFY(!model.optionsFor(u"ghcr.io"_s).insecure);
        QVERIFY(model.removeRow(model.indexOfRepository(u"registry.lan:5000/team/app"_s)));
        QCOMPARE(model.rowCount(model.index(0, 0)), 0);
        QVERIFY(model.removeRow(model.index(0, 0)));
        QCOMPARE(model.rowCount(), 0);
    }

    void tenThousandBuildsLoadQuickly() {
        QList<Build> builds;
        builds.reserve(10000);
        for (int n = 0; n < 10000; ++n)
            builds.append(makeBuild(
                n + 1,
                QDateTime(QDate(2020, 1, 1), QTime(0, 0), Qt::UTC)
                    .addSecs(qint64(n) * 3600)
                    .toString(Qt::ISODate),
                {u"v1.%1.0"_s.arg(n), u"v1.%1"_s.arg(n), u"main-%1"_s.arg(n + 0x1000000, 7, 16)}));
        TimelineModel model;
        TimelineFilterModel filter;
        filter.setSourceModel(&model);
        QBENCHMARK_ONCE {
            model.setBuilds(kRepository, builds);
            QCOMPARE(filter.rowCount(), 10000);
        }
        filter.setSearchText(u"v1.9999"_s);
        QCOMPARE(filter.rowCount(), 1);
    }
};

BERTH_TEST_MAIN(TestTimelineModel)
#include "tst_timelinemodel.moc"
