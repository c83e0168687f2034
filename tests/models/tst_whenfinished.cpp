// A worker's result reaches its receiver on the receiver's thread, and nobody once the
// receiver is gone: closing a window while its database work still runs must not
// abort the program (Qt 6.4's QFuture::then with a context asserts in that case).

#include "core/WhenFinished.h"
#include "timeline/RepositoryLoader.h"

#include "TestMain.h"

#include <QPromise>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <memory>

using namespace Qt::StringLiterals;
using namespace berth;

class TestWhenFinished : public QObject {
    Q_OBJECT

private slots:
    void theResultArrivesOnTheReceiversThread() {
        QObject receiver;
        std::optional<int> delivered;
        QThread* deliveredOn = nullptr;
        QThread* computedOn = nullptr;
        whenFinished(&receiver, QtConcurrent::run([&computedOn] {
            computedOn = QThread::currentThread();
            return 42;
        }),
                     [&](int value) {
                         delivered = value;
                         deliveredOn = QThread::currentThread();
                     });
        QTRY_VERIFY(delivered.has_value());
        QCOMPARE(*delivered, 42);
        QVERIFY(computedOn != receiver.thread());
        QCOMPARE(deliveredOn, receiver.thread());
        // The watcher that carried the result is gone too.
        QTRY_COMPARE(receiver.findChildren<QObject*>().size(), 0);
    }

    void aReceiverGoneBeforeTheWorkerFinishesGetsNothing() {
        QPromise<int> promise;
        promise.start();
        bool delivered = false;
        auto receiver = std::make_unique<QObject>();
        whenFinished(receiver.get(), promise.future(), [&delivered](int) { delivered = true; });
        receiver.reset();
        promise.addResult(7);
        promise.finish();
        QCoreApplication::processEvents();
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        QVERIFY(!delivered);
    }

    // What the window does when it closes during a load: the loader goes while its worker
    // still reads the history. Repeated, because the worker must still be running when
    // the loader is deleted, and it usually is, right after load() started it.
    void aLoaderDeletedWhileItsHistoryIsReadDoesNotAbort() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString history = dir.filePath(u"history.sqlite"_s);
        for (int round = 0; round < 20; ++round) {
            auto loader = std::make_unique<RepositoryLoader>();
            loader->setHistoryLocation(history);
            // Port 9 (discard) on loopback: nothing answers, nothing is sent anywhere else.
            loader->load(u"127.0.0.1:9/acme/api"_s, RegistryOptions{});
            loader.reset();
            QVERIFY(QThreadPool::globalInstance()->waitForDone(10'000));
            QCoreApplication::processEvents();
        }
    }
};

BERTH_TEST_MAIN(TestWhenFinished)
#include "tst_whenfinished.moc"
