// The tag policy (berth.toml): what each setting means, every refusal named by line and
// column, and the file read from a real git clone as committed at HEAD.

#include "TestMain.h"

#include "git/GitLibrary.h"
#include "policy/TagPolicy.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace berth;

namespace {

// Keeps git and libgit2 away from the developer's configuration; runs before GitLibrary.
bool isolateGitConfiguration(const QString& home) {
    qputenv("HOME", home.toUtf8());
    qputenv("XDG_CONFIG_HOME", (home + u"/.config"_s).toUtf8());
    qputenv("GIT_CONFIG_NOSYSTEM", "1");
    return true;
}

// Every setting as one comparable line.
QString summary(const TagPolicy& policy) {
    QStringList immutable;
    for (TagKind kind : policy.immutableKinds)
        immutable.append(tagKindName(kind));
    return u"semver=%1 minor=%2 major=%3 latest=%4 commit=%5 branch=%6 immutable=%7 envs=%8%9 "
           u"labels=%10"_s.arg(policy.semverPrefix)
               .arg(policy.floatingMinor)
               .arg(policy.floatingMajor)
               .arg(policy.latest)
               .arg(policy.commitLength)
               .arg(policy.branchCommit)
               .arg(immutable.join(u','), policy.environments.join(u','),
                    policy.promotionOrdered ? u"(ordered)"_s : QString(),
                    policy.requiredLabels.join(u','));
}

} // namespace

class TestTagPolicy : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    bool m_isolated = isolateGitConfiguration(m_dir.path());
    GitLibrary m_git;
    QString m_gitError;

    bool git(const QString& dir, const QStringList& arguments) {
        QProcess process;
        process.setWorkingDirectory(dir);
        process.start(u"git"_s, arguments);
        if (!process.waitForFinished(60000) || process.exitCode() != 0) {
            m_gitError = u"git %1: %2"_s.arg(arguments.join(u' '),
                                             QString::fromUtf8(process.readAllStandardError()));
            return false;
        }
        return true;
    }

    bool write(const QString& path, const QByteArray& bytes) {
        QFile file(path);
        return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
    }

    QString newClone(const QString& name) {
        const QString dir = m_dir.filePath(name);
        if (!git(m_dir.path(), {u"init"_s, u"-q"_s, u"-b"_s, u"main"_s, dir}) ||
            !git(dir, {u"config"_s, u"user.name"_s, u"Ada Lovelace"_s}) ||
            !git(dir, {u"config"_s, u"user.email"_s, u"ada@example.org"_s}))
            return {};
        return dir;
    }

    bool commitFile(const QString& clone, const QString& name, const QByteArray& bytes) {
        return write(clone + u'/' + name, bytes) && git(clone, {u"add"_s, name}) &&
               git(clone, {u"commit"_s, u"-q"_s, u"-m"_s, u"Add "_s + name});
    }

private slots:
    void readsEverySetting_data() {
        QTest::addColumn<QByteArray>("toml");
        QTest::addColumn<QString>("expected");
        const QString defaults = summary(TagPolicy::defaults({}));
        QTest::newRow("empty file: the defaults") << QByteArray() << defaults;
        QTest::newRow("comments only") << QByteArray("# nothing decided yet\n") << defaults;
        QTest::newRow("the lesson's strategy")
            << QByteArray("[tags]\nsemver = \"v\"\nfloating = [\"minor\", \"major\"]\n"
                          "latest = true\ncommit = 7\nbranch_commit = true\n"
                          "immutable = [\"exact-semver\", \"git-sha\", \"branch-sha\"]\n\n"
                          "[environments]\norder = [\"dev\", \"staging\", \"production\"]\n\n"
                          "[labels]\nrequired = [\"org.opencontainers.image.revision\", "
                          "\"git.commit\"]\n")
            << u"semver=v minor=1 major=1 latest=1 commit=7 branch=1 "
               u"immutable=exact-semver,git-sha,branch-sha envs=dev,staging,production(ordered) "
               u"labels=org.opencontainers.image.revision,git.commit"_s;
        QTest::newRow("bare versions, minor only, no latest, long commits")
            << QByteArray("[tags]\nsemver = \"\"\nfloating = [\"minor\"]\nlatest = false\n"
                          "commit = 12\nbranch_commit = false\nimmutable = [\"exact-semver\"]\n")
            << u"semver= minor=1 major=0 latest=0 commit=12 branch=0 immutable=exact-semver "
               u"envs=dev,qa,staging,production,prod,canary labels=org.opencontainers.image."
               u"revision"_s;
        QTest::newRow("no floating, no commit tags, no labels")
            << QByteArray("tags.floating = []\ntags.commit = 0\nlabels.required = []\n")
            << u"semver=v minor=0 major=0 latest=1 commit=0 branch=1 "
               u"immutable=exact-semver,git-sha,branch-sha "
               u"envs=dev,qa,staging,production,prod,canary labels="_s;
        QTest::newRow("environments of its own")
            << QByteArray("[environments]\norder = [\"qa-eu\", \"preprod\", \"live\"]\n")
            << u"semver=v minor=1 major=1 latest=1 commit=7 branch=1 "
               u"immutable=exact-semver,git-sha,branch-sha envs=qa-eu,preprod,live(ordered) "
               u"labels=org.opencontainers.image.revision"_s;
    }
    void readsEverySetting() {
        QFETCH(QByteArray, toml);
        const Result<TagPolicy> policy = parseTagPolicy(toml, u"berth.toml"_s, u"test"_s);
        QVERIFY2(policy, qPrintable(policy.errorMessage()));
        QTEST(summary(policy.value()), "expected");
        QCOMPARE(policy->origin, u"test"_s);
    }

    // Each refusal names the file, the line and the column of what is wrong.
    void refusesWhatItCannotMean_data() {
        QTest::addColumn<QByteArray>("toml");
        QTest::addColumn<QString>("error");
        QTest::newRow("syntax: unterminated string")
            << QByteArray("[tags]\nsemver = \"v\n") << u"berth.toml:2:"_s;
        QTest::newRow("syntax: key without value")
            << QByteArray("[tags]\nlatest =\n") << u"berth.toml:2:"_s;
        QTest::newRow("unknown section")
            << QByteArray("[tag]\nlatest = true\n")
            << u"berth.toml:1:2: unknown key \"tag\" (known: tags, environments, labels, signatures)"_s;
        QTest::newRow("misspelt key") << QByteArray("[tags]\nlatset = true\n")
                                      << u"berth.toml:2:1: unknown key \"latset\" in [tags]"_s;
        QTest::newRow("section not a table")
            << QByteArray("tags = 3\n") << u"berth.toml:1:8: tags must be a table"_s;
        QTest::newRow("two spellings of semver")
            << QByteArray("[tags]\nsemver = \"V\"\n")
            << u"berth.toml:2:10: tags.semver is \"v\" (v1.2.3) or \"\" (1.2.3), not \"V\""_s;
        QTest::newRow("floating level that is none")
            << QByteArray("[tags]\nfloating = [\"minor\", \"patch\"]\n")
            << u"berth.toml:2:22: tags.floating: \"patch\" is no floating level"_s;
        QTest::newRow("floating level twice")
            << QByteArray("[tags]\nfloating = [\"minor\", \"minor\"]\n")
            << u"berth.toml:2:22: tags.floating lists \"minor\" twice"_s;
        QTest::newRow("commit too short to be recognised")
            << QByteArray("[tags]\ncommit = 5\n")
            << u"berth.toml:2:10: tags.commit is the short-SHA length, 7 to 40"_s;
        QTest::newRow("commit as text") << QByteArray("[tags]\ncommit = \"7\"\n")
                                        << u"berth.toml:2:10: tags.commit must be a whole number"_s;
        QTest::newRow("latest as text") << QByteArray("[tags]\nlatest = \"yes\"\n")
                                        << u"berth.toml:2:10: tags.latest must be true or false"_s;
        QTest::newRow("a moving kind declared immutable")
            << QByteArray("[tags]\nimmutable = [\"exact-semver\", \"environment\"]\n")
            << u"berth.toml:2:30: tags.immutable: environment tags move by design"_s;
        QTest::newRow("no such kind")
            << QByteArray("[tags]\nimmutable = [\"semver\"]\n")
            << u"berth.toml:2:14: tags.immutable: \"semver\" is no tag kind"_s;
        QTest::newRow("environment that is a version")
            << QByteArray("[environments]\norder = [\"dev\", \"v2\"]\n")
            << u"berth.toml:2:17: environments.order: \"v2\" reads as a floating-semver tag"_s;
        QTest::newRow("environment that is not a tag")
            << QByteArray("[environments]\norder = [\"pre prod\"]\n")
            << u"berth.toml:2:10: environments.order: \"pre prod\" is not a tag name"_s;
        QTest::newRow("no environment at all")
            << QByteArray("[environments]\norder = []\n")
            << u"berth.toml:2:9: environments.order names no environment"_s;
        QTest::newRow("environments as a string")
            << QByteArray("[environments]\norder = \"dev, prod\"\n")
            << u"berth.toml:2:9: environments.order must be a list of strings"_s;
        // Inputs fuzz_tagpolicy found: toml++ 3.3 asserts on a NUL in a table header.
        QTest::newRow("NUL in a table header")
            << QByteArray("[\0d!]mms\npui[tagst]a", 20) << u"berth.toml:1:2: a NUL byte"_s;
        QTest::newRow("NULs in a key")
            << QByteArray("tags.latest = true\n[@\0\0\0oating = [\"m\"]\n", 39)
            << u"berth.toml:2:3: a NUL byte"_s;
        // toml++ 3.3 reaches undefined behaviour on U+02CC after a bare key (fuzz_tagpolicy).
        QTest::newRow("letter outside ASCII after a key")
            << QByteArray("tags\xcb\x8c"
                          "emver = \"\"\n")
            << u"berth.toml:1:5: a character outside ASCII"_s;
        QTest::newRow("letter outside ASCII in a comment")
            << QByteArray("[tags]\n# d\xc3\xa9"
                          "cid\xc3\xa9 en r\xc3\xa9"
                          "union\n")
            << u"berth.toml:2:4: a character outside ASCII"_s;
        QTest::newRow("key path outside the repository")
            << QByteArray("[signatures]\nkeys = [\"../ci.pub\"]\n")
            << u"berth.toml:2:9: signatures.keys: \"../ci.pub\" is no path inside the repository"_s;
        QTest::newRow("gated environment that is not a tag")
            << QByteArray("[signatures]\nrequired = [\"prod env\"]\n")
            << u"berth.toml:2:13: signatures.required: \"prod env\" is not a tag name"_s;
        QTest::newRow("label key with a space")
            << QByteArray("[labels]\nrequired = [\"git commit\"]\n")
            << u"berth.toml:2:13: labels.required: \"git commit\" is not a label key"_s;
    }
    void refusesWhatItCannotMean() {
        QFETCH(QByteArray, toml);
        QFETCH(QString, error);
        const Result<TagPolicy> policy = parseTagPolicy(toml, u"berth.toml"_s, u"test"_s);
        QVERIFY(!policy);
        QVERIFY2(policy.errorMessage().startsWith(error), qPrintable(policy.errorMessage()));
    }

    void ordersPromotionOnlyWhenTheFileDoes() {
        const Result<TagPolicy> ordered =
            parseTagPolicy("[environments]\norder = [\"dev\", \"staging\", \"production\"]\n",
                           u"berth.toml"_s, {});
        QVERIFY(ordered);
        QCOMPARE(ordered->stagesBefore(u"production"_s), (QStringList{u"staging"_s, u"dev"_s}));
        QCOMPARE(ordered->stagesBefore(u"dev"_s), QStringList());
        QCOMPARE(ordered->stagesBefore(u"canary"_s), QStringList());
        QCOMPARE(ordered->classifier().classify(u"staging"_s), TagKind::Environment);
        QCOMPARE(ordered->classifier().classify(u"canary"_s), TagKind::Other);
        QCOMPARE(TagPolicy::defaults({}).stagesBefore(u"production"_s), QStringList());
    }

    // The policy comes from the commit at HEAD, never from the work tree.
    void readsThePolicyCommittedAtHead() {
        const QString clone = newClone(u"service"_s);
        QVERIFY2(!clone.isEmpty(), qPrintable(m_gitError));

        Result<TagPolicy> policy = readTagPolicy(clone);
        QVERIFY2(policy, qPrintable(policy.errorMessage()));
        QVERIFY2(policy->origin.contains(u"built-in defaults"_s) &&
                     policy->origin.contains(u"no commit yet"_s),
                 qPrintable(policy->origin));

        QVERIFY2(commitFile(clone, u"README"_s, "service\n"), qPrintable(m_gitError));
        policy = readTagPolicy(clone);
        QVERIFY(policy);
        QVERIFY2(policy->origin.contains(u"no berth.toml committed at "_s),
                 qPrintable(policy->origin));
        QVERIFY(!policy->promotionOrdered);

        QVERIFY2(commitFile(clone, u"berth.toml"_s,
                            "[environments]\norder = [\"dev\", \"production\"]\n"),
                 qPrintable(m_gitError));
        // An edit nobody committed is not the policy.
        QVERIFY(write(clone + u"/berth.toml"_s, "[environments]\norder = [\"qa\"]\n"));
        policy = readTagPolicy(clone);
        QVERIFY2(policy, qPrintable(policy.errorMessage()));
        QCOMPARE(policy->environments, (QStringList{u"dev"_s, u"production"_s}));
        QVERIFY2(policy->origin.startsWith(u"berth.toml at "_s) &&
                     policy->origin.endsWith(u" in "_s + clone),
                 qPrintable(policy->origin));
        QVERIFY(describeTagPolicy(*policy).contains(u"dev → production"_s));

        QVERIFY2(commitFile(clone, u"berth.toml"_s, "[tags]\nlatest = maybe\n"),
                 qPrintable(m_gitError));
        policy = readTagPolicy(clone);
        QVERIFY(!policy);
        QVERIFY2(policy.errorMessage().startsWith(u"berth.toml:2:"_s),
                 qPrintable(policy.errorMessage()));
    }

    // The keys are read from HEAD with the policy; one HEAD lacks refuses the policy.
    void readsTheSignatureKeysCommittedAtHead() {
        const QString clone = newClone(u"signed"_s);
        QVERIFY2(!clone.isEmpty(), qPrintable(m_gitError));
        QVERIFY2(
            commitFile(clone, u"berth.toml"_s,
                       "[signatures]\nkeys = [\"keys/ci.pub\"]\nrequired = [\"production\"]\n"),
            qPrintable(m_gitError));
        Result<TagPolicy> policy = readTagPolicy(clone);
        QVERIFY(!policy);
        QVERIFY2(policy.errorMessage().contains(u"keys/ci.pub, which is not committed"_s),
                 qPrintable(policy.errorMessage()));
        QVERIFY(QDir(clone).mkpath(u"keys"_s));
        QVERIFY2(commitFile(clone, u"keys/ci.pub"_s, "-----BEGIN PUBLIC KEY-----\n"),
                 qPrintable(m_gitError));
        QVERIFY(write(clone + u"/keys/ci.pub"_s, "an edit nobody committed"));
        policy = readTagPolicy(clone);
        QVERIFY2(policy, qPrintable(policy.errorMessage()));
        QCOMPARE(policy->signaturesRequired, QStringList{u"production"_s});
        QCOMPARE(policy->signatureKeys.size(), 1);
        QCOMPARE(policy->signatureKeys.first().path, u"keys/ci.pub"_s);
        QCOMPARE(policy->signatureKeys.first().pem, QByteArray("-----BEGIN PUBLIC KEY-----\n"));
        QVERIFY(describeTagPolicy(*policy).contains(
            u"signatures:      verified by keys/ci.pub to enter production"_s));
        QVERIFY(describeTagPolicy(TagPolicy::defaults({})).contains(u"not required"_s));
    }

    void refusesWhatIsNoClone() {
        const Result<TagPolicy> policy = readTagPolicy(m_dir.filePath(u"nothing-here"_s));
        QVERIFY(!policy);
        QVERIFY(!policy.errorMessage().isEmpty());
    }
};

BERTH_TEST_MAIN(TestTagPolicy)
#include "tst_tagpolicy.moc"
