// Signatures, attestations and SBOMs are artifacts of a build, never builds: cosign's tag
// schema (sha256-<hex>.sig, .att, .sbom) and the OCI referrers fallback tag are told apart
// from tags by name, and a real docker-registry on loopback holding accessories written by
// the test-side signer (tests/support/cosign_signer.py) reads as its builds with their
// badges. An accessory of a digest the repository does not hold is reported, and a
// 1,000-build repository with half its builds signed shows 1,000 builds, not 1,500.

#include "AsyncWait.h"
#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "TestMain.h"

#include "registry/Accessory.h"
#include "registry/BuildCollector.h"
#include "registry/BuildJson.h"
#include "registry/ManifestCache.h"
#include "registry/RegistryClient.h"
#include "timeline/TimelineModel.h"

#include <QJsonArray>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

const QString kHex = u"0123456789abcdef"_s.repeated(4);

} // namespace

class TestAccessories : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<RegistryServer> m_server;
    QTemporaryDir m_dir;
    QString m_key;

    RegistryOptions options() const {
        RegistryOptions options;
        options.dockerConfigDir = m_dir.path(); // no config.json: anonymous
        return options;
    }

    Result<BuildCollection> collect(const QString& repository) {
        RegistryClient client(m_server->hostPort(), options());
        BuildCollector collector(&client);
        const std::optional<Result<BuildCollection>> read = waitForResult<BuildCollection>(
            [&](QObject* context, Callback<BuildCollection> done) {
                collector.collect(repository, context, done);
            },
            300000);
        if (!read)
            return Error::make(u"no answer"_s);
        return *read;
    }

    // `count` images pushed into `repository`; their digests, newest image last.
    QStringList seed(const QString& repository, int count) {
        QJsonArray images;
        for (int i = 0; i < count; ++i)
            images.append(
                RegistrySeeder::image({u"v1.%1.0"_s.arg(i)}, repository + QString::number(i)));
        QString error;
        const QJsonObject pushed = RegistrySeeder::seed(
            *m_server, {{u"repository"_s, repository}, {u"images"_s, images}}, &error);
        if (!error.isEmpty())
            qWarning("%s", qPrintable(error));
        QStringList digests;
        for (const QJsonValue& image : pushed.value(u"images"_s).toArray())
            digests.append(image[u"digest"_s].toString());
        return digests;
    }

    QJsonObject signature(const QString& repository, const QString& subject) const {
        return {{u"subject"_s, subject},
                {u"key"_s, m_key},
                {u"reference"_s, QString(m_server->hostPort() + u'/' + repository)}};
    }

    bool sign(const QString& repository, const QJsonObject& what) {
        QJsonObject spec = what;
        spec.insert(u"repository"_s, repository);
        QString error;
        RegistrySeeder::sign(*m_server, spec, &error);
        if (!error.isEmpty())
            qWarning("%s", qPrintable(error));
        return error.isEmpty();
    }

private slots:
    void initTestCase() {
        const QString missing = RegistryServer::unavailableReason({});
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        m_server = std::make_unique<RegistryServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        m_key = m_dir.filePath(u"cosign.key"_s);
        QProcess openssl;
        openssl.start(u"openssl"_s, {u"ecparam"_s, u"-genkey"_s, u"-name"_s, u"prime256v1"_s,
                                     u"-noout"_s, u"-out"_s, m_key});
        QVERIFY(openssl.waitForFinished(30000));
        QCOMPARE(openssl.exitCode(), 0);
    }

    void cleanupTestCase() { m_server.reset(); }

    void accessoryTagsAreToldApartByName() {
        const std::optional<Accessory> signature =
            accessoryFromTag(u"sha256-"_s + kHex + u".sig"_s);
        QVERIFY(signature);
        QCOMPARE(signature->kind, AccessoryKind::Signature);
        QCOMPARE(signature->subjectDigest, u"sha256:"_s + kHex);
        QCOMPARE(accessoryFromTag(u"sha256-"_s + kHex + u".att"_s)->kind,
                 AccessoryKind::Attestation);
        QCOMPARE(accessoryFromTag(u"sha256-"_s + kHex + u".sbom"_s)->kind, AccessoryKind::Sbom);
        QCOMPARE(accessoryFromTag(u"sha256-"_s + kHex)->kind, AccessoryKind::Referrers);
        // Tags that only look alike stay tags.
        QVERIFY(!accessoryFromTag(u"sha256-"_s + kHex.toUpper() + u".sig"_s));
        QVERIFY(!accessoryFromTag(u"sha256-"_s + kHex.left(63) + u".sig"_s));
        QVERIFY(!accessoryFromTag(u"sha256-"_s + kHex + u".sig2"_s));
        QVERIFY(!accessoryFromTag(u"sha512-"_s + kHex + u".sig"_s));
        QVERIFY(!accessoryFromTag(u"v1.2.3"_s));
        QCOMPARE(accessoryKinds(
                     {*accessoryFromTag(u"sha256-"_s + kHex + u".sbom"_s), *signature, *signature}),
                 (QList<AccessoryKind>{AccessoryKind::Signature, AccessoryKind::Sbom}));
    }

    void aSignedRepositoryReadsAsItsBuildsWithBadges() {
        const QString repository = u"signed/api"_s;
        const QStringList digests = seed(repository, 3);
        QCOMPARE(digests.size(), 3);
        const QString stranger = u"sha256:"_s + kHex;
        QVERIFY(sign(
            repository,
            {{u"signatures"_s,
              QJsonArray{signature(repository, digests[0]), signature(repository, digests[1]),
                         signature(repository, stranger)}},
             {u"attestations"_s,
              QJsonArray{QJsonObject{{u"subject"_s, digests[0]},
                                     {u"key"_s, m_key},
                                     {u"predicateType"_s, u"https://slsa.dev/provenance/v1"_s}}}},
             {u"sboms"_s, QJsonArray{QJsonObject{{u"subject"_s, digests[0]}}}}}));

        const Result<BuildCollection> read = collect(repository);
        QVERIFY2(read.ok(), qPrintable(read.errorMessage()));
        const BuildCollection& collection = read.value();
        QCOMPARE(collection.builds.size(), 3);
        QCOMPARE(collection.tagDigests.size(), 3); // v1.0.0, v1.1.0, v1.2.0: no accessory
        QHash<QString, QList<AccessoryKind>> badges;
        for (const Build& build : collection.builds)
            badges.insert(build.digest, accessoryKinds(build.accessories));
        QCOMPARE(badges.value(digests[0]),
                 (QList<AccessoryKind>{AccessoryKind::Signature, AccessoryKind::Attestation,
                                       AccessoryKind::Sbom}));
        QCOMPARE(badges.value(digests[1]), QList<AccessoryKind>{AccessoryKind::Signature});
        QVERIFY(badges.value(digests[2]).isEmpty());

        // The signature of a digest the repository does not hold is reported, not dropped.
        QCOMPARE(collection.orphanAccessories.size(), 1);
        QCOMPARE(collection.orphanAccessories.first().subjectDigest, stranger);
        QCOMPARE(collection.warnings.size(), 1);
        QVERIFY2(collection.warnings.first().contains(stranger),
                 qPrintable(collection.warnings.first()));

        // berthctl builds --json names each build's artifacts.
        for (const Build& build : collection.builds) {
            const QJsonArray artifacts = buildToJson(build)[u"artifacts"_s].toArray();
            QCOMPARE(artifacts.size(), build.accessories.size());
            if (build.digest == digests[1]) {
                QCOMPARE(artifacts.first()[u"kind"_s].toString(), u"signature"_s);
                QCOMPARE(artifacts.first()[u"tag"_s].toString(),
                         u"sha256-"_s + digests[1].mid(7) + u".sig"_s);
            }
        }
    }

    // A view of a few builds (the board) reads only those: the other tags are still listed
    // and checked, their manifests never fetched, and an accessory of an unread build is no
    // orphan.
    void aFilteredReadReadsOnlyTheWantedBuilds() {
        const QString repository = u"filtered/api"_s;
        QJsonArray images{RegistrySeeder::image({u"v2.0.0"_s}, u"filtered-0"_s),
                          RegistrySeeder::image({u"v2.1.0"_s, u"production"_s}, u"filtered-1"_s),
                          RegistrySeeder::image({u"v2.2.0"_s}, u"filtered-2"_s)};
        QString error;
        const QJsonObject pushed = RegistrySeeder::seed(
            *m_server, {{u"repository"_s, repository}, {u"images"_s, images}}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QStringList digests;
        for (const QJsonValue& image : pushed.value(u"images"_s).toArray())
            digests.append(image[u"digest"_s].toString());
        QCOMPARE(digests.size(), 3);
        QVERIFY(
            sign(repository, {{u"signatures"_s, QJsonArray{signature(repository, digests[0]),
                                                           signature(repository, digests[1])}}}));

        RegistryClient client(m_server->hostPort(), options());
        MemoryManifestCache cache;
        BuildCollector collector(&client, &cache);
        collector.setBuildFilter([](const QList<ClassifiedTag>& tags) {
            return std::any_of(tags.cbegin(), tags.cend(), [](const ClassifiedTag& tag) {
                return tag.kind == TagKind::Environment;
            });
        });
        const std::optional<Result<BuildCollection>> read =
            waitForResult<BuildCollection>([&](QObject* context, Callback<BuildCollection> done) {
                collector.collect(repository, context, done);
            });
        QVERIFY(read && read->ok());
        const BuildCollection& collection = read->value();
        QCOMPARE(collection.tagDigests.size(), 4);
        QCOMPARE(collection.tagDigests.value(u"v2.0.0"_s), digests[0]);
        QCOMPARE(collection.builds.size(), 1);
        QCOMPARE(collection.builds.first().digest, digests[1]);
        QVERIFY(collection.builds.first().created.isValid()); // read in full
        QCOMPARE(accessoryKinds(collection.builds.first().accessories),
                 QList<AccessoryKind>{AccessoryKind::Signature});
        QVERIFY(cache.manifest(digests[1]));
        QVERIFY(!cache.manifest(digests[0]));
        QVERIFY(!cache.manifest(digests[2]));
        QVERIFY(collection.orphanAccessories.isEmpty());
        QVERIFY2(collection.warnings.isEmpty(), qPrintable(collection.warnings.join(u'\n')));
    }

    void halfSignedThousandBuildsShowAThousand() {
        const QString repository = u"signed/many"_s;
        const QStringList digests = seed(repository, 1000);
        QCOMPARE(digests.size(), 1000);
        QJsonArray signatures;
        for (qsizetype i = 0; i < digests.size(); i += 2)
            signatures.append(signature(repository, digests[i]));
        QVERIFY(sign(repository, {{u"signatures"_s, signatures}}));

        const Result<BuildCollection> read = collect(repository);
        QVERIFY2(read.ok(), qPrintable(read.errorMessage()));
        TimelineModel timeline;
        timeline.setBuilds(m_server->hostPort() + u'/' + repository, read.value().builds);
        QCOMPARE(timeline.rowCount(), 1000);
        const QModelIndex first = timeline.index(timeline.rowOfDigest(digests[0]));
        QCOMPARE(first.data(TimelineModel::AccessoriesRole).toStringList(),
                 QStringList{u"signature"_s});
        QVERIFY(timeline.index(timeline.rowOfDigest(digests[1]))
                    .data(TimelineModel::AccessoriesRole)
                    .toStringList()
                    .isEmpty());
        int signedBuilds = 0;
        for (const Build& build : read.value().builds)
            signedBuilds += build.accessories.isEmpty() ? 0 : 1;
        QCOMPARE(signedBuilds, 500);
        QVERIFY(read.value().orphanAccessories.isEmpty());
    }
};

BERTH_TEST_MAIN(TestAccessories)
#include "tst_accessories.moc"
