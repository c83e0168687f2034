// The transport keeps many requests in flight to one registry, never one at a time
// and never more than the configured bound.

#include "HostileRegistry.h"
#include "TestMain.h"

#include "registry/RegistryClient.h"

#include <QElapsedTimer>

using namespace Qt::StringLiterals;
using namespace berth;
using namespace berth::test;

class TestRequestConcurrency : public QObject {
    Q_OBJECT

private slots:
    void inFlightRequestsStayWithinTheBound_data() {
        QTest::addColumn<int>("concurrency");
        QTest::addColumn<int>("requests");
        QTest::newRow("one at a time when asked") << 1 << 6;
        QTest::newRow("eight") << 8 << 40;
        // More than the six connections a browser-like HTTP stack opens per host.
        QTest::newRow("twenty") << 20 << 60;
    }

    void inFlightRequestsStayWithinTheBound() {
        QFETCH(int, concurrency);
        QFETCH(int, requests);
        constexpr int kAnswerDelayMs = 400;

        HostileRegistry server;
        QVERIFY(server.listen());
        const QByteArray digest = "sha256:" + QByteArray(64, 'a');
        for (int i = 0; i < requests; ++i) {
            HostileAnswer answer;
            answer.headers = {{"Docker-Content-Digest", digest},
                              {"Content-Type", "application/vnd.oci.image.manifest.v1+json"}};
            answer.delayMs = kAnswerDelayMs;
            server.setAnswer("HEAD", u"/v2/acme/app/manifests/t%1"_s.arg(i), answer);
        }

        RegistryOptions options;
        options.concurrency = concurrency;
        RegistryClient client(server.hostPort(), options);
        int finished = 0;
        int failures = 0;
        QElapsedTimer clock;
        clock.start();
        for (int i = 0; i < requests; ++i) {
            client.headManifest(u"acme/app"_s, u"t%1"_s.arg(i), this,
                                [&](Result<ManifestHead> head) {
                                    ++finished;
                                    failures += head.ok() ? 0 : 1;
                                });
        }
        QTRY_COMPARE_WITH_TIMEOUT(finished, requests, 60000);
        QCOMPARE(failures, 0);

        // Answers take kAnswerDelayMs each, so requests arrive in waves: the size of the
        // first wave is the number the client had in flight at once.
        QList<qint64> arrivals;
        for (int i = 0; i < requests; ++i) {
            const auto received =
                server.requestsFor("HEAD", u"/v2/acme/app/manifests/t%1"_s.arg(i));
            QCOMPARE(received.size(), 1);
            arrivals.append(received.first().receivedAtMs);
        }
        std::sort(arrivals.begin(), arrivals.end());
        const qint64 firstWaveEnd = arrivals.first() + kAnswerDelayMs / 2;
        const auto firstWave =
            std::count_if(arrivals.begin(), arrivals.end(),
                          [firstWaveEnd](qint64 at) { return at < firstWaveEnd; });
        QCOMPARE(int(firstWave), std::min(concurrency, requests));

        // And the whole run took about requests / concurrency waves, not one per request.
        const qint64 waves = (requests + concurrency - 1) / concurrency;
        QVERIFY2(clock.elapsed() < (waves + 2) * kAnswerDelayMs * 2,
                 qPrintable(u"took %1 ms for %2 waves"_s.arg(clock.elapsed()).arg(waves)));
    }
};

BERTH_TEST_MAIN(TestRequestConcurrency)
#include "tst_requestconcurrency.moc"
