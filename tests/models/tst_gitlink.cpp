// The git layer against real repositories the test builds with the git command:
// resolving builds to commits (and each way that fails), what a promotion ships
// compared with `git log`, remote URL matching, and fetching a missing commit.

#include "AsyncWait.h"
#include "TestMain.h"

#include "git/CloneRemotes.h"
#include "git/CommitResolver.h"
#include "git/GitError.h"
#include "git/GitFetcher.h"
#include "git/GitLibrary.h"
#include "git/RemoteLocation.h"
#include "git/RevisionDiff.h"
#include "registry/Build.h"

#include <QCryptographicHash>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth;

namespace {

// Keeps git and libgit2 away from the developer's own configuration; runs before the
// GitLibrary member is built so libgit2 sees the same HOME.
bool isolateGitConfiguration(const QString& home) {
    qputenv("HOME", home.toUtf8());
    qputenv("XDG_CONFIG_HOME", (home + u"/.config"_s).toUtf8());
    qputenv("GIT_CONFIG_NOSYSTEM", "1");
    qputenv("GIT_TERMINAL_PROMPT", "0");
    return true;
}

} // namespace

class TestGitLink : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    bool m_isolated = isolateGitConfiguration(m_dir.path());
    GitLibrary m_git;
    qint64 m_clock = 1700000000; // every commit one minute after the previous one
    QString m_gitError;
    QString m_origin;
    QMap<QString, QString> m_ids; // commit name -> full id

    // Runs git in `dir`; empty and m_gitError set on failure.
    QString git(const QString& dir, const QStringList& arguments, const QByteArray& input = {}) {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        const QString date = u"%1 +0100"_s.arg(m_clock);
        environment.insert(u"GIT_AUTHOR_DATE"_s, date);
        environment.insert(u"GIT_COMMITTER_DATE"_s, date);
        process.setProcessEnvironment(environment);
        process.setWorkingDirectory(dir);
        process.start(u"git"_s, arguments);
        process.write(input);
        process.closeWriteChannel();
        if (!process.waitForFinished(60000) || process.exitCode() != 0) {
            m_gitError = u"git %1 failed: %2"_s.arg(
                arguments.join(u' '), QString::fromUtf8(process.readAllStandardError()));
            return {};
        }
        return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
    }

    bool initRepository(const QString& dir) {
        git(m_dir.path(), {u"init"_s, u"-q"_s, u"-b"_s, u"main"_s, dir});
        git(dir, {u"config"_s, u"user.name"_s, u"Ada Lovelace"_s});
        git(dir, {u"config"_s, u"user.email"_s, u"ada@example.org"_s});
        git(dir, {u"config"_s, u"gc.auto"_s, u"0"_s});
        return m_gitError.isEmpty();
    }

    // A commit touching its own file, so merges never conflict. Returns the full id.
    QString commit(const QString& dir, const QString& name) {
        ++m_clock;
        QFile file(dir + u'/' + name + u".txt"_s);
        if (!file.open(QIODevice::WriteOnly))
            return {};
        file.write(name.toUtf8());
        file.close();
        git(dir, {u"add"_s, name + u".txt"_s});
        git(dir, {u"commit"_s, u"-q"_s, u"-m"_s, u"Add %1\n\nBody of %1."_s.arg(name)});
        const QString id = git(dir, {u"rev-parse"_s, u"HEAD"_s});
        m_ids.insert(name, id);
        return id;
    }

    QString clone(const QStringList& options, const QString& name) {
        const QString target = m_dir.filePath(name);
        git(m_dir.path(), QStringList{u"clone"_s, u"-q"_s} + options +
                              QStringList{u"file://"_s + m_origin, target});
        return target;
    }

    QStringList gitLog(const QString& range) {
        const QString out = git(m_origin, {u"log"_s, u"--format=%H"_s, range});
        return out.isEmpty() ? QStringList() : out.split(u'\n');
    }

    // A clone of a clone of origin; the middle one (its file:// remote) then gets a new
    // commit named `name` that the returned clone lacks.
    QString downstreamBehindUpstream(const QString& name) {
        const QString upstream = clone({}, name + u"-upstream"_s);
        const QString downstream = m_dir.filePath(name + u"-downstream"_s);
        git(m_dir.path(), {u"clone"_s, u"-q"_s, u"file://"_s + upstream, downstream});
        git(upstream, {u"config"_s, u"user.name"_s, u"Ada Lovelace"_s});
        git(upstream, {u"config"_s, u"user.email"_s, u"ada@example.org"_s});
        commit(upstream, name);
        return downstream;
    }

    static QStringList idsOf(const QList<CommitInfo>& commits) {
        QStringList ids;
        for (const CommitInfo& commit : commits)
            ids.append(commit.id);
        return ids;
    }

    // A blob whose id starts with the same 4 hex digits as `id`, written into `dir`.
    QString writeCollidingBlob(const QString& dir, const QString& id) {
        const QByteArray prefix = id.left(4).toLatin1();
        for (int i = 0; i < 5000000; ++i) {
            const QByteArray content = "collision " + QByteArray::number(i) + '\n';
            const QByteArray object = "blob " + QByteArray::number(content.size()) + '\0' + content;
            if (QCryptographicHash::hash(object, QCryptographicHash::Sha1)
                    .toHex()
                    .startsWith(prefix))
                return git(dir, {u"hash-object"_s, u"-w"_s, u"--stdin"_s}, content);
        }
        return {};
    }

private slots:
    // One origin, read-only for every test: c1-c2, feature f1-f2 from c2 merged as m1
    // after c3, c4 on main, experiment e1-e2 from c3 never merged, annotated tag v1 on c2.
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_origin = m_dir.filePath(u"origin"_s);
        QVERIFY2(initRepository(m_origin), qPrintable(m_gitError));
        commit(m_origin, u"c1"_s);
        commit(m_origin, u"c2"_s);
        git(m_origin, {u"tag"_s, u"-a"_s, u"v1"_s, u"-m"_s, u"Release 1"_s});
        git(m_origin, {u"checkout"_s, u"-q"_s, u"-b"_s, u"feature"_s});
        commit(m_origin, u"f1"_s);
        commit(m_origin, u"f2"_s);
        git(m_origin, {u"checkout"_s, u"-q"_s, u"main"_s});
        commit(m_origin, u"c3"_s);
        ++m_clock;
        git(m_origin,
            {u"merge"_s, u"-q"_s, u"--no-ff"_s, u"-m"_s, u"Merge feature"_s, u"feature"_s});
        m_ids.insert(u"m1"_s, git(m_origin, {u"rev-parse"_s, u"HEAD"_s}));
        git(m_origin, {u"checkout"_s, u"-q"_s, u"-b"_s, u"experiment"_s, m_ids[u"c3"_s]});
        commit(m_origin, u"e1"_s);
        commit(m_origin, u"e2"_s);
        git(m_origin, {u"checkout"_s, u"-q"_s, u"main"_s});
        commit(m_origin, u"c4"_s);
        QVERIFY2(m_gitError.isEmpty(), qPrintable(m_gitError));
        QCOMPARE(m_ids.size(), 9);
        QVERIFY2(!writeCollidingBlob(m_origin, m_ids[u"c1"_s]).isEmpty(), qPrintable(m_gitError));
    }

    void resolve_data() {
        QTest::addColumn<QString>("revision");
        QTest::addColumn<QString>("expectedCommit"); // name in m_ids, or empty for a failure
        QTest::addColumn<QString>("expectedCode");
        QTest::addColumn<QString>("messageContains");
        QTest::newRow("full id") << u"id:c2"_s << u"c2"_s << QString() << QString();
        QTest::newRow("short id") << u"short7:c3"_s << u"c3"_s << QString() << QString();
        QTest::newRow("upper case") << u"upper:c4"_s << u"c4"_s << QString() << QString();
        QTest::newRow("merge commit") << u"short7:m1"_s << u"m1"_s << QString() << QString();
        QTest::newRow("unmerged branch") << u"id:e2"_s << u"e2"_s << QString() << QString();
        QTest::newRow("annotated tag object") << u"tag:v1"_s << u"c2"_s << QString() << QString();
        QTest::newRow("ambiguous commit and blob")
            << u"short4:c1"_s << QString() << QString(GitErrorCode::Ambiguous) << u"ambiguous"_s;
        QTest::newRow("never existed") << u"0000000000000000000000000000000000000001"_s << QString()
                                       << QString(GitErrorCode::NotInClone) << u"fetch"_s;
        QTest::newRow("short and unknown")
            << u"0000000"_s << QString() << QString(GitErrorCode::NotInClone) << u"fetch"_s;
        QTest::newRow("a tree") << u"tree:c1"_s << QString() << QString(GitErrorCode::NotACommit)
                                << u"tree"_s;
        QTest::newRow("not hex") << u"main"_s << QString() << QString(GitErrorCode::InvalidRevision)
                                 << u"not a commit id"_s;
        QTest::newRow("too short")
            << u"abc"_s << QString() << QString(GitErrorCode::InvalidRevision) << u"4 to 40"_s;
        QTest::newRow("none") << QString() << QString() << QString(GitErrorCode::NoRevision)
                              << u"no commit"_s;
    }

    void resolve() {
        QFETCH(QString, revision);
        QFETCH(QString, expectedCommit);
        QFETCH(QString, expectedCode);
        QFETCH(QString, messageContains);
        const QString kind = revision.section(u':', 0, 0);
        const QString name = revision.section(u':', 1);
        if (kind == u"id"_s)
            revision = m_ids.value(name);
        else if (kind == u"short7"_s)
            revision = m_ids.value(name).left(7);
        else if (kind == u"short4"_s)
            revision = m_ids.value(name).left(4);
        else if (kind == u"upper"_s)
            revision = m_ids.value(name).left(10).toUpper();
        else if (kind == u"tag"_s)
            revision = git(m_origin, {u"rev-parse"_s, name});
        else if (kind == u"tree"_s)
            revision = git(m_origin, {u"rev-parse"_s, m_ids.value(name) + u"^{tree}"_s});

        const Result<GitRepository> repository = GitRepository::open(m_origin);
        QVERIFY2(repository.ok(), qPrintable(repository.errorMessage()));
        const Result<CommitInfo> resolved = CommitResolver(repository.value()).resolve(revision);
        if (expectedCommit.isEmpty()) {
            QVERIFY2(!resolved.ok(), qPrintable(revision));
            QCOMPARE(resolved.error().code, expectedCode);
            QVERIFY2(resolved.errorMessage().contains(messageContains),
                     qPrintable(resolved.errorMessage()));
            return;
        }
        QVERIFY2(resolved.ok(), qPrintable(resolved.errorMessage()));
        const QString id = m_ids.value(expectedCommit);
        QCOMPARE(resolved->id, id);
        QCOMPARE(resolved->shortId, id.left(7));
        QCOMPARE(resolved->authorName, u"Ada Lovelace"_s);
        QCOMPARE(resolved->authorEmail, u"ada@example.org"_s);
        const QString format = u"%s%n%an%n%ae%n%at"_s;
        const QStringList expected =
            git(m_origin, {u"show"_s, u"-s"_s, u"--format="_s + format, id}).split(u'\n');
        QCOMPARE(resolved->summary, expected[0]);
        QCOMPARE(resolved->time.toSecsSinceEpoch(), expected[3].toLongLong());
        QCOMPARE(resolved->time.offsetFromUtc(), 3600);
        if (expectedCommit != u"m1"_s)
            QCOMPARE(resolved->message, u"Add %1\n\nBody of %1.\n"_s.arg(expectedCommit));
    }

    void shallowCloneLacksOldCommits() {
        const QString shallow = clone({u"--depth"_s, u"1"_s}, u"shallow"_s);
        QVERIFY2(m_gitError.isEmpty(), qPrintable(m_gitError));
        const Result<GitRepository> repository = GitRepository::open(shallow);
        QVERIFY2(repository.ok(), qPrintable(repository.errorMessage()));
        QVERIFY(repository->isShallow());
        const CommitResolver resolver(repository.value());
        const Result<CommitInfo> tip = resolver.resolve(m_ids[u"c4"_s]);
        QVERIFY2(tip.ok(), qPrintable(tip.errorMessage()));
        const Result<CommitInfo> old = resolver.resolve(m_ids[u"c1"_s].left(12));
        QVERIFY(!old.ok());
        QCOMPARE(old.error().code, QString(GitErrorCode::NotInClone));
        QVERIFY2(old.errorMessage().contains(u"shallow"_s), qPrintable(old.errorMessage()));
        QVERIFY2(old.errorMessage().contains(u"fetch"_s), qPrintable(old.errorMessage()));
    }

    // Both ends are present but the history between them was cut off by the shallow
    // clone: the lists would be wrong, so the walk must fail and say why.
    void rangeAcrossShallowBoundaryFails() {
        const QString shallow =
            clone({u"--depth"_s, u"1"_s, u"--no-single-branch"_s}, u"shallow-branches"_s);
        QVERIFY2(m_gitError.isEmpty(), qPrintable(m_gitError));
        const Result<RevisionDiff> diff =
            RevisionDiff::compute(shallow, m_ids[u"c4"_s], m_ids[u"e2"_s]);
        QVERIFY2(!diff.ok(),
                 diff.ok() ? qPrintable(u"gained %1 lost %2"_s.arg(diff->range.gained.totalCount)
                                            .arg(diff->range.lost.totalCount))
                           : "");
        QCOMPARE(diff.error().code, QString(GitErrorCode::NotInClone));
        QVERIFY2(diff.errorMessage().contains(u"shallow"_s), qPrintable(diff.errorMessage()));
    }

    void commitGoneFromEveryBranch() {
        const QString copy = clone({}, u"pruned"_s);
        git(copy, {u"config"_s, u"user.name"_s, u"Ada Lovelace"_s});
        git(copy, {u"config"_s, u"user.email"_s, u"ada@example.org"_s});
        const QString doomed = commit(copy, u"doomed"_s);
        const Result<GitRepository> before = GitRepository::open(copy);
        QVERIFY2(before.ok(), qPrintable(before.errorMessage()));
        QVERIFY(CommitResolver(before.value()).resolve(doomed).ok());

        // Force-pushed away, as far as this clone knows: no branch, no reflog, pruned.
        git(copy, {u"reset"_s, u"-q"_s, u"--hard"_s, u"HEAD~1"_s});
        git(copy, {u"reflog"_s, u"expire"_s, u"--expire=now"_s, u"--all"_s});
        git(copy, {u"gc"_s, u"-q"_s, u"--prune=now"_s});
        QVERIFY2(m_gitError.isEmpty(), qPrintable(m_gitError));
        const Result<GitRepository> after = GitRepository::open(copy);
        QVERIFY2(after.ok(), qPrintable(after.errorMessage()));
        const Result<CommitInfo> gone = CommitResolver(after.value()).resolve(doomed);
        QVERIFY(!gone.ok());
        QCOMPARE(gone.error().code, QString(GitErrorCode::NotInClone));
    }

    void notARepository() {
        const Result<GitRepository> missing = GitRepository::open(m_dir.filePath(u"nothing"_s));
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, QString(GitErrorCode::NotARepository));
        QVERIFY(missing.errorMessage().contains(u"nothing"_s));
        QDir(m_dir.path()).mkdir(u"plain"_s);
        const Result<GitRepository> plain = GitRepository::open(m_dir.filePath(u"plain"_s));
        QVERIFY(!plain.ok());
        QCOMPARE(plain.error().code, QString(GitErrorCode::NotARepository));
    }

    void batchResolvesInOrderOffThread() {
        QList<Build> builds(4);
        builds[0].digest = u"sha256:a"_s;
        builds[0].revision = m_ids[u"c4"_s];
        builds[1].digest = u"sha256:b"_s;
        builds[1].revision = m_ids[u"f1"_s].left(8);
        builds[2].digest = u"sha256:c"_s;
        builds[2].revision = u"deadbeefdeadbeef"_s;
        builds[3].digest = u"sha256:d"_s;
        QFuture<QList<BuildCommit>> future = CommitResolver::resolveBuildsAsync(m_origin, builds);
        future.waitForFinished();
        const QList<BuildCommit> resolved = future.result();
        QCOMPARE(resolved.size(), 4);
        QCOMPARE(resolved[0].digest, u"sha256:a"_s);
        QCOMPARE(resolved[0].commit->summary, u"Add c4"_s);
        QCOMPARE(resolved[1].commit->id, m_ids[u"f1"_s]);
        QCOMPARE(resolved[2].commit.error().code, QString(GitErrorCode::NotInClone));
        QCOMPARE(resolved[3].commit.error().code, QString(GitErrorCode::NoRevision));

        const QList<BuildCommit> noClone =
            CommitResolver::resolveBuilds(m_dir.filePath(u"nothing"_s), builds);
        QCOMPARE(noClone.size(), 4);
        QCOMPARE(noClone[0].commit.error().code, QString(GitErrorCode::NotARepository));
    }

    void rangeMatchesGitLog_data() {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<bool>("descends");
        QTest::newRow("linear") << u"c1"_s << u"c3"_s << true;
        QTest::newRow("across the merge") << u"c3"_s << u"c4"_s << true;
        QTest::newRow("branch into merge") << u"f1"_s << u"m1"_s << true;
        QTest::newRow("to an unmerged branch") << u"c4"_s << u"e2"_s << false;
        QTest::newRow("rollback") << u"c4"_s << u"c2"_s << false;
        QTest::newRow("same build") << u"m1"_s << u"m1"_s << true;
    }

    void rangeMatchesGitLog() {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(bool, descends);
        QFuture<Result<RevisionDiff>> future =
            RevisionDiff::computeAsync(m_origin, m_ids.value(from).left(9), m_ids.value(to));
        future.waitForFinished();
        const Result<RevisionDiff> diff = future.result();
        QVERIFY2(diff.ok(), qPrintable(diff.errorMessage()));
        QCOMPARE(diff->from.id, m_ids.value(from));
        QCOMPARE(diff->to.id, m_ids.value(to));
        const QStringList gained = gitLog(m_ids.value(from) + u".."_s + m_ids.value(to));
        const QStringList lost = gitLog(m_ids.value(to) + u".."_s + m_ids.value(from));
        QVERIFY2(m_gitError.isEmpty(), qPrintable(m_gitError));
        QCOMPARE(idsOf(diff->range.gained.commits), gained);
        QCOMPARE(idsOf(diff->range.lost.commits), lost);
        QCOMPARE(diff->range.gained.totalCount, gained.size());
        QCOMPARE(diff->range.lost.totalCount, lost.size());
        QCOMPARE(diff->range.toDescendsFromFrom, descends);
    }

    void longRangeIsCappedWithTrueCount() {
        const Result<RevisionDiff> diff =
            RevisionDiff::compute(m_origin, m_ids[u"c1"_s], m_ids[u"c4"_s], 2);
        QVERIFY2(diff.ok(), qPrintable(diff.errorMessage()));
        QCOMPARE(diff->range.gained.commits.size(), 2);
        QCOMPARE(diff->range.gained.totalCount, gitLog(m_ids[u"c1"_s] + u"..main"_s).size());
        QVERIFY(diff->range.gained.truncated());
        QCOMPARE(diff->range.gained.commits.first().id, m_ids[u"c4"_s]);
    }

    void rangeFailsClearlyWhenAnEndIsMissing() {
        const Result<RevisionDiff> diff =
            RevisionDiff::compute(m_origin, m_ids[u"c1"_s], u"1234567890abcdef"_s);
        QVERIFY(!diff.ok());
        QCOMPARE(diff.error().code, QString(GitErrorCode::NotInClone));
    }

    void remoteUrlsMatch_data() {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::addColumn<bool>("same");
        const QString https = u"https://github.com/acme/payment-api"_s;
        QTest::newRow("identical") << https << https << true;
        QTest::newRow(".git suffix") << https << https + u".git"_s << true;
        QTest::newRow("trailing slash") << https << https + u"/"_s << true;
        QTest::newRow("host case") << https << u"https://GitHub.COM/acme/payment-api"_s << true;
        QTest::newRow("path case") << https << u"https://github.com/Acme/Payment-API"_s << true;
        QTest::newRow("scp-like") << https << u"git@github.com:acme/payment-api.git"_s << true;
        QTest::newRow("scp-like leading slash")
            << https << u"git@github.com:/acme/payment-api.git"_s << true;
        QTest::newRow("ssh url with port")
            << https << u"ssh://git@github.com:22/acme/payment-api.git"_s << true;
        QTest::newRow("git+ssh") << https << u"git+ssh://git@github.com/acme/payment-api"_s << true;
        QTest::newRow("credentials in url")
            << https << u"https://bot:token@github.com/acme/payment-api.git"_s << true;
        QTest::newRow("http and port")
            << https << u"http://github.com:8080/acme/payment-api"_s << true;
        QTest::newRow("nested group") << u"https://gitlab.example.com/a/b/c"_s
                                      << u"git@gitlab.example.com:a/b/c.git"_s << true;
        QTest::newRow("other repo") << https << u"https://github.com/acme/payment-web"_s << false;
        QTest::newRow("other org") << https << u"git@github.com:other/payment-api.git"_s << false;
        QTest::newRow("other host") << https << u"https://gitlab.com/acme/payment-api"_s << false;
        QTest::newRow("prefix only")
            << https << u"https://github.com/acme/payment-api-v2"_s << false;
        QTest::newRow("local path vs web") << https << u"/srv/git/payment-api.git"_s << false;
        QTest::newRow("garbage") << https << u"not a url"_s << false;
        QTest::newRow("empty") << https << QString() << false;
    }

    void remoteUrlsMatch() {
        QFETCH(QString, a);
        QFETCH(QString, b);
        QFETCH(bool, same);
        QCOMPARE(sameRepository(a, b), same);
        QCOMPARE(sameRepository(b, a), same);
    }

    void commitWebUrl_data() {
        QTest::addColumn<QString>("remote");
        QTest::addColumn<QString>("expected");
        QTest::newRow("github https")
            << u"https://github.com/acme/app.git"_s << u"https://github.com/acme/app/commit/abc"_s;
        QTest::newRow("github scp")
            << u"git@github.com:acme/app.git"_s << u"https://github.com/acme/app/commit/abc"_s;
        QTest::newRow("ssh port dropped") << u"ssh://git@gitea.example.org:2222/acme/app.git"_s
                                          << u"https://gitea.example.org/acme/app/commit/abc"_s;
        QTest::newRow("http port kept") << u"http://git.local:3000/acme/app/"_s
                                        << u"http://git.local:3000/acme/app/commit/abc"_s;
        QTest::newRow("gitlab subgroup") << u"git@gitlab.com:group/sub/app.git"_s
                                         << u"https://gitlab.com/group/sub/app/commit/abc"_s;
        QTest::newRow("bitbucket") << u"git@bitbucket.org:acme/app.git"_s
                                   << u"https://bitbucket.org/acme/app/commits/abc"_s;
        QTest::newRow("credentials dropped") << u"https://bot:secret@github.com/acme/app"_s
                                             << u"https://github.com/acme/app/commit/abc"_s;
        QTest::newRow("local path") << u"/srv/git/app.git"_s << QString();
        QTest::newRow("file url") << u"file:///srv/git/app.git"_s << QString();
    }

    void commitWebUrl() {
        QFETCH(QString, remote);
        QFETCH(QString, expected);
        const std::optional<RemoteLocation> location = RemoteLocation::parse(remote);
        QVERIFY(location.has_value());
        QCOMPARE(location->commitUrl(u"abc"_s).toString(), expected);
    }

    void cloneRemotesMatchSource() {
        const QString copy = clone({}, u"remotes"_s);
        git(copy, {u"remote"_s, u"add"_s, u"upstream"_s, u"git@github.com:Acme/Payment-API.git"_s});
        git(copy, {u"remote"_s, u"add"_s, u"fork"_s, u"https://github.com/ada/payment-api"_s});
        QVERIFY2(m_gitError.isEmpty(), qPrintable(m_gitError));
        const Result<QStringList> names =
            CloneRemotes::matching(copy, u"https://github.com/acme/payment-api"_s);
        QVERIFY2(names.ok(), qPrintable(names.errorMessage()));
        QCOMPARE(names.value(), QStringList{u"upstream"_s});
        QCOMPARE(CloneRemotes::clonesFor({m_origin, copy, m_dir.filePath(u"nothing"_s)},
                                         u"https://github.com/ada/payment-api.git"_s),
                 QStringList{copy});
        const Result<QList<RemoteEntry>> all = CloneRemotes::list(copy);
        QVERIFY(all.ok());
        QCOMPARE(all->size(), 3);
    }

    void fetchBringsMissingCommitIn() {
        const QString downstream = downstreamBehindUpstream(u"fresh"_s);
        const QString fresh = m_ids.value(u"fresh"_s);
        QVERIFY2(m_gitError.isEmpty(), qPrintable(m_gitError));

        {
            const Result<GitRepository> repository = GitRepository::open(downstream);
            QVERIFY(repository.ok());
            QCOMPARE(CommitResolver(repository.value()).resolve(fresh).error().code,
                     QString(GitErrorCode::NotInClone));
        }
        GitFetcher fetcher;
        QSignalSpy progress(&fetcher, &GitFetcher::progressChanged);
        const auto fetched = test::waitForResult<FetchSummary>(
            [&fetcher, &downstream](QObject* context, Callback<FetchSummary> done) {
                fetcher.fetch(downstream, context, done);
            });
        QVERIFY2(fetched.has_value(), "the fetch never finished");
        QVERIFY2(fetched->ok(), qPrintable(fetched->errorMessage()));
        QCOMPARE(fetched->value().remotes, QStringList{u"origin"_s});
        QVERIFY(fetched->value().receivedObjects > 0);
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.first().first().value<FetchProgress>().remote, u"origin"_s);

        const Result<GitRepository> repository = GitRepository::open(downstream);
        const Result<CommitInfo> resolved = CommitResolver(repository.value()).resolve(fresh);
        QVERIFY2(resolved.ok(), qPrintable(resolved.errorMessage()));
        QCOMPARE(resolved->summary, u"Add fresh"_s);
    }

    void fetchStopsWhenCancelled() {
        const QString downstream = downstreamBehindUpstream(u"unwanted"_s);
        QVERIFY2(m_gitError.isEmpty(), qPrintable(m_gitError));

        // Cancelled from inside the first transfer callback, as the Cancel button does.
        std::atomic<bool> cancelled = false;
        int calls = 0;
        const Result<FetchSummary> result =
            GitFetcher::fetchNow(downstream, cancelled, [&cancelled, &calls](const FetchProgress&) {
                if (++calls == 2)
                    cancelled = true;
            });
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, QString(GitErrorCode::Cancelled));
        const std::atomic<bool> already = true;
        QCOMPARE(GitFetcher::fetchNow(downstream, already, {}).error().code,
                 QString(GitErrorCode::Cancelled));
    }

    void fetchWithoutRemotesSaysSo() {
        const QString lonely = m_dir.filePath(u"lonely"_s);
        QVERIFY2(initRepository(lonely), qPrintable(m_gitError));
        const std::atomic<bool> cancelled = false;
        const Result<FetchSummary> result = GitFetcher::fetchNow(lonely, cancelled, {});
        QVERIFY(!result.ok());
        QVERIFY2(result.errorMessage().contains(u"no remotes"_s),
                 qPrintable(result.errorMessage()));
    }

    void aFailedFetchNeverShowsTheTokenInTheRemoteUrl() {
        const QString clone = m_dir.filePath(u"tokened"_s);
        QVERIFY2(initRepository(clone), qPrintable(m_gitError));
        // A port nothing listens on: the fetch fails at once, on loopback.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        const QString url = u"https://ci-bot:glpat-s3cr3t@127.0.0.1:%1/acme/api.git"_s.arg(port);
        git(clone, {u"remote"_s, u"add"_s, u"origin"_s, url});
        QVERIFY2(m_gitError.isEmpty(), qPrintable(m_gitError));

        const std::atomic<bool> cancelled = false;
        const Result<FetchSummary> result = GitFetcher::fetchNow(clone, cancelled, {});
        QVERIFY(!result.ok());
        const QString message = result.errorMessage();
        QVERIFY2(!message.contains(u"s3cr3t"_s), qPrintable(message));
        QVERIFY2(!message.contains(u"ci-bot"_s), qPrintable(message));
        QVERIFY2(message.contains(u"https://127.0.0.1:%1/acme/api.git"_s.arg(port)),
                 qPrintable(message));
    }
};

BERTH_TEST_MAIN(TestGitLink)
#include "tst_gitlink.moc"
