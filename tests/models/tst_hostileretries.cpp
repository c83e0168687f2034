// The registry client against a registry that makes it wait or retry: Retry-After as
// seconds and as a date, beyond the limit, server errors that pass and that never do,
// and cancelAll() with requests in flight, queued or waiting for the https probe.
// Every case checks the exact outcome, how often the server was asked, and when.

#include "HostileFixtures.h"
#include "HostileRegistry.h"
#include "TestMain.h"

#include "registry/RegistryClient.h"

#include <QDateTime>
#include <QLocale>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

namespace berth::test {

namespace {

// A maximum Retry-After wait longer than WAIT_FOR's deadline: a client that waits it out
// fails the test by its deadline, with no clock read in the test.
constexpr int kBeyondWaitSeconds = 60;
static_assert(kBeyondWaitSeconds * 1000 > 2 * kWaitMs);

} // namespace

class HostileRetriesTest : public QObject {
    Q_OBJECT

private slots:
    void retryAfterIsHonoured_data() {
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("asHttpDate");
        QTest::newRow("429, Retry-After: 1") << 429 << false;
        QTest::newRow("503, Retry-After: 1") << 503 << false;
        QTest::newRow("429, Retry-After as HTTP date") << 429 << true;
    }
    void retryAfterIsHonoured() {
        QFETCH(int, status);
        QFETCH(bool, asHttpDate);
        // Two seconds ahead as a date, in whole seconds: the retry may not come before it.
        const QDateTime notBefore = QDateTime::fromSecsSinceEpoch(
            QDateTime::currentDateTimeUtc().addSecs(2).toSecsSinceEpoch(), Qt::UTC);
        const QByteArray retryAfter =
            asHttpDate
                ? QLocale::c().toString(notBefore, u"ddd, dd MMM yyyy HH:mm:ss 'GMT'"_s).toLatin1()
                : QByteArray("1");
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        QList<HostileAnswer> answers{
            HostileAnswer::registryError(status, "TOOMANYREQUESTS", "slow down"),
            HostileAnswer::json(200, R"({"name":"acme/app","tags":["v1","v2"]})")};
        answers.first().headers.emplaceBack("Retry-After", retryAfter);
        server.setAnswers("GET", TagsPath, answers);
        Pending<QStringList> tags;
        // A client that waited its own maximum instead of what the registry asked for would
        // miss WAIT_FOR's deadline.
        RegistryOptions options = hostileOptions(config);
        options.maxRetryAfterSeconds = kBeyondWaitSeconds;
        RegistryClient client(server.hostPort(), options);
        client.listTags(Repository, this, tags.callback());
        WAIT_FOR(tags);
        VERIFY_OK(tags);
        QCOMPARE(tags.result().value(), QStringList({u"v1"_s, u"v2"_s}));
        const QList<RecordedRequest> hits = server.requestsFor("GET", TagsPath);
        QCOMPARE(hits.size(), 2);
        const qint64 gap = hits.at(1).receivedAtMs - hits.at(0).receivedAtMs;
        if (asHttpDate) {
            QVERIFY2(hits.at(1).receivedAtUtc >= notBefore,
                     qPrintable(u"retried at %1, before %2"_s.arg(
                         hits.at(1).receivedAtUtc.toString(Qt::ISODateWithMs),
                         notBefore.toString(Qt::ISODateWithMs))));
        } else {
            QVERIFY2(gap >= 900, qPrintable(u"retried after %1 ms"_s.arg(gap)));
        }
    }

    void retryAfterBeyondLimitIsReportedAtOnce() {
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        HostileAnswer limited = HostileAnswer::registryError(429, "TOOMANYREQUESTS", "slow down");
        limited.headers.emplaceBack("Retry-After", "3600");
        server.setAnswer("GET", TagsPath, limited);
        Pending<QStringList> tags;
        // Waiting out either the hour asked for or Berth's own maximum would miss WAIT_FOR's
        // deadline: only a client that gives up at once gets its answer in time.
        RegistryOptions options = hostileOptions(config);
        options.maxRetryAfterSeconds = kBeyondWaitSeconds;
        RegistryClient client(server.hostPort(), options);
        client.listTags(Repository, this, tags.callback());
        WAIT_FOR(tags);
        VERIFY_FAILED(tags);
        QCOMPARE(tags.result().error().httpStatus, 429);
        QCOMPARE(tags.result().error().code, u"TOOMANYREQUESTS"_s);
        VERIFY_MENTIONS(tags.message(), u"3600"_s);
        VERIFY_MENTIONS(tags.message(),
                        u"longer than the %1 s Berth waits at most"_s.arg(kBeyondWaitSeconds));
        QCOMPARE(server.hitCount("GET", TagsPath), 1);
    }

    // Retry-After values that ask for no wait, or say nothing usable, retry soon: a
    // negative delay once made a timer that never fired, hanging the listing for good.
    void unusableRetryAfterRetriesPromptly_data() {
        QTest::addColumn<QByteArray>("retryAfter");
        QTest::newRow("-1") << QByteArray("-1");
        QTest::newRow("-86400") << QByteArray("-86400");
        QTest::newRow("0") << QByteArray("0");
        QTest::newRow("date in the past") << QByteArray("Wed, 21 Oct 2015 07:28:00 GMT");
        QTest::newRow("garbage") << QByteArray("soon, maybe");
        QTest::newRow("empty after trimming") << QByteArray("   ");
    }
    void unusableRetryAfterRetriesPromptly() {
        QFETCH(QByteArray, retryAfter);
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        QList<HostileAnswer> answers{
            HostileAnswer::registryError(429, "TOOMANYREQUESTS", "slow down"),
            HostileAnswer::json(200, R"({"name":"acme/app","tags":["v1"]})")};
        answers.first().headers.emplaceBack("Retry-After", retryAfter);
        server.setAnswers("GET", TagsPath, answers);
        Pending<QStringList> tags;
        RegistryClient client(server.hostPort(), hostileOptions(config));
        client.listTags(Repository, this, tags.callback());
        WAIT_FOR(tags);
        VERIFY_OK(tags);
        QCOMPARE(tags.result().value(), QStringList{u"v1"_s});
        QCOMPARE(server.hitCount("GET", TagsPath), 2);
    }

    // A wait longer than the configured maximum is reported at once, with the wait and
    // the maximum named, never slept through.
    void absurdRetryAfterGivesUpClearly_data() {
        QTest::addColumn<QByteArray>("retryAfter");
        QTest::addColumn<QString>("mentioned");
        QTest::newRow("one day") << QByteArray("86400") << u"86400"_s;
        QTest::newRow("beyond 64 bits") << QByteArray("99999999999999999999999") << u"5 s"_s;
        QTest::newRow("date a day ahead")
            << QLocale::c()
                   .toString(QDateTime::currentDateTimeUtc().addDays(1),
                             u"ddd, dd MMM yyyy HH:mm:ss 'GMT'"_s)
                   .toLatin1()
            << u"5 s"_s;
    }
    void absurdRetryAfterGivesUpClearly() {
        QFETCH(QByteArray, retryAfter);
        QFETCH(QString, mentioned);
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        HostileAnswer limited = HostileAnswer::registryError(429, "TOOMANYREQUESTS", "slow down");
        limited.headers.emplaceBack("Retry-After", retryAfter);
        server.setAnswer("GET", TagsPath, limited);
        Pending<QStringList> tags;
        RegistryClient client(server.hostPort(), hostileOptions(config));
        client.listTags(Repository, this, tags.callback());
        WAIT_FOR(tags);
        VERIFY_FAILED(tags);
        QCOMPARE(tags.result().error().httpStatus, 429);
        VERIFY_MENTIONS(tags.message(), mentioned);
        VERIFY_MENTIONS(tags.message(), u"longer than"_s);
        QCOMPARE(server.hitCount("GET", TagsPath), 1);
    }

    // The reported hang, end to end: berthctl itself against a 429 with Retry-After: -1.
    void berthctlTagsFinishesAfterNegativeRetryAfter() {
        QTemporaryDir home;
        HostileRegistry server;
        QVERIFY(server.listen());
        QList<HostileAnswer> answers{
            HostileAnswer::registryError(429, "TOOMANYREQUESTS", "slow down"),
            HostileAnswer::json(200, R"({"name":"acme/app","tags":["v1","v2"]})")};
        answers.first().headers.emplaceBack("Retry-After", "-1");
        server.setAnswers("GET", TagsPath, answers);

        QProcess berthctl;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"HOME"_s, home.path());
        environment.insert(u"XDG_CONFIG_HOME"_s, home.filePath(u".config"_s));
        environment.insert(u"XDG_RUNTIME_DIR"_s, home.filePath(u"run"_s));
        environment.insert(u"DOCKER_CONFIG"_s, home.filePath(u"docker"_s));
        environment.remove(u"REGISTRY_AUTH_FILE"_s);
        berthctl.setProcessEnvironment(environment);
        berthctl.start(QStringLiteral(BERTHCTL_PATH),
                       {u"tags"_s, server.hostPort() + u'/' + Repository});
        // The server lives on this thread: the event loop turns while berthctl runs.
        const bool finished = QTest::qWaitFor(
            [&berthctl] { return berthctl.state() == QProcess::NotRunning; }, kWaitMs);
        if (!finished) {
            berthctl.kill();
            berthctl.waitForFinished();
        }
        QVERIFY2(finished, "berthctl tags did not finish");
        const QString errors = QString::fromUtf8(berthctl.readAllStandardError());
        QVERIFY2(!errors.contains(u"negative"_s), qPrintable(errors));
        QCOMPARE(berthctl.exitStatus(), QProcess::NormalExit);
        QVERIFY2(berthctl.exitCode() == 0, qPrintable(errors));
        const QString out = QString::fromUtf8(berthctl.readAllStandardOutput());
        VERIFY_MENTIONS(out, u"v1"_s);
        VERIFY_MENTIONS(out, u"v2"_s);
        QCOMPARE(server.hitCount("GET", TagsPath), 2);
    }

    void serverErrorThenSuccess() {
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        server.setAnswers("GET", TagsPath,
                          {HostileAnswer::registryError(500, "UNKNOWN", "boom"),
                           HostileAnswer::json(200, R"({"name":"acme/app","tags":["v1"]})")});
        Pending<QStringList> tags;
        RegistryClient client(server.hostPort(), hostileOptions(config));
        client.listTags(Repository, this, tags.callback());
        WAIT_FOR(tags);
        VERIFY_OK(tags);
        QCOMPARE(tags.result().value(), QStringList{u"v1"_s});
        QCOMPARE(server.hitCount("GET", TagsPath), 2);
    }

    void serverErrorForever_data() {
        QTest::addColumn<int>("maxRetries");
        QTest::newRow("no retries") << 0;
        QTest::newRow("one retry") << 1;
        QTest::newRow("two retries") << 2;
    }
    void serverErrorForever() {
        QFETCH(int, maxRetries);
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        server.setAnswer("GET", TagsPath, HostileAnswer::registryError(500, "UNKNOWN", "boom"));
        Pending<QStringList> tags;
        RegistryClient client(server.hostPort(), hostileOptions(config, maxRetries));
        client.listTags(Repository, this, tags.callback());
        WAIT_FOR(tags);
        VERIFY_FAILED(tags);
        QCOMPARE(tags.result().error().httpStatus, 500);
        VERIFY_MENTIONS(tags.message(), u"HTTP 500"_s);
        VERIFY_MENTIONS(tags.message(), u"boom"_s);
        QCOMPARE(server.hitCount("GET", TagsPath), maxRetries + 1);
        QCOMPARE(tags.calls(), 1);
    }

    void cancelAllFailsPendingCallbacks_data() {
        QTest::addColumn<int>("requests");
        QTest::addColumn<int>("concurrency");
        QTest::addColumn<bool>("duringProbe");
        QTest::newRow("one in flight") << 1 << 16 << false;
        QTest::newRow("one in flight, two queued") << 3 << 1 << false;
        QTest::newRow("waiting for the probe") << 2 << 16 << true;
    }
    void cancelAllFailsPendingCallbacks() {
        QFETCH(int, requests);
        QFETCH(int, concurrency);
        QFETCH(bool, duringProbe);
        QTemporaryDir config;
        HostileRegistry server;
        QVERIFY(server.listen());
        HostileAnswer slow =
            HostileAnswer::json(200, ImageManifest, {{"Content-Type", OciManifestType}});
        slow.delayMs = 20000;
        if (duringProbe) {
            HostileAnswer slowPing = HostileAnswer::json(200, "{}");
            slowPing.delayMs = 20000;
            server.setAnswer("GET", u"/v2/"_s, slowPing);
        }
        server.setAnswer("GET", manifestPath(u"v1"_s), slow);

        std::vector<std::unique_ptr<Pending<ManifestBlob>>> pending;
        RegistryOptions options = hostileOptions(config, 2, 1500);
        options.concurrency = concurrency;
        RegistryClient client(server.hostPort(), options);
        for (int i = 0; i < requests; ++i) {
            pending.push_back(std::make_unique<Pending<ManifestBlob>>());
            client.getManifest(Repository, u"v1"_s, this, pending.back()->callback());
        }
        if (duringProbe)
            QTRY_COMPARE_WITH_TIMEOUT(server.hitCount("GET", u"/v2/"_s), 1, kWaitMs);
        else
            QTRY_COMPARE_WITH_TIMEOUT(server.hitCount("GET", manifestPath(u"v1"_s)), 1, kWaitMs);
        client.cancelAll();
        // Every callback has had its answer by the time cancelAll() returns: none waits for
        // the server (20 s away), the transfer timeout or the probe.
        for (auto& one : pending)
            QVERIFY(one->isDone());
        server.setAnswer(
            "GET", manifestPath(u"v1"_s),
            HostileAnswer::json(200, ImageManifest, {{"Content-Type", OciManifestType}}));
        if (duringProbe)
            server.setAnswer("GET", u"/v2/"_s, HostileAnswer::json(200, "{}"));
        for (auto& one : pending) {
            WAIT_FOR(*one);
            VERIFY_FAILED(*one);
            VERIFY_MENTIONS(one->message(), u"Cancelled"_s);
            QCOMPARE(one->calls(), 1);
        }

        // Still usable afterwards, and no cancelled request reached the server late.
        Pending<ManifestBlob> after;
        client.getManifest(Repository, u"v1"_s, this, after.callback());
        WAIT_FOR(after);
        VERIFY_OK(after);
        QCOMPARE(after.result()->digest, digestOf(ImageManifest));
        QCOMPARE(server.hitCount("GET", manifestPath(u"v1"_s)), duringProbe ? 1 : 2);
    }
};

} // namespace berth::test

BERTH_TEST_MAIN(berth::test::HostileRetriesTest)

#include "tst_hostileretries.moc"
