// Keyless (sigstore) cosign signatures verified offline, against a real docker-registry on
// loopback. A test certificate authority stands in for Fulcio and a test key for Rekor's
// log (tests/support/keyless_pki.py); the test-side signer (cosign_signer.py) writes
// cosign's layout: the signature, the short-lived certificate, the chain and the log's
// bundle as layer annotations. `berthctl verify` gives each case its verdict: valid, a
// certificate expired when the log recorded it, another identity, a chain to another
// authority, no bundle, a damaged log timestamp, a log nobody configured, a log entry of
// another signature. The chain, the log timestamp and the signature are each judged again
// by the openssl command line. A clone's berth.toml naming the authority, the log and the
// identity gates production on them.

#include "CtlRun.h"
#include "GitSandbox.h"
#include "RegistrySeeder.h"
#include "RegistryServer.h"
#include "TestMain.h"

#include "signing/KeylessSignature.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

namespace {

const QString kIssuer = u"https://accounts.example.com"_s;
// When the test log recorded every entry: 2026-01-01T00:00:00Z.
constexpr qint64 kLoggedAt = 1767225600;

enum Case {
    Valid,
    Expired,
    OtherIdentity,
    UntrustedChain,
    NoBundle,
    DamagedTimestamp,
    UnknownLog,
    OtherSignatureLogged,
    CaseCount
};

} // namespace

class TestKeylessSignatures : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<RegistryServer> m_server;
    QTemporaryDir m_dir;
    QStringList m_digests; // by Case
    QJsonArray m_signed;   // the signer's answer, by Case (NoBundle has no "set")

    QString repository() const { return m_server->hostPort() + u"/keyless/api"_s; }
    QString pki(const QString& name) const { return m_dir.filePath(u"pki/"_s + name); }

    CtlRun run(const QString& program, const QStringList& arguments) const {
        return runProgram(program, arguments,
                          {{u"HOME"_s, m_dir.path()},
                           {u"XDG_CONFIG_HOME"_s, m_dir.filePath(u".config"_s)},
                           {u"DOCKER_CONFIG"_s, m_dir.filePath(u"docker"_s)}});
    }

    bool makePki(const QStringList& arguments) const {
        const CtlRun made = run(
            u"/usr/bin/python3"_s,
            QStringList{QStringLiteral(BERTH_TEST_SUPPORT_DIR) + u"/keyless_pki.py"_s} + arguments);
        if (made.exitCode != 0)
            qWarning("keyless_pki %s: %s", qPrintable(arguments.join(u' ')), qPrintable(made.err));
        return made.exitCode == 0;
    }

    // A leaf certificate `name` for `email`, valid from `from` to `to` (ISO 8601).
    bool makeLeaf(const QString& name, const QString& email, const QString& from, const QString& to,
                  bool otherAuthority = false) const {
        QStringList arguments{u"leaf"_s,         pki({}), u"--name"_s,      name,
                              u"--email"_s,      email,   u"--issuer"_s,    kIssuer,
                              u"--not-before"_s, from,    u"--not-after"_s, to};
        if (otherAuthority)
            arguments << u"--ca"_s << u"other"_s;
        return makePki(arguments);
    }

    QJsonObject signature(int build, const QString& leaf, const QString& logKey = {},
                          const QString& bundleFlag = {}) const {
        QJsonObject entry{{u"subject"_s, m_digests.at(build)},
                          {u"key"_s, pki(leaf + u"-key.pem"_s)},
                          {u"reference"_s, repository()},
                          {u"certificate"_s, pki(leaf + u".pem"_s)},
                          {u"chain"_s, pki(leaf + u"-chain.pem"_s)}};
        if (!logKey.isEmpty()) {
            QJsonObject bundle{{u"logKey"_s, pki(logKey)},
                               {u"integratedTime"_s, kLoggedAt},
                               {u"logIndex"_s, build}};
            if (!bundleFlag.isEmpty())
                bundle.insert(bundleFlag, true);
            entry.insert(u"bundle"_s, bundle);
        }
        return entry;
    }

    QStringList keylessOptions(const QStringList& identity) const {
        return QStringList{u"--certificate-authority"_s, pki(u"root.pem"_s), u"--log-key"_s,
                           pki(u"rekor.pub"_s)} +
               identity;
    }

    CtlRun verify(int build, const QStringList& options) const {
        return run(QStringLiteral(BERTHCTL_PATH),
                   QStringList{u"verify"_s, repository(), u"v3.%1.0"_s.arg(build), u"--json"_s} +
                       options);
    }

    bool openssl(const QStringList& arguments) const {
        return run(u"openssl"_s, arguments).exitCode == 0;
    }

    QString writeFile(const QString& name, const QByteArray& bytes) const {
        QFile file(m_dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
            return {};
        return file.fileName();
    }

private slots:
    void initTestCase() {
        const QString missing = RegistryServer::unavailableReason({});
        if (!missing.isEmpty())
            QSKIP(qPrintable(missing));
        QVERIFY(makePki({u"ca"_s, pki({})}));
        // Short-lived, as Fulcio's are: ten minutes around the moment the log recorded.
        QVERIFY(makeLeaf(u"alice"_s, u"alice@example.com"_s, u"2025-12-31T23:55:00Z"_s,
                         u"2026-01-01T00:05:00Z"_s));
        QVERIFY(makeLeaf(u"late"_s, u"alice@example.com"_s, u"2025-12-31T23:00:00Z"_s,
                         u"2025-12-31T23:10:00Z"_s));
        QVERIFY(makeLeaf(u"mallory"_s, u"mallory@example.com"_s, u"2025-12-31T23:55:00Z"_s,
                         u"2026-01-01T00:05:00Z"_s));
        QVERIFY(makeLeaf(u"outsider"_s, u"alice@example.com"_s, u"2025-12-31T23:55:00Z"_s,
                         u"2026-01-01T00:05:00Z"_s, true));

        m_server = std::make_unique<RegistryServer>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        QJsonArray images;
        for (int i = 0; i < CaseCount; ++i)
            images.append(RegistrySeeder::image({u"v3.%1.0"_s.arg(i)}, u"keyless-%1"_s.arg(i)));
        QString error;
        const QJsonObject pushed = RegistrySeeder::seed(
            *m_server, {{u"repository"_s, u"keyless/api"_s}, {u"images"_s, images}}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        for (const QJsonValue& image : pushed[u"images"_s].toArray())
            m_digests.append(image[u"digest"_s].toString());
        QCOMPARE(m_digests.size(), int(CaseCount));

        const QString rekor = u"rekor-key.pem"_s;
        const QJsonArray signatures{
            signature(Valid, u"alice"_s, rekor),
            signature(Expired, u"late"_s, rekor),
            signature(OtherIdentity, u"mallory"_s, rekor),
            signature(UntrustedChain, u"outsider"_s, rekor),
            signature(NoBundle, u"alice"_s),
            signature(DamagedTimestamp, u"alice"_s, rekor, u"corrupt"_s),
            signature(UnknownLog, u"alice"_s, u"other-rekor-key.pem"_s),
            signature(OtherSignatureLogged, u"alice"_s, rekor, u"otherSignature"_s)};
        const QJsonObject answer = RegistrySeeder::sign(
            *m_server, {{u"repository"_s, u"keyless/api"_s}, {u"signatures"_s, signatures}},
            &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_signed = answer[u"signatures"_s].toArray();
        QCOMPARE(m_signed.size(), signatures.size());
    }

    void cleanupTestCase() { m_server.reset(); }

    void eachCaseGetsItsVerdict_data() {
        QTest::addColumn<int>("build");
        QTest::addColumn<QString>("verdict");
        QTest::addColumn<QString>("says");
        QTest::newRow("valid") << int(Valid) << u"verified"_s
                               << u"verified keyless: alice@example.com from "
                                  u"https://accounts.example.com (logged 2026-01-01"_s;
        QTest::newRow("expired certificate")
            << int(Expired) << u"invalid"_s << u"was not valid when the log recorded it"_s;
        QTest::newRow("identity mismatch") << int(OtherIdentity) << u"signed-unverified"_s
                                           << u"mallory@example.com from "
                                              u"https://accounts.example.com, which is not a "
                                              u"configured identity"_s;
        QTest::newRow("untrusted chain") << int(UntrustedChain) << u"signed-unverified"_s
                                         << u"does not chain to a configured authority"_s;
        QTest::newRow("no bundle")
            << int(NoBundle) << u"signed-unverified"_s << u"without a transparency-log bundle"_s;
        QTest::newRow("damaged log timestamp")
            << int(DamagedTimestamp) << u"invalid"_s
            << u"transparency-log timestamp does not verify with rekor.pub"_s;
        QTest::newRow("a log nobody configured") << int(UnknownLog) << u"signed-unverified"_s
                                                 << u"transparency log that is not configured"_s;
        QTest::newRow("the log recorded another signature")
            << int(OtherSignatureLogged) << u"invalid"_s
            << u"transparency-log entry records another signature"_s;
    }

    void eachCaseGetsItsVerdict() {
        QFETCH(int, build);
        QFETCH(QString, verdict);
        QFETCH(QString, says);
        const CtlRun run =
            verify(build, keylessOptions({u"--certificate-oidc-issuer"_s, kIssuer,
                                          u"--certificate-identity"_s, u"alice@example.com"_s}));
        QVERIFY2(run.exitCode == (verdict == u"verified"_s ? 0 : 3),
                 qPrintable(run.err + QString::fromUtf8(run.out)));
        const QJsonObject answer = run.json();
        QCOMPARE(answer[u"digest"_s].toString(), m_digests.at(build));
        QCOMPARE(answer[u"verdict"_s].toString(), verdict);
        QVERIFY2(answer[u"summary"_s].toString().contains(says),
                 qPrintable(answer[u"summary"_s].toString()));
    }

    void anIdentityCanBeAPattern() {
        const QStringList pattern =
            keylessOptions({u"--certificate-oidc-issuer"_s, kIssuer,
                            u"--certificate-identity-regexp"_s, u".*@example\\.com"_s});
        QCOMPARE(verify(OtherIdentity, pattern).json()[u"verdict"_s].toString(), u"verified"_s);
        // The whole subject must match, not a part of it.
        const QStringList partial =
            keylessOptions({u"--certificate-oidc-issuer"_s, kIssuer,
                            u"--certificate-identity-regexp"_s, u"mallory"_s});
        QCOMPARE(verify(OtherIdentity, partial).json()[u"verdict"_s].toString(),
                 u"signed-unverified"_s);
        // The issuer is part of the identity.
        const QStringList otherIssuer =
            keylessOptions({u"--certificate-oidc-issuer"_s, u"https://elsewhere.example"_s,
                            u"--certificate-identity"_s, u"alice@example.com"_s});
        QCOMPARE(verify(Valid, otherIssuer).json()[u"verdict"_s].toString(),
                 u"signed-unverified"_s);
    }

    void withoutKeylessTrustItIsOnlySigned() {
        const CtlRun run = verify(Valid, {});
        QCOMPARE(run.exitCode, 3);
        QCOMPARE(run.json()[u"verdict"_s].toString(), u"signed-unverified"_s);
        QVERIFY2(run.json()[u"summary"_s].toString().contains(
                     u"signed keyless by alice@example.com from https://accounts.example.com; "
                     u"no certificate authority, log key and identity are configured"_s),
                 qPrintable(run.json()[u"summary"_s].toString()));
        // An issuer without a subject is no identity.
        const CtlRun half = verify(Valid, {u"--certificate-oidc-issuer"_s, kIssuer});
        QCOMPARE(half.exitCode, 2);
        QVERIFY(half.err.contains(u"a keyless identity needs both"_s));
    }

    void buildsJsonGivesEachBuildsVerdict() {
        const CtlRun run =
            this->run(QStringLiteral(BERTHCTL_PATH),
                      QStringList{u"builds"_s, repository(), u"--json"_s, u"--db"_s,
                                  m_dir.filePath(u"builds.sqlite"_s)} +
                          keylessOptions({u"--certificate-oidc-issuer"_s, kIssuer,
                                          u"--certificate-identity"_s, u"alice@example.com"_s}));
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QHash<QString, QString> verdicts;
        for (const QJsonValue& build : QJsonDocument::fromJson(run.out).array())
            verdicts.insert(build[u"digest"_s].toString(),
                            build[u"signature"_s][u"verdict"_s].toString());
        QCOMPARE(verdicts.size(), int(CaseCount));
        QCOMPARE(verdicts.value(m_digests.at(Valid)), u"verified"_s);
        QCOMPARE(verdicts.value(m_digests.at(Expired)), u"invalid"_s);
        QCOMPARE(verdicts.value(m_digests.at(OtherIdentity)), u"signed-unverified"_s);
        QCOMPARE(verdicts.value(m_digests.at(OtherSignatureLogged)), u"invalid"_s);
    }

    void theCertificateNamesItsHolder() {
        QFile leaf(pki(u"alice.pem"_s));
        QVERIFY(leaf.open(QIODevice::ReadOnly));
        const Result<CertificateHolder> holder = certificateHolder(leaf.readAll());
        QVERIFY2(holder.ok(), qPrintable(holder.errorMessage()));
        QCOMPARE(holder->issuer, kIssuer);
        QCOMPARE(holder->subjects, QStringList{u"alice@example.com"_s});
    }

    // openssl's own answers over the same certificates, timestamps and signatures.
    void opensslAgrees() {
        const auto chainVerifies = [this](const QString& leaf) {
            return openssl({u"verify"_s, u"-attime"_s, QString::number(kLoggedAt), u"-CAfile"_s,
                            pki(u"root.pem"_s), u"-untrusted"_s, pki(leaf + u"-chain.pem"_s),
                            pki(leaf + u".pem"_s)});
        };
        QVERIFY(chainVerifies(u"alice"_s));
        QVERIFY(chainVerifies(u"mallory"_s));
        QVERIFY(!chainVerifies(u"late"_s));     // expired at that moment
        QVERIFY(!chainVerifies(u"outsider"_s)); // another authority

        const QString rekor = pki(u"rekor.pub"_s);
        for (int build : {int(Valid), int(DamagedTimestamp), int(UnknownLog)}) {
            const QJsonObject entry = m_signed.at(build).toObject();
            const QString signedFile =
                writeFile(u"set-signed"_s,
                          QByteArray::fromBase64(entry[u"setSigned"_s].toString().toLatin1()));
            const QString setFile =
                writeFile(u"set"_s, QByteArray::fromBase64(entry[u"set"_s].toString().toLatin1()));
            QVERIFY(!signedFile.isEmpty() && !setFile.isEmpty());
            const bool verifies = openssl({u"dgst"_s, u"-sha256"_s, u"-verify"_s, rekor,
                                           u"-signature"_s, setFile, signedFile});
            QCOMPARE(verifies, build == Valid);
        }

        // The signature over the payload, with the key the certificate holds.
        const CtlRun key = run(
            u"openssl"_s, {u"x509"_s, u"-in"_s, pki(u"alice.pem"_s), u"-pubkey"_s, u"-noout"_s});
        QCOMPARE(key.exitCode, 0);
        const QString keyFile = writeFile(u"alice.pub"_s, key.out);
        const QJsonObject valid = m_signed.at(Valid).toObject();
        const QString payloadFile = writeFile(
            u"payload"_s, QByteArray::fromBase64(valid[u"signed"_s].toString().toLatin1()));
        const QString signatureFile = writeFile(
            u"signature"_s, QByteArray::fromBase64(valid[u"signature"_s].toString().toLatin1()));
        QVERIFY(openssl({u"dgst"_s, u"-sha256"_s, u"-verify"_s, keyFile, u"-signature"_s,
                         signatureFile, payloadFile}));
    }

    void theGatedEnvironmentTakesOnlyTheConfiguredIdentity() {
        GitSandbox sandbox(m_dir.filePath(u"git"_s));
        QVERIFY(QDir().mkpath(sandbox.root()));
        const QString clone = sandbox.newRepository(u"service"_s);
        for (const QString& file : {u"root.pem"_s, u"rekor.pub"_s}) {
            QFile source(pki(file));
            QVERIFY(source.open(QIODevice::ReadOnly));
            QVERIFY(
                !sandbox.commitFile(clone, u"trust/"_s + file, source.readAll(), file).isEmpty());
        }
        QVERIFY(!sandbox
                     .commitFile(clone, u"berth.toml"_s,
                                 "[signatures]\n"
                                 "required = [\"production\"]\n"
                                 "authorities = [\"trust/root.pem\"]\n"
                                 "log_keys = [\"trust/rekor.pub\"]\n"
                                 "\n"
                                 "[[signatures.identities]]\n"
                                 "issuer = \"https://accounts.example.com\"\n"
                                 "subject = \"alice@example.com\"\n",
                                 u"Gate production on keyless signatures"_s)
                     .isEmpty());
        const CtlRun policy = run(QStringLiteral(BERTHCTL_PATH), {u"policy"_s, u"--git"_s, clone});
        QVERIFY2(policy.out.contains("verified by keyless alice@example.com from "
                                     "https://accounts.example.com to enter production"),
                 policy.out.constData());
        QVERIFY2(policy.out.contains("keyless trust:   authorities trust/root.pem; log keys "
                                     "trust/rekor.pub"),
                 policy.out.constData());

        const QString database = m_dir.filePath(u"history.sqlite"_s);
        const auto promote = [&](int build) {
            return run(QStringLiteral(BERTHCTL_PATH),
                       {u"promote"_s, repository(), u"v3.%1.0"_s.arg(build), u"production"_s,
                        u"--git"_s, clone, u"--db"_s, database, u"--yes"_s});
        };
        const CtlRun verified = promote(Valid);
        QVERIFY2(verified.exitCode == 0, qPrintable(verified.err));
        QVERIFY2(
            verified.err.contains(u"signature verified: verified keyless: alice@example.com"_s),
            qPrintable(verified.err));
        for (int refused : {int(OtherIdentity), int(Expired), int(NoBundle)}) {
            const CtlRun run = promote(refused);
            QVERIFY2(run.exitCode == 3, qPrintable(run.err));
            QVERIFY2(run.err.contains(u"production only takes verified builds"_s),
                     qPrintable(run.err));
        }
    }

    void aMalformedIdentityIsRefusedWithItsPlace() {
        GitSandbox sandbox(m_dir.filePath(u"git-bad"_s));
        QVERIFY(QDir().mkpath(sandbox.root()));
        const QString clone = sandbox.newRepository(u"service"_s);
        QVERIFY(!sandbox
                     .commitFile(clone, u"berth.toml"_s,
                                 "[signatures]\n"
                                 "identities = [{ issuer = \"https://accounts.example.com\", "
                                 "subject_pattern = \"(unclosed\" }]\n",
                                 u"A broken pattern"_s)
                     .isEmpty());
        const CtlRun policy = run(QStringLiteral(BERTHCTL_PATH), {u"policy"_s, u"--git"_s, clone});
        QVERIFY(policy.exitCode != 0);
        QVERIFY2(policy.err.contains(u"berth.toml:2:"_s) &&
                     policy.err.contains(u"is no regular expression"_s),
                 qPrintable(policy.err));
    }
};

BERTH_TEST_MAIN(TestKeylessSignatures)

#include "tst_keylesssignatures.moc"
