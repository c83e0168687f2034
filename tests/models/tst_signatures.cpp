// Key-based cosign signatures verified offline, against a real docker-registry on loopback
// holding signatures the test-side signer (tests/support/cosign_signer.py, with
// python3-cryptography) wrote in cosign's layout. `berthctl verify` gives each case its
// verdict: valid (ECDSA P-256, RSA, Ed25519), another digest signed, another repository
// named, a flipped signature byte, the wrong key, two signatures of which one verifies,
// an unsigned build and an index signed at the index digest; SLSA provenance in a DSSE
// envelope names its builder, source and commit, and a commit other than the build's
// revision label is said. Every (signature, key) pair
// Berth judges is judged again by the openssl command line over the same bytes. A clone's
// berth.toml that gates production on its committed key refuses promoting anything not
// verified there, and lets a rollback onto it go only with a reason, which the audit keeps.

#include "AsyncWait.h"
#include "CtlRun.h"
#include "GitSandbox.h"
#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "TestMain.h"

#include "history/HistoryAccess.h"
#include "history/HistoryStore.h"
#include "registry/BuildCollector.h"
#include "registry/RegistryClient.h"
#include "signing/CosignSignature.h"
#include "signing/SignatureChecker.h"
#include "signing/SignatureReader.h"
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

// Each case: a build, and how the signer signs it.
enum Case {
    Valid,
    OtherDigest,
    OtherRepository,
    Flipped,
    WrongKey,
    TwoSignatures,
    Unsigned,
    RsaSigned,
    Ed25519Signed,
    BuildCount
};

} // namespace

class TestSignatures : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<RegistryServer> m_server;
    QTemporaryDir m_dir;
    QStringList m_digests; // by Case
    QString m_index;       // a two-platform index, signed at its own digest
    QJsonArray m_signed;   // what the signer answered for every signature

    QString repository() const { return m_server->hostPort() + u"/trust/api"_s; }
    QString keyPath(const QString& name) const { return m_dir.filePath(name); }

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

    // The repository's builds as the timeline reads them; none when the read fails.
    QList<Build> readBuilds() {
        RegistryClient client(m_server->hostPort(), registryOptions());
        BuildCollector collector(&client);
        const std::optional<Result<BuildCollection>> read =
            waitForResult<BuildCollection>([&](QObject* context, Callback<BuildCollection> done) {
                collector.collect(u"trust/api"_s, context, done);
            });
        return read && read->ok() ? read->value().builds : QList<Build>();
    }

    bool openssl(const QStringList& arguments) {
        return run(u"openssl"_s, arguments).exitCode == 0;
    }

    // A private key `name`.key and its public half `name`.pub, made by openssl.
    bool makeKey(const QString& name, const QStringList& generate) {
        return openssl(QStringList{u"genpkey"_s} + generate +
                       QStringList{u"-out"_s, keyPath(name + u".key"_s)}) &&
               openssl({u"pkey"_s, u"-in"_s, keyPath(name + u".key"_s), u"-pubout"_s, u"-out"_s,
                        keyPath(name + u".pub"_s)});
    }

    QJsonObject signature(int build, const QString& key) const {
        return {{u"subject"_s, m_digests.at(build)},
                {u"key"_s, keyPath(key + u".key"_s)},
                {u"reference"_s, repository()}};
    }

    CtlRun verify(const QString& reference, const QStringList& keys) {
        QStringList arguments{u"verify"_s, repository(), reference, u"--json"_s};
        for (const QString& key : keys)
            arguments << u"--verify-key"_s << keyPath(key + u".pub"_s);
        return run(QStringLiteral(BERTHCTL_PATH), arguments);
    }

    // openssl's own answer: does `key`.pub verify `signature` over `message`?
    bool opensslVerifies(const QString& key, const QByteArray& message,
                         const QByteArray& signature) {
        const QString messageFile = m_dir.filePath(u"message"_s);
        const QString signatureFile = m_dir.filePath(u"signature"_s);
        QFile(messageFile).remove();
        QFile(signatureFile).remove();
        QFile out(messageFile);
        QFile sig(signatureFile);
        if (!out.open(QIODevice::WriteOnly) || !sig.open(QIODevice::WriteOnly))
            return false;
        out.write(message);
        sig.write(signature);
        out.close();
        sig.close();
        if (key == u"ed25519"_s)
            return openssl({u"pkeyutl"_s, u"-verify"_s, u"-pubin"_s, u"-inkey"_s,
                            keyPath(key + u".pub"_s), u"-rawin"_s, u"-in"_s, messageFile,
                            u"-sigfile"_s, signatureFile});
        return openssl({u"dgst"_s, u"-sha256"_s, u"-verify"_s, keyPath(key + u".pub"_s),
                        u"-signature"_s, signatureFile, messageFile});
    }

private slots:
    void initTestCase() {
        const QString missing = RegistryServer::unavailableReason({});
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        QVERIFY(makeKey(u"ci"_s,
                        {u"-algorithm"_s, u"EC"_s, u"-pkeyopt"_s, u"ec_paramgen_curve:P-256"_s}));
        QVERIFY(makeKey(u"stranger"_s,
                        {u"-algorithm"_s, u"EC"_s, u"-pkeyopt"_s, u"ec_paramgen_curve:P-256"_s}));
        QVERIFY(makeKey(u"rsa"_s,
                        {u"-algorithm"_s, u"RSA"_s, u"-pkeyopt"_s, u"rsa_keygen_bits:3072"_s}));
        QVERIFY(makeKey(u"ed25519"_s, {u"-algorithm"_s, u"ED25519"_s}));

        m_server = std::make_unique<RegistryServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        QJsonArray images;
        for (int i = 0; i < BuildCount; ++i) {
            QJsonObject image = RegistrySeeder::image({u"v1.%1.0"_s.arg(i)}, u"trust-%1"_s.arg(i));
            image.insert(u"labels"_s, QJsonObject{{u"org.opencontainers.image.revision"_s,
                                                   QString(40, QChar(u'a' + i))}});
            images.append(image);
        }
        QJsonObject index = RegistrySeeder::image({u"v2.0.0"_s}, u"trust-index"_s);
        index.insert(u"platforms"_s, QJsonArray{u"linux/amd64"_s, u"linux/arm64/v8"_s});
        images.append(index);
        QString error;
        const QJsonObject pushed = RegistrySeeder::seed(
            *m_server, {{u"repository"_s, u"trust/api"_s}, {u"images"_s, images}}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        for (const QJsonValue& image : pushed[u"images"_s].toArray())
            m_digests.append(image[u"digest"_s].toString());
        QCOMPARE(m_digests.size(), BuildCount + 1);
        m_index = m_digests.takeLast();

        QJsonObject otherDigest = signature(OtherDigest, u"ci"_s);
        otherDigest.insert(u"signedDigest"_s, m_digests.at(Valid));
        QJsonObject otherRepository = signature(OtherRepository, u"ci"_s);
        otherRepository.insert(u"reference"_s, QString(m_server->hostPort() + u"/trust/other"_s));
        QJsonObject flipped = signature(Flipped, u"ci"_s);
        flipped.insert(u"corrupt"_s, true);
        QJsonObject indexSignature = signature(Valid, u"ci"_s);
        indexSignature.insert(u"subject"_s, m_index);
        const QJsonArray signatures{signature(Valid, u"ci"_s),
                                    otherDigest,
                                    otherRepository,
                                    flipped,
                                    signature(WrongKey, u"stranger"_s),
                                    signature(TwoSignatures, u"stranger"_s),
                                    signature(TwoSignatures, u"ci"_s),
                                    signature(RsaSigned, u"rsa"_s),
                                    signature(Ed25519Signed, u"ed25519"_s),
                                    indexSignature};
        // SLSA provenance for the valid build, naming another commit than its label (a's);
        // one for the two-signature build by a key nobody trusts.
        const auto provenance = [this](int build, const QString& key, const QString& commit) {
            return QJsonObject{
                {u"subject"_s, m_digests.at(build)},
                {u"key"_s, keyPath(key + u".key"_s)},
                {u"predicateType"_s, u"https://slsa.dev/provenance/v1"_s},
                {u"predicate"_s,
                 QJsonObject{
                     {u"buildDefinition"_s,
                      QJsonObject{{u"resolvedDependencies"_s,
                                   QJsonArray{QJsonObject{
                                       {u"uri"_s, u"git+https://git.example/acme/api"_s},
                                       {u"digest"_s, QJsonObject{{u"gitCommit"_s, commit}}}}}}}},
                     {u"runDetails"_s,
                      QJsonObject{{u"builder"_s,
                                   QJsonObject{{u"id"_s, u"https://ci.example/runner"_s}}}}}}}};
        };
        const QJsonArray attestations{
            provenance(Valid, u"ci"_s, QString(40, u'f')),
            provenance(TwoSignatures, u"stranger"_s, QString(40, QChar(u'a' + TwoSignatures)))};
        const QJsonObject answer = RegistrySeeder::sign(*m_server,
                                                        {{u"repository"_s, u"trust/api"_s},
                                                         {u"signatures"_s, signatures},
                                                         {u"attestations"_s, attestations}},
                                                        &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_signed = answer[u"signatures"_s].toArray();
        QCOMPARE(m_signed.size(), signatures.size());
        QCOMPARE(answer[u"attestations"_s].toArray().size(), attestations.size());
        for (const QJsonValue& attestation : answer[u"attestations"_s].toArray())
            m_signed.append(attestation); // what the envelope's signature covers: its PAE
    }

    void cleanupTestCase() { m_server.reset(); }

    void eachCaseGetsItsVerdict_data() {
        QTest::addColumn<int>("build");
        QTest::addColumn<QString>("verdict");
        QTest::addColumn<QString>("says");
        QTest::addColumn<int>("exitCode");
        QTest::newRow("valid") << int(Valid) << u"verified"_s << u"verified by ci.pub"_s << 0;
        QTest::newRow("another digest signed")
            << int(OtherDigest) << u"invalid"_s << u"not this build"_s << 3;
        QTest::newRow("another repository named")
            << int(OtherRepository) << u"invalid"_s << u"/trust/other, not"_s << 3;
        // A key-based signature names no key: a damaged one and another key's read alike.
        QTest::newRow("flipped signature byte")
            << int(Flipped) << u"signed-unverified"_s << u"no configured key verifies it"_s << 3;
        QTest::newRow("wrong key")
            << int(WrongKey) << u"signed-unverified"_s << u"no configured key verifies it"_s << 3;
        QTest::newRow("two signatures, one verifies")
            << int(TwoSignatures) << u"verified"_s << u"verified by ci.pub"_s << 0;
        QTest::newRow("unsigned") << int(Unsigned) << u"unsigned"_s << u"no signature"_s << 3;
        QTest::newRow("rsa") << int(RsaSigned) << u"verified"_s << u"verified by rsa.pub"_s << 0;
        QTest::newRow("ed25519") << int(Ed25519Signed) << u"verified"_s
                                 << u"verified by ed25519.pub"_s << 0;
    }

    void eachCaseGetsItsVerdict() {
        QFETCH(int, build);
        QFETCH(QString, verdict);
        QFETCH(QString, says);
        QFETCH(int, exitCode);
        const CtlRun run = verify(u"v1.%1.0"_s.arg(build), {u"ci"_s, u"rsa"_s, u"ed25519"_s});
        QVERIFY2(run.exitCode == exitCode, qPrintable(run.err + QString::fromUtf8(run.out)));
        const QJsonObject answer = run.json();
        QCOMPARE(answer[u"digest"_s].toString(), m_digests.at(build));
        QCOMPARE(answer[u"verdict"_s].toString(), verdict);
        QVERIFY2(answer[u"summary"_s].toString().contains(says),
                 qPrintable(answer[u"summary"_s].toString()));
    }

    void attestationsSayWhoBuiltItFromWhat() {
        const QJsonObject valid = verify(u"v1.0.0"_s, {u"ci"_s}).json();
        QCOMPARE(valid[u"revision"_s].toString(), QString(40, u'a'));
        const QJsonArray attestations = valid[u"attestations"_s].toArray();
        QCOMPARE(attestations.size(), 1);
        const QJsonObject provenance = attestations.first().toObject();
        QCOMPARE(provenance[u"predicateType"_s].toString(), u"https://slsa.dev/provenance/v1"_s);
        QCOMPARE(provenance[u"verdict"_s].toString(), u"verified"_s);
        QCOMPARE(provenance[u"builder"_s].toString(), u"https://ci.example/runner"_s);
        QCOMPARE(provenance[u"sourceRepository"_s].toString(),
                 u"git+https://git.example/acme/api"_s);
        QCOMPARE(provenance[u"sourceCommit"_s].toString(), QString(40, u'f'));
        QCOMPARE(provenance[u"subjects"_s].toArray().first().toString(), m_digests.at(Valid));
        QCOMPARE(provenance[u"mismatch"_s].toString(),
                 u"the provenance names commit ffffffffffff, the build's revision label "
                 u"aaaaaaaaaaaa"_s);

        // Another key's attestation of a build whose label agrees: unverified, no mismatch.
        const QJsonObject other = verify(u"v1.%1.0"_s.arg(int(TwoSignatures)), {u"ci"_s})
                                      .json()[u"attestations"_s]
                                      .toArray()
                                      .first()
                                      .toObject();
        QCOMPARE(other[u"verdict"_s].toString(), u"signed-unverified"_s);
        QVERIFY(!other.contains(u"mismatch"_s));
        // Text for a person names the builder and the mismatch.
        const CtlRun text = verifyAsText(u"v1.0.0"_s);
        QVERIFY2(text.out.contains("built by https://ci.example/runner from "
                                   "git+https://git.example/acme/api at ffffffffffff"),
                 text.out.constData());
        QVERIFY2(text.out.contains("the provenance names commit ffffffffffff"),
                 text.out.constData());
        // A build with none has none.
        QVERIFY(verify(u"v1.%1.0"_s.arg(int(Unsigned)), {})
                    .json()[u"attestations"_s]
                    .toArray()
                    .isEmpty());
    }

    void twoSignaturesListBoth() {
        const QJsonObject answer = verify(u"v1.%1.0"_s.arg(int(TwoSignatures)), {u"ci"_s}).json();
        const QJsonArray signatures = answer[u"signatures"_s].toArray();
        QCOMPARE(signatures.size(), 2);
        QCOMPARE(signatures[0][u"verdict"_s].toString(), u"signed-unverified"_s);
        QCOMPARE(signatures[1][u"verdict"_s].toString(), u"verified"_s);
        const Result<VerificationKey> ci = VerificationKey::fromFile(keyPath(u"ci.pub"_s));
        QVERIFY(ci.ok());
        QCOMPARE(signatures[1][u"key"_s].toString(), ci->fingerprint());
    }

    void buildsJsonGivesEachBuildsVerdict() {
        const CtlRun run =
            this->run(QStringLiteral(BERTHCTL_PATH), {u"builds"_s, repository(), u"--json"_s,
                                                      u"--db"_s, m_dir.filePath(u"builds.sqlite"_s),
                                                      u"--verify-key"_s, keyPath(u"ci.pub"_s)});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QHash<QString, QJsonObject> signatures;
        for (const QJsonValue& build : QJsonDocument::fromJson(run.out).array())
            signatures.insert(build[u"digest"_s].toString(), build[u"signature"_s].toObject());
        QCOMPARE(signatures.value(m_digests.at(Valid))[u"verdict"_s].toString(), u"verified"_s);
        QVERIFY(signatures.value(m_digests.at(Valid))[u"summary"_s].toString().contains(
            u"verified by ci.pub"_s));
        QCOMPARE(signatures.value(m_digests.at(OtherDigest))[u"verdict"_s].toString(),
                 u"invalid"_s);
        QCOMPARE(signatures.value(m_digests.at(WrongKey))[u"verdict"_s].toString(),
                 u"signed-unverified"_s);
        QCOMPARE(signatures.value(m_digests.at(Unsigned))[u"verdict"_s].toString(), u"unsigned"_s);
        QCOMPARE(signatures.value(m_index)[u"verdict"_s].toString(), u"verified"_s);

        // The verdicts are kept in the history, under the key that judged them.
        HistoryStore store;
        QVERIFY(store.open(m_dir.filePath(u"builds.sqlite"_s)).ok());
        const Result<QList<StoredSignatureVerdict>> kept =
            store.signatureVerdicts(m_server->hostPort(), u"trust/api"_s);
        QVERIFY2(kept.ok(), qPrintable(kept.errorMessage()));
        QCOMPARE(kept->size(), qsizetype(BuildCount)); // the signed builds and the index
        const Result<VerificationKey> ci = VerificationKey::fromFile(keyPath(u"ci.pub"_s));
        QVERIFY(ci.ok());
        for (const StoredSignatureVerdict& row : kept.value()) {
            QCOMPARE(row.trust, (SignatureTrust{{ci.value()}, {}, {}, {}}.fingerprint()));
            QCOMPARE(row.verdict, signatures.value(row.digest)[u"verdict"_s].toString());
        }
    }

    void withoutKeysASignatureIsUnverified() {
        const CtlRun run = verify(u"v1.0.0"_s, {});
        QCOMPARE(run.exitCode, 3);
        QCOMPARE(run.json()[u"verdict"_s].toString(), u"signed-unverified"_s);
        QVERIFY(run.json()[u"summary"_s].toString().contains(u"no key is configured"_s));
    }

    void anIndexIsVerifiedAtItsOwnDigest() {
        const CtlRun run = verify(u"v2.0.0"_s, {u"ci"_s});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err + QString::fromUtf8(run.out)));
        QCOMPARE(run.json()[u"digest"_s].toString(), m_index);
        QCOMPARE(run.json()[u"verdict"_s].toString(), u"verified"_s);
        // By digest too, and a text answer for a person.
        const CtlRun text = verifyAsText(m_index);
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains("verdict  verified: verified by ci.pub"), text.out.constData());
    }

    void aKeyThatIsNoneIsRefused() {
        QFile notAKey(keyPath(u"garbage.pub"_s));
        QVERIFY(notAKey.open(QIODevice::WriteOnly));
        notAKey.write("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        notAKey.close();
        const CtlRun garbage = verify(u"v1.0.0"_s, {u"garbage"_s});
        QCOMPARE(garbage.exitCode, 2);
        QVERIFY2(garbage.err.contains(u"garbage.pub holds no PEM public key"_s),
                 qPrintable(garbage.err));
        QVERIFY(!VerificationKey::fromFile(keyPath(u"ci.key"_s)).ok()); // a private key file
        QVERIFY(VerificationKey::fromFile(keyPath(u"missing.pub"_s))
                    .errorMessage()
                    .contains(u"Cannot read the key"_s));
    }

    // The payload cosign writes is known before it is fetched: the signer's bytes, exactly,
    // so the reader skips the blob whose digest they have.
    void theUnannotatedPayloadIsKnownByteForByte() {
        const QJsonValue valid = m_signed.at(0);
        QCOMPARE(valid[u"subject"_s].toString(), m_digests.at(Valid));
        QCOMPARE(simpleSigningPayload(repository(), m_digests.at(Valid)),
                 QByteArray::fromBase64(valid[u"signed"_s].toString().toLatin1()));
    }

    // Berth's answer on every (signature, key) pair is openssl's on the same bytes.
    void opensslAgreesOnEverySignature() {
        int verifiedPairs = 0;
        for (const QString& name : {u"ci"_s, u"stranger"_s, u"rsa"_s, u"ed25519"_s}) {
            const Result<VerificationKey> key =
                VerificationKey::fromFile(keyPath(name + u".pub"_s));
            QVERIFY2(key.ok(), qPrintable(key.errorMessage()));
            for (const QJsonValue& entry : std::as_const(m_signed)) {
                const QByteArray message =
                    QByteArray::fromBase64(entry[u"signed"_s].toString().toLatin1());
                const QByteArray signature =
                    QByteArray::fromBase64(entry[u"signature"_s].toString().toLatin1());
                const bool berth = key->verifies(message, signature);
                QCOMPARE(berth, opensslVerifies(name, message, signature));
                verifiedPairs += berth ? 1 : 0;
            }
        }
        // ci signed six (one of them flipped) and an attestation, stranger two and an
        // attestation, rsa and ed25519 one each.
        QCOMPARE(verifiedPairs, 6 + 3 + 1 + 1);
    }

    void theGatedEnvironmentTakesOnlyVerifiedBuilds() {
        GitSandbox sandbox(m_dir.filePath(u"git"_s));
        QVERIFY(QDir().mkpath(sandbox.root()));
        const QString clone = sandbox.newRepository(u"service"_s);
        QFile key(keyPath(u"ci.pub"_s));
        QVERIFY(key.open(QIODevice::ReadOnly));
        QVERIFY(!sandbox.commitFile(clone, u"keys/ci.pub"_s, key.readAll(), u"CI key"_s).isEmpty());
        QVERIFY(!sandbox
                     .commitFile(clone, u"berth.toml"_s,
                                 "[signatures]\nkeys = [\"keys/ci.pub\"]\n"
                                 "required = [\"production\"]\n",
                                 u"Gate production on signatures"_s)
                     .isEmpty());
        const QString database = m_dir.filePath(u"history.sqlite"_s);
        const auto ctl = [&](QStringList arguments) {
            arguments << u"--git"_s << clone << u"--db"_s << database << u"--yes"_s;
            return run(QStringLiteral(BERTHCTL_PATH), arguments);
        };
        const auto tagDigest = [&](const QString& tag) {
            const CtlRun tags = run(QStringLiteral(BERTHCTL_PATH),
                                    {u"builds"_s, repository(), u"--json"_s, u"--db"_s, database});
            for (const QJsonValue& build : QJsonDocument::fromJson(tags.out).array()) {
                for (const QJsonValue& name : build[u"tags"_s].toArray()) {
                    if (name[u"name"_s].toString() == tag)
                        return build[u"digest"_s].toString();
                }
            }
            return QString();
        };
        const CtlRun policy = run(QStringLiteral(BERTHCTL_PATH), {u"policy"_s, u"--git"_s, clone});
        QVERIFY2(policy.out.contains("verified by keys/ci.pub to enter production"),
                 policy.out.constData());

        const CtlRun verified = ctl({u"promote"_s, repository(), u"v1.0.0"_s, u"production"_s});
        QVERIFY2(verified.exitCode == 0, qPrintable(verified.err));
        QVERIFY2(verified.err.contains(u"signature verified: verified by keys/ci.pub"_s),
                 qPrintable(verified.err));
        QCOMPARE(tagDigest(u"production"_s), m_digests.at(Valid));

        for (const int refused : {int(Flipped), int(Unsigned), int(OtherDigest)}) {
            const CtlRun run =
                ctl({u"promote"_s, repository(), u"v1.%1.0"_s.arg(refused), u"production"_s});
            QVERIFY2(run.exitCode == 3, qPrintable(run.err));
            QVERIFY2(run.err.contains(u"production only takes verified builds"_s),
                     qPrintable(run.err));
            QCOMPARE(tagDigest(u"production"_s), m_digests.at(Valid));
        }
        // An environment the policy does not gate takes anything.
        QCOMPARE(ctl({u"promote"_s, repository(), u"v1.6.0"_s, u"staging"_s}).exitCode, 0);

        // Going back onto an unverified build: only with a reason, and the audit says so.
        const CtlRun noReason =
            ctl({u"rollback"_s, repository(), u"production"_s, u"--to"_s, u"v1.6.0"_s});
        QVERIFY2(noReason.exitCode == 3, qPrintable(noReason.err));
        QVERIFY2(noReason.err.contains(u"going back is allowed with a reason"_s),
                 qPrintable(noReason.err));
        const CtlRun withReason = ctl({u"rollback"_s, repository(), u"production"_s, u"--to"_s,
                                       u"v1.6.0"_s, u"--reason"_s, u"incident 42"_s});
        QVERIFY2(withReason.exitCode == 0, qPrintable(withReason.err));
        QCOMPARE(tagDigest(u"production"_s), m_digests.at(Unsigned));
        const CtlRun audit = run(QStringLiteral(BERTHCTL_PATH),
                                 {u"audit"_s, repository(), u"--json"_s, u"--db"_s, database});
        const QJsonArray rows = QJsonDocument::fromJson(audit.out).array();
        QVERIFY(!rows.isEmpty());
        QCOMPARE(rows.first()[u"kind"_s].toString(), u"rollback"_s);
        QCOMPARE(rows.first()[u"reason"_s].toString(), u"onto an unverified build: incident 42"_s);

        // A key the policy names but HEAD does not hold stops a promotion.
        QVERIFY(!sandbox
                     .commitFile(clone, u"berth.toml"_s,
                                 "[signatures]\nkeys = [\"keys/gone.pub\"]\n"
                                 "required = [\"production\"]\n",
                                 u"Name a key that is not there"_s)
                     .isEmpty());
        const CtlRun missing = ctl({u"promote"_s, repository(), u"v1.0.0"_s, u"production"_s});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.err.contains(u"keys/gone.pub, which is not committed"_s),
                 qPrintable(missing.err));
    }

    // The timeline's checker: every signed build judged once per key set.
    void theCheckerKeepsEachVerdictPerKeySet() {
        const RegistryOptions options = registryOptions();
        const QList<Build> builds = readBuilds();
        QVERIFY(!builds.isEmpty());
        const Result<VerificationKey> ci = VerificationKey::fromFile(keyPath(u"ci.pub"_s));
        const Result<VerificationKey> rsa = VerificationKey::fromFile(keyPath(u"rsa.pub"_s));
        QVERIFY(ci.ok() && rsa.ok());

        SignatureChecker checker;
        QSignalSpy verdicts(&checker, &SignatureChecker::verdictReady);
        QSignalSpy finished(&checker, &SignatureChecker::finished);
        checker.check(m_server->hostPort(), u"trust/api"_s, options, builds,
                      SignatureTrust{{ci.value()}, {}, {}, {}});
        QVERIFY(checker.isChecking());
        QVERIFY(finished.wait(30000));
        // Eight signed builds (every case but the unsigned one) and the index.
        QCOMPARE(verdicts.size(), BuildCount - 1 + 1);
        QHash<QString, QString> byDigest;
        for (const QList<QVariant>& answer : std::as_const(verdicts))
            byDigest.insert(answer.at(1).toString(),
                            signatureVerdictName(answer.at(2).value<SignatureVerdict>().kind));
        QCOMPARE(byDigest.value(m_digests.at(Valid)), u"verified"_s);
        QCOMPARE(byDigest.value(m_digests.at(OtherDigest)), u"invalid"_s);
        QCOMPARE(byDigest.value(m_digests.at(RsaSigned)), u"signed-unverified"_s);
        QVERIFY(!byDigest.contains(m_digests.at(Unsigned)));

        // The same keys again: answered at once, from what was judged.
        verdicts.clear();
        checker.check(m_server->hostPort(), u"trust/api"_s, options, builds,
                      SignatureTrust{{ci.value()}, {}, {}, {}});
        QVERIFY(!checker.isChecking());
        QCOMPARE(verdicts.size(), BuildCount);

        // Another key set: judged again, and the RSA build now verifies.
        verdicts.clear();
        checker.check(m_server->hostPort(), u"trust/api"_s, options, builds,
                      SignatureTrust{{ci.value(), rsa.value()}, {}, {}, {}});
        QVERIFY(checker.isChecking());
        QVERIFY(verdicts.isEmpty());
        QVERIFY(finished.wait(30000));
        for (const QList<QVariant>& answer : std::as_const(verdicts)) {
            if (answer.at(1).toString() == m_digests.at(RsaSigned))
                QCOMPARE(answer.at(2).value<SignatureVerdict>().kind,
                         SignatureVerdictKind::Verified);
        }
        QCOMPARE(verdicts.size(), BuildCount);
    }

    // Verdicts kept in the history outlive the checker: the next one (the next run of
    // Berth) shows each at once and checks only signatures that changed; other keys judge
    // everything again. Last of the cases: it signs a build anew.
    void verdictsAreKeptInTheHistory() {
        const RegistryOptions options = registryOptions();
        const QList<Build> builds = readBuilds();
        QVERIFY(!builds.isEmpty());
        RegistryClient client(m_server->hostPort(), options);
        const Result<VerificationKey> ci = VerificationKey::fromFile(keyPath(u"ci.pub"_s));
        const Result<VerificationKey> rsa = VerificationKey::fromFile(keyPath(u"rsa.pub"_s));
        QVERIFY(ci.ok() && rsa.ok());
        const SignatureTrust byCi{{ci.value()}, {}, {}, {}};
        const SignatureTrust byCiAndRsa{{ci.value(), rsa.value()}, {}, {}, {}};
        HistoryStore store;
        QVERIFY(store.open(m_dir.filePath(u"verdicts.sqlite"_s)).ok());
        InlineHistory history(&store);
        // One checker per run; what each answered last, by digest.
        const auto checkOnce = [&](const SignatureTrust& trust, int* answeredAtOnce) {
            SignatureChecker checker;
            checker.setHistory([&history]() -> HistoryAccess* { return &history; });
            QSignalSpy verdicts(&checker, &SignatureChecker::verdictReady);
            QSignalSpy finished(&checker, &SignatureChecker::finished);
            checker.check(m_server->hostPort(), u"trust/api"_s, options, builds, trust);
            *answeredAtOnce = int(verdicts.size()); // the history answers inline here
            QHash<QString, SignatureVerdict> last;
            if (!finished.wait(30000))
                return last;
            for (const QList<QVariant>& answer : std::as_const(verdicts))
                last.insert(answer.at(1).toString(), answer.at(2).value<SignatureVerdict>());
            return last;
        };
        const auto storedByDigest = [&]() {
            QHash<QString, StoredSignatureVerdict> rows;
            const Result<QList<StoredSignatureVerdict>> stored =
                store.signatureVerdicts(m_server->hostPort(), u"trust/api"_s);
            for (const StoredSignatureVerdict& row :
                 stored.ok() ? stored.value() : QList<StoredSignatureVerdict>())
                rows.insert(row.digest, row);
            return rows;
        };
        const auto signatureManifestDigest = [&](const QString& subject) {
            const std::optional<Result<ManifestHead>> head =
                waitForResult<ManifestHead>([&](QObject* context, Callback<ManifestHead> done) {
                    client.headManifest(u"trust/api"_s,
                                        SignatureReader::accessoryTag(subject, u"sig"_s), context,
                                        done);
                });
            return head && head->ok() ? head->value().digest : QString();
        };

        int atOnce = -1;
        const QHash<QString, SignatureVerdict> first = checkOnce(byCi, &atOnce);
        QCOMPARE(atOnce, 0);                // nothing kept yet
        QCOMPARE(first.size(), BuildCount); // eight signed builds and the index
        QHash<QString, StoredSignatureVerdict> rows = storedByDigest();
        QCOMPARE(rows.size(), BuildCount);
        const StoredSignatureVerdict valid = rows.value(m_digests.at(Valid));
        QCOMPARE(valid.verdict, u"verified"_s);
        QCOMPARE(valid.trust, byCi.fingerprint());
        QCOMPARE(valid.evidence, signatureManifestDigest(m_digests.at(Valid)));
        QCOMPARE(rows.value(m_digests.at(Flipped)).verdict, u"signed-unverified"_s);
        QVERIFY(!rows.contains(m_digests.at(Unsigned)));

        // The kept verdict is what the next run shows, before and after the registry's
        // answer: a summary only the history holds proves the signature went unchecked.
        StoredSignatureVerdict marked = valid;
        marked.summary = u"verified, as kept by the earlier run"_s;
        QVERIFY(store.storeSignatureVerdicts({marked}).ok());
        const QHash<QString, SignatureVerdict> second = checkOnce(byCi, &atOnce);
        QCOMPARE(atOnce, BuildCount);
        QCOMPARE(second.value(m_digests.at(Valid)).summary, marked.summary);
        QCOMPARE(second.value(m_digests.at(OtherDigest)).kind, SignatureVerdictKind::Invalid);

        // A signature replaced since (the flipped one, now signed properly) is judged again.
        QString error;
        RegistrySeeder::sign(*m_server,
                             {{u"repository"_s, u"trust/api"_s},
                              {u"signatures"_s, QJsonArray{signature(Flipped, u"ci"_s)}}},
                             &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QHash<QString, SignatureVerdict> third = checkOnce(byCi, &atOnce);
        QCOMPARE(third.value(m_digests.at(Flipped)).kind, SignatureVerdictKind::Verified);
        rows = storedByDigest();
        QCOMPARE(rows.value(m_digests.at(Flipped)).verdict, u"verified"_s);
        QCOMPARE(rows.value(m_digests.at(Flipped)).evidence,
                 signatureManifestDigest(m_digests.at(Flipped)));

        // Other keys: nothing kept counts, and the RSA build now verifies.
        const QHash<QString, SignatureVerdict> fourth = checkOnce(byCiAndRsa, &atOnce);
        QCOMPARE(atOnce, 0);
        QCOMPARE(fourth.value(m_digests.at(RsaSigned)).kind, SignatureVerdictKind::Verified);
        QVERIFY(fourth.value(m_digests.at(Valid)).summary != marked.summary);
        rows = storedByDigest();
        QCOMPARE(rows.value(m_digests.at(RsaSigned)).verdict, u"verified"_s);
        QCOMPARE(rows.value(m_digests.at(RsaSigned)).trust, byCiAndRsa.fingerprint());

        // With the registry gone, the kept verdict stands and says it is one.
        const QString registry = m_server->hostPort();
        m_server.reset();
        SignatureChecker offline;
        offline.setHistory([&history]() -> HistoryAccess* { return &history; });
        QSignalSpy answers(&offline, &SignatureChecker::verdictReady);
        QSignalSpy done(&offline, &SignatureChecker::finished);
        offline.check(registry, u"trust/api"_s, options, builds, byCiAndRsa);
        QVERIFY(done.wait(30000));
        SignatureVerdict lastRsa;
        for (const QList<QVariant>& answer : std::as_const(answers)) {
            if (answer.at(1).toString() == m_digests.at(RsaSigned))
                lastRsa = answer.at(2).value<SignatureVerdict>();
        }
        QCOMPARE(lastRsa.kind, SignatureVerdictKind::Verified);
        QVERIFY2(lastRsa.summary.contains(u"verified by rsa.pub"_s) &&
                     lastRsa.summary.contains(u" (as last checked; not checked now: "_s),
                 qPrintable(lastRsa.summary));
    }

private:
    CtlRun verifyAsText(const QString& reference) {
        return run(QStringLiteral(BERTHCTL_PATH),
                   {u"verify"_s, repository(), reference, u"--verify-key"_s, keyPath(u"ci.pub"_s)});
    }
};

BERTH_TEST_MAIN(TestSignatures)
#include "tst_signatures.moc"
