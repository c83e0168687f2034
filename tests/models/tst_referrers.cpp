// Signatures and SBOMs stored as OCI 1.1 referrers (a manifest naming its build as its
// subject), as cosign's --registry-referrers-mode=oci-1-1 writes them: written into a real
// docker-registry by the test-side signer (tests/support/cosign_signer.py), and read two
// ways. Debian's registry has no referrers API, so there Berth reads the spec's fallback
// tag sha256-<hex>, asks whether the API exists once per registry, and costs a build
// without the fallback tag nothing. A test-side front (tests/support/referrers_api.py)
// answers the API from the registry's own storage, with one entry a page, so the API path
// and its paging are read too. Every referrer signature Berth verifies, openssl verifies.

#include "AsyncWait.h"
#include "CtlRun.h"
#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "TestMain.h"

#include "registry/BuildCollector.h"
#include "registry/Referrers.h"
#include "registry/ReferrersLister.h"
#include "registry/RegistryClient.h"
#include "signing/SignatureChecker.h"
#include "signing/VerificationKey.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

// Each build, and what is attached to it as referrers.
enum Case {
    ListedSignature,   // a valid signature and an SBOM, both in the fallback tag's index
    UnlistedSignature, // a valid signature no fallback tag lists: only the API finds it
    Flipped,           // one byte of the signature flipped, unlisted
    OtherDigest,       // the payload signs ListedSignature's digest, listed
    Bare,              // nothing attached
    BuildCount
};

const QString kRepository = u"trust/referrers"_s;

} // namespace

class TestReferrers : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<RegistryServer> m_server;
    QTemporaryDir m_dir;
    QStringList m_digests;  // by Case
    QJsonArray m_referrers; // what the signer answered
    QProcess m_front;
    QString m_frontHostPort;

    CtlRun run(const QString& program, const QStringList& arguments) {
        return runProgram(program, arguments,
                          {{u"HOME"_s, m_dir.path()},
                           {u"XDG_CONFIG_HOME"_s, m_dir.filePath(u".config"_s)},
                           {u"DOCKER_CONFIG"_s, m_dir.filePath(u"docker"_s)}});
    }

    RegistryOptions registryOptions() const {
        RegistryOptions options;
        options.dockerConfigDir = m_dir.filePath(u"docker"_s);
        return options;
    }

    QString keyPath(const QString& name) const { return m_dir.filePath(name); }

    bool openssl(const QStringList& arguments) {
        return run(u"openssl"_s, arguments).exitCode == 0;
    }

    // `hostPort`: the registry a signature names (the registry itself or the front).
    QJsonObject referrer(int build, const QString& kind, bool listed,
                         const QString& hostPort = {}) const {
        QJsonObject entry{
            {u"subject"_s, m_digests.at(build)}, {u"kind"_s, kind}, {u"fallbackTag"_s, listed}};
        if (kind == u"signature"_s) {
            entry.insert(u"key"_s, keyPath(u"ci.key"_s));
            const QString host = hostPort.isEmpty() ? m_server->hostPort() : hostPort;
            entry.insert(u"reference"_s, QString(host + u'/' + kRepository));
        }
        return entry;
    }

    // `berthctl verify` of the build `build` through `hostPort` (the registry or the front).
    QJsonObject verify(const QString& hostPort, int build, int* exitCode = nullptr) {
        const CtlRun ran = run(QStringLiteral(BERTHCTL_PATH),
                               {u"verify"_s, hostPort + u'/' + kRepository, m_digests.at(build),
                                u"--verify-key"_s, keyPath(u"ci.pub"_s), u"--json"_s});
        if (exitCode)
            *exitCode = ran.exitCode;
        if (ran.exitCode != 0 && ran.exitCode != 3)
            qWarning("berthctl verify: %s", qPrintable(ran.err));
        return ran.json();
    }

    int referrersRequests() {
        const QStringList log = m_server->requestLogWithStatus();
        return int(std::count_if(log.cbegin(), log.cend(), [](const QString& line) {
            return line.contains(u"/referrers/sha256:"_s);
        }));
    }

    std::optional<Result<ReferrersLister::Listing>> listThrough(const QString& hostPort,
                                                                int build) {
        RegistryClient client(hostPort, registryOptions());
        ReferrersLister lister(&client);
        return waitForResult<ReferrersLister::Listing>(
            [&](QObject* context, Callback<ReferrersLister::Listing> done) {
                lister.list(kRepository, m_digests.at(build), std::nullopt, context, done);
            });
    }

private slots:
    void initTestCase() {
        const QString missing = RegistryServer::unavailableReason({});
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        QVERIFY(openssl({u"genpkey"_s, u"-algorithm"_s, u"EC"_s, u"-pkeyopt"_s,
                         u"ec_paramgen_curve:P-256"_s, u"-out"_s, keyPath(u"ci.key"_s)}));
        QVERIFY(openssl({u"pkey"_s, u"-in"_s, keyPath(u"ci.key"_s), u"-pubout"_s, u"-out"_s,
                         keyPath(u"ci.pub"_s)}));

        m_server = std::make_unique<RegistryServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        QJsonArray images;
        for (int i = 0; i < BuildCount; ++i)
            images.append(RegistrySeeder::image({u"v3.%1.0"_s.arg(i)}, u"referrers-%1"_s.arg(i)));
        QString error;
        const QJsonObject pushed = RegistrySeeder::seed(
            *m_server, {{u"repository"_s, kRepository}, {u"images"_s, images}}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        for (const QJsonValue& image : pushed[u"images"_s].toArray())
            m_digests.append(image[u"digest"_s].toString());
        QCOMPARE(m_digests.size(), int(BuildCount));

        m_front.setProgram(u"/usr/bin/python3"_s);
        m_front.setArguments(
            {RegistrySeeder::signerPath().replace(u"cosign_signer.py"_s, u"referrers_api.py"_s),
             u"--upstream"_s, m_server->hostPort(), u"--storage"_s, m_server->storageDir(),
             u"--page-size"_s, u"1"_s});
        m_front.start();
        QVERIFY2(m_front.waitForReadyRead(15000), m_front.readAllStandardError().constData());
        const int port = m_front.readLine().trimmed().toInt();
        QVERIFY(port > 0);
        m_frontHostPort = u"127.0.0.1:%1"_s.arg(port);

        QJsonObject flipped = referrer(Flipped, u"signature"_s, false, m_frontHostPort);
        flipped.insert(u"corrupt"_s, true);
        QJsonObject otherDigest = referrer(OtherDigest, u"signature"_s, true);
        otherDigest.insert(u"signedDigest"_s, m_digests.at(ListedSignature));
        const QJsonArray referrers{
            referrer(ListedSignature, u"signature"_s, true),
            referrer(ListedSignature, u"sbom"_s, true),
            referrer(UnlistedSignature, u"signature"_s, false, m_frontHostPort), flipped,
            otherDigest};
        const QJsonObject answer = RegistrySeeder::sign(
            *m_server, {{u"repository"_s, kRepository}, {u"referrers"_s, referrers}}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_referrers = answer[u"referrers"_s].toArray();
        QCOMPARE(m_referrers.size(), referrers.size());
    }

    void cleanupTestCase() {
        m_front.kill();
        m_front.waitForFinished();
        m_server.reset();
    }

    void indexesAreReadAndMalformedOnesRefused_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("entries"); // -1: refused
        const QByteArray digest = "sha256:" + QByteArray(64, 'a');
        QTest::newRow("two entries")
            << QByteArray(
                   R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",
                 "manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "digest":")" +
                   digest + R"(","size":12,"artifactType":"application/spdx+json"},
                 {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                   digest + R"(","size":7}]})")
            << 2;
        QTest::newRow("empty") << QByteArray(R"({"schemaVersion":2,"manifests":[]})") << 0;
        QTest::newRow("not JSON") << QByteArray("404 page not found") << -1;
        QTest::newRow("an image manifest")
            << QByteArray(
                   R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"})")
            << -1;
        QTest::newRow("an entry without a digest")
            << QByteArray(R"({"schemaVersion":2,"manifests":[{"size":3}]})") << -1;
        QTest::newRow("a negative size")
            << QByteArray(R"({"manifests":[{"digest":")" + digest + R"(","size":-1}]})") << -1;
    }

    void indexesAreReadAndMalformedOnesRefused() {
        QFETCH(QByteArray, bytes);
        QFETCH(int, entries);
        const Result<QList<Referrer>> parsed = parseReferrersIndex(bytes);
        if (entries < 0) {
            QVERIFY(!parsed);
            QVERIFY(parsed.errorMessage().startsWith(u"The referrers index"_s));
            return;
        }
        QVERIFY2(parsed.ok(), qPrintable(parsed.errorMessage()));
        QCOMPARE(parsed->size(), entries);
        if (entries == 2) {
            QCOMPARE(parsed->at(0).artifactType, u"application/spdx+json"_s);
            QCOMPARE(parsed->at(0).size, 12);
            QVERIFY(parsed->at(1).artifactType.isEmpty());
        }
    }

    void withoutTheApiTheFallbackTagIsRead() {
        const std::optional<Result<ReferrersLister::Listing>> listed =
            listThrough(m_server->hostPort(), ListedSignature);
        QVERIFY(listed);
        QVERIFY2(listed->ok(), qPrintable(listed->errorMessage()));
        QCOMPARE(listed->value().source, ReferrersLister::Source::FallbackTag);
        QStringList types;
        for (const Referrer& referrer : listed->value().referrers)
            types.append(referrer.artifactType);
        types.sort();
        QCOMPARE(types, (QStringList{u"application/spdx+json"_s,
                                     QString::fromLatin1(kCosignSignatureArtifactType)}));
        // Distribution 2.8 answers the API's path 404: the registry does not offer it.
        QVERIFY(m_server->waitForRequestCount(int(m_server->requestLog().size())));
        QVERIFY(m_server->requestLogWithStatus().contains(
            u"GET /v2/%1/referrers/%2 404"_s.arg(kRepository, m_digests.at(ListedSignature))));

        // A build no fallback tag lists has no referrers the registry can tell of.
        const std::optional<Result<ReferrersLister::Listing>> unlisted =
            listThrough(m_server->hostPort(), UnlistedSignature);
        QVERIFY(unlisted && unlisted->ok());
        QCOMPARE(unlisted->value().source, ReferrersLister::Source::None);
        QVERIFY(unlisted->value().referrers.isEmpty());
    }

    void theApiIsReadAcrossItsPages() {
        const std::optional<Result<ReferrersLister::Listing>> listed =
            listThrough(m_frontHostPort, ListedSignature);
        QVERIFY(listed);
        QVERIFY2(listed->ok(), qPrintable(listed->errorMessage()));
        QCOMPARE(listed->value().source, ReferrersLister::Source::Api);
        // One entry a page: both entries mean the Link to the second page was followed.
        QCOMPARE(listed->value().referrers.size(), 2);
        QStringList digests;
        for (const Referrer& referrer : listed->value().referrers)
            digests.append(referrer.digest);
        QStringList expected;
        for (const QJsonValue& made : std::as_const(m_referrers)) {
            if (made[u"subject"_s].toString() == m_digests.at(ListedSignature))
                expected.append(made[u"manifestDigest"_s].toString());
        }
        expected.sort();
        QCOMPARE(digests, expected);

        // Through the API the unlisted signature is found too.
        const std::optional<Result<ReferrersLister::Listing>> unlisted =
            listThrough(m_frontHostPort, UnlistedSignature);
        QVERIFY(unlisted && unlisted->ok());
        QCOMPARE(unlisted->value().referrers.size(), 1);
        QCOMPARE(unlisted->value().referrers.first().artifactType,
                 QString::fromLatin1(kCosignSignatureArtifactType));
    }

    void referrerSignaturesGetTheirVerdicts_data() {
        QTest::addColumn<bool>("throughApi");
        QTest::addColumn<int>("build");
        QTest::addColumn<QString>("verdict");
        QTest::addColumn<QString>("says");
        // A signature names the repository it was made for: those read through the API
        // were made naming the front, those read from the fallback tag the registry.
        QTest::newRow("listed, fallback tag")
            << false << int(ListedSignature) << u"verified"_s << u"verified by ci.pub"_s;
        QTest::newRow("unlisted, API")
            << true << int(UnlistedSignature) << u"verified"_s << u"verified by ci.pub"_s;
        // Without the API nothing tells of it: the registry cannot be asked.
        QTest::newRow("unlisted, fallback tag")
            << false << int(UnlistedSignature) << u"unsigned"_s << u"no signature"_s;
        QTest::newRow("flipped byte, API")
            << true << int(Flipped) << u"signed-unverified"_s << u"no configured key verifies it"_s;
        QTest::newRow("another digest signed, fallback tag")
            << false << int(OtherDigest) << u"invalid"_s << u"not this build"_s;
        // The signature read through the API names another host: not this repository.
        QTest::newRow("another repository named, API")
            << true << int(ListedSignature) << u"invalid"_s << u"not"_s;
        QTest::newRow("bare, API") << true << int(Bare) << u"unsigned"_s << u"no signature"_s;
    }

    void referrerSignaturesGetTheirVerdicts() {
        QFETCH(bool, throughApi);
        QFETCH(int, build);
        QFETCH(QString, verdict);
        QFETCH(QString, says);
        int exitCode = -1;
        const QJsonObject answer =
            verify(throughApi ? m_frontHostPort : m_server->hostPort(), build, &exitCode);
        QCOMPARE(exitCode, verdict == u"verified"_s ? 0 : 3);
        QCOMPARE(answer[u"digest"_s].toString(), m_digests.at(build));
        QCOMPARE(answer[u"verdict"_s].toString(), verdict);
        QVERIFY2(answer[u"summary"_s].toString().contains(says),
                 qPrintable(answer[u"summary"_s].toString()));
    }

    void opensslAgreesOnEveryReferrerSignature() {
        int checked = 0;
        for (const QJsonValue& made : std::as_const(m_referrers)) {
            if (made[u"kind"_s].toString() != u"signature"_s)
                continue;
            const QString message = m_dir.filePath(u"message"_s);
            const QString signature = m_dir.filePath(u"signature"_s);
            for (const auto& [path, field] :
                 {std::pair{message, u"signed"_s}, std::pair{signature, u"signature"_s}}) {
                QFile file(path);
                QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
                file.write(QByteArray::fromBase64(made[field].toString().toLatin1()));
            }
            const bool opensslSays =
                openssl({u"dgst"_s, u"-sha256"_s, u"-verify"_s, keyPath(u"ci.pub"_s),
                         u"-signature"_s, signature, message});
            const int build = int(m_digests.indexOf(made[u"subject"_s].toString()));
            // Only the flipped byte spoils a signature; the other-digest one is a good
            // signature over the wrong payload, which only Berth's reading of it refuses.
            QCOMPARE(opensslSays, build != Flipped);
            ++checked;
        }
        QCOMPARE(checked, 4);
    }

    void aTimelineAsksWhetherTheApiExistsOnce() {
        RegistryClient client(m_server->hostPort(), registryOptions());
        BuildCollector collector(&client);
        const std::optional<Result<BuildCollection>> read =
            waitForResult<BuildCollection>([&](QObject* context, Callback<BuildCollection> done) {
                collector.collect(kRepository, context, done);
            });
        QVERIFY(read && read->ok());
        // The referrer manifests carry no tag: five builds, not ten.
        QCOMPARE(read->value().builds.size(), int(BuildCount));

        QVERIFY(m_server->waitForRequestCount(int(m_server->requestLog().size())));
        const int before = referrersRequests();
        const Result<VerificationKey> ci = VerificationKey::fromFile(keyPath(u"ci.pub"_s));
        QVERIFY2(ci.ok(), qPrintable(ci.errorMessage()));
        SignatureChecker checker;
        QSignalSpy verdicts(&checker, &SignatureChecker::verdictReady);
        QSignalSpy finished(&checker, &SignatureChecker::finished);
        checker.check(m_server->hostPort(), kRepository, registryOptions(), read->value().builds,
                      SignatureTrust{{ci.value()}, {}, {}, {}});
        QVERIFY(finished.wait(30000));
        QHash<QString, QString> byDigest;
        for (const QList<QVariant>& verdict : std::as_const(verdicts))
            byDigest.insert(verdict.at(1).toString(),
                            signatureVerdictName(verdict.at(2).value<SignatureVerdict>().kind));
        // The builds whose fallback tag the tag list holds, each judged.
        QCOMPARE(byDigest.size(), 2);
        QCOMPARE(byDigest.value(m_digests.at(ListedSignature)), u"verified"_s);
        QCOMPARE(byDigest.value(m_digests.at(OtherDigest)), u"invalid"_s);
        QVERIFY(m_server->waitForRequestCount(int(m_server->requestLog().size())));
        QCOMPARE(referrersRequests() - before, 1);
    }

    void theDetailsPanelListsTheIndex() {
        SignatureChecker checker;
        const Accessory fallback =
            accessoryFromTag(referrersFallbackTag(m_digests.at(ListedSignature))).value();
        const std::optional<Result<QList<SignatureReader::AccessoryDescription>>> described =
            waitForResult<QList<SignatureReader::AccessoryDescription>>(
                [&](QObject* context, Callback<QList<SignatureReader::AccessoryDescription>> done) {
                    checker.describe(m_server->hostPort(), kRepository, registryOptions(),
                                     {fallback}, context, done);
                });
        QVERIFY(described && described->ok());
        QCOMPARE(described->value().size(), 1);
        const SignatureReader::AccessoryDescription& index = described->value().first();
        QVERIFY2(index.problem.isEmpty(), qPrintable(index.problem));
        QCOMPARE(index.contents.size(), 2);
        const QString joined = index.contents.join(u'\n');
        QVERIFY2(joined.contains(u"application/spdx+json sha256:"_s), qPrintable(joined));
        QVERIFY2(joined.contains(QString::fromLatin1(kCosignSignatureArtifactType) + u" sha256:"_s),
                 qPrintable(joined));
    }
};

BERTH_TEST_MAIN(TestReferrers)
#include "tst_referrers.moc"
