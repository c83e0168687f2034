// How a publish settles each tag it PUT, on a scripted registry (the real one always
// names the stored digest, so only a scripted one can leave it out): a PUT answered with
// Docker-Content-Digest is settled by that answer and not read back; a PUT answered without
// it is read back, and a read-back that finds another build fails that tag in the outcome
// and in its audit row. Only the set's tags the tag list holds are looked at before the PUT.

#include "AsyncWait.h"
#include "HostileFixtures.h"
#include "HostileRegistry.h"
#include "TestMain.h"

#include "history/HistoryStore.h"
#include "registry/RegistryClient.h"
#include "release/Publisher.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

const QString kCommit = u"abc1234def5678abc1234def5678abc1234def56"_s;
const QString kShaTag = kCommit.left(7);
const QString kBranchTag = u"main-"_s + kShaTag;

QByteArray sha256Digest(const QByteArray& bytes) {
    return "sha256:" + QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
}

// A build whose configuration names kCommit as its revision, as CI built it.
struct ScriptedBuild {
    QByteArray config = R"({"config":{"Labels":{"org.opencontainers.image.revision":")" +
                        kCommit.toLatin1() + R"("}}})";
    QByteArray manifest =
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
        R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":)" +
        QByteArray::number(config.size()) + R"(,"digest":")" + sha256Digest(config) +
        R"("},"layers":[]})";
    QByteArray digest = sha256Digest(manifest);
};

HostileAnswer tagList(const QStringList& tags) {
    const QJsonObject list{{u"name"_s, Repository}, {u"tags"_s, QJsonArray::fromStringList(tags)}};
    return HostileAnswer::json(200, QJsonDocument(list).toJson(QJsonDocument::Compact));
}

HostileAnswer manifestAnswer(const QByteArray& bytes, const QByteArray& digest) {
    return HostileAnswer::json(
        200, bytes, {{"Content-Type", OciManifestType}, {"Docker-Content-Digest", digest}});
}

// The answers every case gives: the version probe, the build under its SHA tag and its
// configuration.
void answerTheBuild(HostileRegistry& server, const ScriptedBuild& build) {
    server.setAnswer("GET", u"/v2/"_s, HostileAnswer::json(200, "{}"));
    server.setAnswer("GET", manifestPath(kShaTag), manifestAnswer(build.manifest, build.digest));
    server.setAnswer(
        "GET",
        u"/v2/%1/blobs/%2"_s.arg(Repository, QString::fromLatin1(sha256Digest(build.config))),
        HostileAnswer::json(200, build.config));
}

// A history database of the case's own, in a temporary directory.
struct ScratchHistory {
    QTemporaryDir dir;
    HistoryStore store;

    Status open() {
        if (!dir.isValid())
            return Error::make(u"No temporary directory for the history."_s);
        return store.open(dir.filePath(u"history.sqlite"_s));
    }
};

// Publishes the build CI pushed under its SHA tag, from main: the set is that tag and the
// branch-SHA tag, and a release's tags with a version.
auto publishFromMain(const HostileRegistry& server, ScratchHistory& history,
                     std::optional<SemanticVersion> version = std::nullopt) {
    RegistryClient client(server.hostPort(), hostileOptions(history.dir));
    Publisher publisher(&client, &history.store);
    PublishRequest request;
    request.registry = server.hostPort();
    request.repository = Repository;
    request.builtRef = kShaTag;
    request.subject.commit = kCommit;
    request.subject.branch = u"main"_s;
    request.subject.version = version;
    request.reason = u"published by a scripted pipeline"_s;
    return waitForResult<PublishOutcome>([&](QObject* context, Callback<PublishOutcome> done) {
        publisher.run(request, context, done);
    });
}

} // namespace

class TestPublisherAnswers : public QObject {
    Q_OBJECT

private slots:
    void eachTagIsSettledByThePutsAnswerOrReadBack_data() {
        QTest::addColumn<bool>("putNamesDigest");
        QTest::addColumn<bool>("readBackFindsAnother");
        QTest::addColumn<int>("expectedHeads");
        QTest::newRow("the PUT names the stored digest") << true << false << 1;
        QTest::newRow("the PUT names none, read back") << false << false << 2;
        QTest::newRow("the PUT names none, another build found") << false << true << 2;
    }

    void eachTagIsSettledByThePutsAnswerOrReadBack() {
        QFETCH(bool, putNamesDigest);
        QFETCH(bool, readBackFindsAnother);
        QFETCH(int, expectedHeads);

        const ScriptedBuild build;
        const QByteArray other = "sha256:" + QByteArray(64, 'e');
        HostileRegistry server;
        QVERIFY(server.listen());
        answerTheBuild(server, build);
        // The look before the PUT finds no tag (an immutable tag is looked at even when the
        // list lacks it); a read-back after it finds the build (or, when someone else wrote
        // the tag meanwhile, another one).
        server.setAnswer("GET", TagsPath, tagList({kShaTag}));
        server.setAnswers(
            "HEAD", manifestPath(kBranchTag),
            {HostileAnswer::registryError(404, "MANIFEST_UNKNOWN", "unknown"),
             manifestAnswer(build.manifest, readBackFindsAnother ? other : build.digest)});
        HeaderList putHeaders{
            {"Location", "/v2/" + Repository.toLatin1() + "/manifests/" + build.digest}};
        if (putNamesDigest)
            putHeaders.append({"Docker-Content-Digest", build.digest});
        server.setAnswer("PUT", manifestPath(kBranchTag), HostileAnswer::json(201, {}, putHeaders));

        ScratchHistory history;
        const Status opened = history.open();
        QVERIFY2(opened, qPrintable(opened.errorMessage()));
        const auto outcome = publishFromMain(server, history);
        QVERIFY2(outcome && outcome->ok(), outcome ? qPrintable(outcome->errorMessage()) : "");

        QCOMPARE(server.hitCount("PUT", manifestPath(kBranchTag)), 1);
        QCOMPARE(server.hitCount("HEAD", manifestPath(kBranchTag)), expectedHeads);
        const Result<QList<Action>> actions = history.store.actions();
        QVERIFY(actions);
        QCOMPARE(actions->size(), 1);
        QCOMPARE(actions->first().tag, kBranchTag);
        if (readBackFindsAnother) {
            QVERIFY(outcome->value().applied.isEmpty());
            QCOMPARE(outcome->value().failed.size(), 1);
            QVERIFY2(outcome->value().failed.first().contains(u"someone else wrote it"_s),
                     qPrintable(outcome->value().failed.first()));
            QCOMPARE(actions->first().state, ActionState::Failed);
        } else {
            QCOMPARE(outcome->value().applied, QStringList{kBranchTag});
            QVERIFY(outcome->value().failed.isEmpty());
            QCOMPARE(actions->first().state, ActionState::Succeeded);
        }
    }

    // Before anything is written, every immutable tag of a release's set is looked at, and
    // a floating tag only when the tag list holds it: here latest, already on the build, is
    // kept; the floating tags the list lacks are created without a look.
    void floatingTagsAreLookedAtOnlyWhenListed() {
        const ScriptedBuild build;
        HostileRegistry server;
        QVERIFY(server.listen());
        answerTheBuild(server, build);
        server.setAnswer("GET", TagsPath, tagList({kShaTag, u"latest"_s}));
        server.setAnswer("HEAD", manifestPath(u"latest"_s),
                         manifestAnswer(build.manifest, build.digest));
        const PublishSubject release{{}, kCommit, u"main"_s, SemanticVersion::parse(u"1.0.0"_s)};
        const PublishTagSet set = publishTagSet(TagPolicy{}, release, {});
        QStringList immutable;
        QStringList floating;
        for (const PublishCandidate& candidate : set.candidates) {
            if (candidate.tag == kShaTag || candidate.tag == u"latest"_s)
                continue;
            (TagPolicy{}.isImmutable(candidate.kind) ? immutable : floating).append(candidate.tag);
            server.setAnswer(
                "PUT", manifestPath(candidate.tag),
                HostileAnswer::json(201, {}, {{"Docker-Content-Digest", build.digest}}));
        }
        QVERIFY2(immutable.size() >= 2 && !floating.isEmpty(), qPrintable(immutable.join(u' ')));
        for (const QString& tag : std::as_const(immutable))
            server.setAnswer("HEAD", manifestPath(tag),
                             HostileAnswer::registryError(404, "MANIFEST_UNKNOWN", "unknown"));

        ScratchHistory history;
        const Status opened = history.open();
        QVERIFY2(opened, qPrintable(opened.errorMessage()));
        const auto outcome = publishFromMain(server, history, release.version);
        QVERIFY2(outcome && outcome->ok(), outcome ? qPrintable(outcome->errorMessage()) : "");
        QCOMPARE(server.hitCount("HEAD", manifestPath(u"latest"_s)), 1);
        QCOMPARE(server.hitCount("PUT", manifestPath(u"latest"_s)), 0);
        for (const QString& tag : std::as_const(immutable)) {
            QCOMPARE(server.hitCount("HEAD", manifestPath(tag)), 1);
            QCOMPARE(server.hitCount("PUT", manifestPath(tag)), 1);
        }
        for (const QString& tag : std::as_const(floating)) {
            QCOMPARE(server.hitCount("HEAD", manifestPath(tag)), 0);
            QCOMPARE(server.hitCount("PUT", manifestPath(tag)), 1);
        }
        QCOMPARE(outcome->value().applied.size(), immutable.size() + floating.size());
    }
};

BERTH_TEST_MAIN(TestPublisherAnswers)
#include "tst_publisheranswers.moc"
