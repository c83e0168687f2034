// The transport keeps many requests in flight to one registry, never one at a time
// and never more than the configured bound.

#include "HostileRegistry.h"
#include "TestMain.h"

#include "registry/RegistryClient.h"

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

        HostileRegistry server;
        QVERIFY(server.listen());
        const QByteArray digest = "sha256:" + QByteArray(64, 'a');
        for (int i = 0; i < requests; ++i) {
            HostileAnswer answer;
            answer.headers = {{"Docker-Content-Digest", digest},
                              {"Content-Type", "application/vnd.oci.image.manifest.v1+json"}};
            server.setAnswer("HEAD", u"/v2/acme/app/manifests/t%1"_s.arg(i), answer);
        }
        // No answer leaves before `concurrency` requests wait at once: a client that keeps
        // fewer in flight never finishes, one that keeps more shows it in mostOpenAtOnce.
        server.holdAnswersUntilOpen(concurrency, requests, u"/v2/acme/app/manifests/"_s);

        RegistryOptions options;
        options.concurrency = concurrency;
        RegistryClient client(server.hostPort(), options);
        int finished = 0;
        int failures = 0;
        for (int i = 0; i < requests; ++i) {
            client.headManifest(u"acme/app"_s, u"t%1"_s.arg(i), this,
                                [&](Result<ManifestHead> head) {
                                    ++finished;
                                    failures += head.ok() ? 0 : 1;
                                });
        }
        QTRY_COMPARE_WITH_TIMEOUT(finished, requests, 60000);
        QCOMPARE(failures, 0);
        QCOMPARE(server.mostOpenAtOnce(), std::min(concurrency, requests));
        for (int i = 0; i < requests; ++i)
            QCOMPARE(server.hitCount("HEAD", u"/v2/acme/app/manifests/t%1"_s.arg(i)), 1);
    }
};

BERTH_TEST_MAIN(TestRequestConcurrency)
#include "tst_requestconcurrency.moc"
