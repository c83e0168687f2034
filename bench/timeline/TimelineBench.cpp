// Benchmark (Qt Test, QBENCHMARK): the timeline with 10,000 builds and 30,000 tags.
//
//   modelFromStoredData   the history store's positions read back (SQLite), the lanes
//                         computed and TimelineModel filled (setBuilds + setLanes), as
//                         RepositoryLoader and MainWindow do after a load. Goal <= 200 ms.
//   readStoredPositions   positionsOfRepository alone (part of the above).
//   lanesFromPositions    environmentLanes alone (part of the above).
//   modelOnly             setBuilds + setLanes alone, lanes already computed.
//   modelReference        the same rows put into a QStandardItemModel (one item per
//                         build with its text and tag names): Qt's stock model.
//   paintViewport         one viewport of TimelineView (real delegate, behind the real
//                         filter model) rendered offscreen into an image. Goal <= 8 ms.
//   paintViewportReference  the same viewport size of a plain QListView with the default
//                         delegate over modelReference's model.
//
// The builds are constructed in process (the manifest/config cache is not read: in the
// window the registry's answer, not the database, produces the build list); tag
// positions go through a real HistoryStore in a temporary SQLite file.
// Not a CTest test. Run: bench/timeline/run, or timeline-bench -median 5.

#include "TimelineDelegate.h"
#include "TimelineView.h"

#include "history/HistoryStore.h"
#include "timeline/EnvironmentLane.h"
#include "timeline/TimelineFilterModel.h"
#include "timeline/TimelineModel.h"

#include <QApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QImage>
#include <QListView>
#include <QPainter>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTest>

#include <sys/resource.h>

#include <utility>

using namespace Qt::StringLiterals;
using namespace berth;

namespace {

constexpr int kBuilds = 10000;
const QString kRegistry = u"127.0.0.1:5000"_s;
const QString kRepository = u"bench/service"_s;
const QSize kViewport(1000, 700);

QString digestOf(const QString& seed) {
    return u"sha256:"_s +
           QString::fromLatin1(
               QCryptographicHash::hash(seed.toUtf8(), QCryptographicHash::Sha256).toHex());
}

} // namespace

class TimelineBench : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void modelFromStoredData();
    void readStoredPositions();
    void lanesFromPositions();
    void modelOnly();
    void modelReference();
    void paintViewport();
    void paintViewportReference();
    void cleanupTestCase();

private:
    QTemporaryDir m_dir;
    HistoryStore m_store;
    BuildCollection m_collection;
    QList<EnvironmentLane> m_lanes;
    qsizetype m_tagCount = 0;
    qsizetype m_positionCount = 0;
};

void TimelineBench::initTestCase() {
    QVERIFY(m_dir.isValid());
    QVERIFY(m_store.open(m_dir.filePath(u"history.sqlite"_s)).ok());

    // 10,000 builds, newest first, 3 immutable tags each (exact semver, git SHA,
    // branch-SHA) = 30,000 tags; every 25th build is a two-platform index; every 40th
    // shares its config with the next one (a re-encoded image).
    const QDateTime newest = QDateTime::fromSecsSinceEpoch(1767225600, Qt::UTC);
    m_collection.repository = kRepository;
    const TagClassifier classifier;
    for (int i = 0; i < kBuilds; ++i) {
        Build build;
        build.digest = digestOf(u"build-%1"_s.arg(i));
        build.mediaType = i % 25 == 0 ? u"application/vnd.oci.image.index.v1+json"_s
                                      : u"application/vnd.oci.image.manifest.v1+json"_s;
        build.configDigest = digestOf(u"config-%1"_s.arg(i % 40 == 1 ? i - 1 : i));
        build.created = newest.addSecs(-3600LL * i);
        const QString sha = QString::fromLatin1(
            QCryptographicHash::hash(QByteArray("commit-").append(QByteArray::number(i)),
                                     QCryptographicHash::Sha1)
                .toHex());
        build.revision = sha;
        build.labels = {
            {u"org.opencontainers.image.revision"_s, sha},
            {u"org.opencontainers.image.source"_s, u"https://git.example/acme/svc"_s},
            {u"org.opencontainers.image.version"_s, u"v3.%1.%2"_s.arg(i / 100).arg(i % 100)}};
        build.platforms.append(Platform{u"linux"_s, u"amd64"_s, {}, {}, 0});
        if (build.isIndex())
            build.platforms.append(Platform{u"linux"_s, u"arm64"_s, u"v8"_s, {}, 0});
        build.size = 48'000'000 + 1000LL * i;
        const int version = kBuilds - 1 - i;
        const QStringList tags{u"v3.%1.%2"_s.arg(version / 100).arg(version % 100), sha.left(7),
                               u"main-"_s + sha.left(7)};
        build.tags = classifier.classifyAll(tags);
        for (const QString& tag : tags)
            m_collection.tagDigests.insert(tag, build.digest);
        m_collection.builds.append(build);
    }

    // Stored data: every tag recorded once, then 120 releases moving dev, qa, staging and
    // production (and latest) back through the builds, each recorded at its own time.
    QVERIFY(m_store
                .recordObservations(kRegistry, kRepository, m_collection.tagDigests,
                                    newest.addDays(-400), u"bench"_s)
                .ok());
    const QStringList environments{u"dev"_s, u"qa"_s, u"staging"_s, u"production"_s, u"latest"_s};
    // (Timed on the side: what one refresh of a few tags costs in a 30,000-tag repository.)
    QElapsedTimer recordTimer;
    recordTimer.start();
    constexpr int kReleases = 120;
    for (int release = kReleases; release >= 0; --release) {
        QMap<QString, QString> moves;
        for (int e = 0; e < environments.size(); ++e)
            moves.insert(environments.at(e),
                         m_collection.builds.at(release * 3 + (e == 3 ? 6 : e)).digest);
        QVERIFY(m_store
                    .recordObservations(kRegistry, kRepository, moves,
                                        newest.addSecs(-3600LL * release), u"bench"_s)
                    .ok());
    }
    qInfo("recordObservations of 5 environment tags into the 30,000-tag repository: %.1f ms "
          "per call (mean of %d)",
          double(recordTimer.nsecsElapsed()) / 1e6 / (kReleases + 1), kReleases + 1);
    for (int e = 0; e < environments.size(); ++e) {
        const QString digest = m_collection.builds.at(e == 3 ? 6 : e).digest;
        m_collection.tagDigests.insert(environments.at(e), digest);
        m_collection.builds[e == 3 ? 6 : e].tags.append(
            {environments.at(e), classifier.classify(environments.at(e))});
    }
    for (Build& build : m_collection.builds)
        sortTagsForDisplay(build.tags);
    m_tagCount = m_collection.tagDigests.size();

    const Result<QList<TagPosition>> positions =
        m_store.positionsOfRepository(kRegistry, kRepository);
    QVERIFY(positions.ok());
    m_positionCount = positions->size();
    m_lanes = environmentLanes(m_collection, *positions);
    qInfo("%lld builds, %lld tags, %lld stored tag positions, %lld lanes",
          static_cast<long long>(m_collection.builds.size()), static_cast<long long>(m_tagCount),
          static_cast<long long>(m_positionCount), static_cast<long long>(m_lanes.size()));
}

void TimelineBench::modelFromStoredData() {
    QBENCHMARK {
        const Result<QList<TagPosition>> positions =
            m_store.positionsOfRepository(kRegistry, kRepository);
        QVERIFY(positions.ok());
        TimelineModel model;
        model.setBuilds(kRegistry + u'/' + kRepository, m_collection.builds);
        model.setLanes(environmentLanes(m_collection, *positions));
        QCOMPARE(model.rowCount(), kBuilds);
    }
}

void TimelineBench::readStoredPositions() {
    QBENCHMARK {
        const Result<QList<TagPosition>> positions =
            m_store.positionsOfRepository(kRegistry, kRepository);
        QCOMPARE(positions->size(), m_positionCount);
    }
}

void TimelineBench::lanesFromPositions() {
    const Result<QList<TagPosition>> positions =
        m_store.positionsOfRepository(kRegistry, kRepository);
    QVERIFY(positions.ok());
    QBENCHMARK {
        const QList<EnvironmentLane> lanes = environmentLanes(m_collection, *positions);
        QCOMPARE(lanes.size(), m_lanes.size());
    }
}

void TimelineBench::modelOnly() {
    QBENCHMARK {
        TimelineModel model;
        model.setBuilds(kRegistry + u'/' + kRepository, m_collection.builds);
        model.setLanes(m_lanes);
        QCOMPARE(model.rowCount(), kBuilds);
    }
}

namespace {

// rowHeight > 0: every item asks for that height, so a viewport shows as many rows as
// the timeline's.
void fillReference(QStandardItemModel& model, const QList<Build>& builds, int rowHeight = 0) {
    model.clear();
    for (const Build& build : builds) {
        QStringList names;
        for (const ClassifiedTag& tag : build.tags)
            names.append(tag.name);
        auto* item = new QStandardItem(build.created.toString(Qt::ISODate) + u"  "_s +
                                       shortDigestOf(build.digest) + u"  "_s + names.join(u' '));
        item->setData(build.digest, TimelineModel::DigestRole);
        item->setData(names, TimelineModel::TagNamesRole);
        if (rowHeight > 0)
            item->setSizeHint(QSize(100, rowHeight));
        model.appendRow(item);
    }
}

} // namespace

void TimelineBench::modelReference() {
    QBENCHMARK {
        QStandardItemModel model;
        fillReference(model, m_collection.builds);
        QCOMPARE(model.rowCount(), kBuilds);
    }
}

void TimelineBench::paintViewport() {
    TimelineModel model;
    model.setBuilds(kRegistry + u'/' + kRepository, m_collection.builds);
    model.setLanes(m_lanes);
    TimelineFilterModel filter;
    filter.setSourceModel(&model);
    ui::TimelineView view;
    view.setModel(&filter);
    view.setAttribute(Qt::WA_DontShowOnScreen, true);
    view.resize(kViewport);
    view.show();
    QCoreApplication::processEvents();
    view.doItemsLayout();
    view.setCurrentIndex(filter.index(2, 0)); // a selected row is painted too
    QImage image(view.viewport()->size(), QImage::Format_ARGB32_Premultiplied);
    static bool told = false; // -median N runs the whole function N times
    if (!std::exchange(told, true))
        qInfo("viewport %dx%d, %d rows visible", view.viewport()->width(),
              view.viewport()->height(),
              view.indexAt(QPoint(1, view.viewport()->height() - 1)).row() + 1);
    QBENCHMARK {
        image.fill(Qt::transparent);
        view.viewport()->render(&image);
    }
}

void TimelineBench::paintViewportReference() {
    QStandardItemModel model;
    QListView view;
    fillReference(model, m_collection.builds, ui::TimelineDelegate::rowHeight(view.font()));
    view.setModel(&model);
    view.setUniformItemSizes(true);
    view.setAlternatingRowColors(true);
    view.setAttribute(Qt::WA_DontShowOnScreen, true);
    view.resize(kViewport);
    view.show();
    QCoreApplication::processEvents();
    view.doItemsLayout();
    view.setCurrentIndex(model.index(2, 0));
    QImage image(view.viewport()->size(), QImage::Format_ARGB32_Premultiplied);
    static bool told = false; // -median N runs the whole function N times
    if (!std::exchange(told, true))
        qInfo("viewport %dx%d, %d rows visible", view.viewport()->width(),
              view.viewport()->height(),
              view.indexAt(QPoint(1, view.viewport()->height() - 1)).row() + 1);
    QBENCHMARK {
        image.fill(Qt::transparent);
        view.viewport()->render(&image);
    }
}

void TimelineBench::cleanupTestCase() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    qInfo("peak RSS of this process (10,000 builds in model, filter and view): %.1f MB",
          double(usage.ru_maxrss) / 1024.0);
}

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    app.setApplicationName(u"berth-bench"_s);
    TimelineBench bench;
    return QTest::qExec(&bench, argc, argv);
}

#include "TimelineBench.moc"
