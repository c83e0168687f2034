// Benchmark: "Roll back <environment>" in the real window (offscreen), as on call at night:
// the lane's rollback opens the confirmation, the confirm button is clicked once it is
// armed, and the time is taken from that click to
//   verified  the dialog showing the verified result (audit row written, tag checked);
//   lane      the environment's lane showing the new position (drawn from the verified
//             result);
//   read      the window's own read of the repository that follows and confirms it.
// Each run rolls back for real: to the position before the current one, so runs alternate
// between two builds. The history database must already know earlier positions of the
// environment (bench/promote/run moves it with berthctl first).
//
// Usage: rollback-window-bench <host:port/repository> <environment> <history db> [runs]
// Prints "verified", "lane" and "read" lines: <median ms> <runs…>.

#include "MainWindow.h"
#include "PromoteDialog.h"
#include "ReleaseActions.h"
#include "timeline/RepositoryLoader.h"
#include "timeline/TimelineModel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QPushButton>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <cstdlib>
#include <functional>

using namespace Qt::StringLiterals;
using namespace berth;

namespace {

constexpr int kWaitMs = 60000;

[[noreturn]] void die(const QString& message) {
    QTextStream(stderr) << "rollback-window-bench: " << message << '\n';
    std::exit(1);
}

// Runs the event loop until `done` holds, looking every millisecond. (QTest::qWaitFor
// sleeps 10 ms between looks, and blocks the loop meanwhile: every network wait of the
// window would then take 10 ms more than it does.)
bool waitUntil(const std::function<bool()>& done, int timeoutMs = kWaitMs) {
    if (done())
        return true;
    QEventLoop loop;
    QTimer look;
    look.setTimerType(Qt::PreciseTimer);
    look.setInterval(1);
    QObject::connect(&look, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    look.start();
    loop.exec();
    return done();
}

QString laneDigest(const ui::MainWindow& window, const QString& environment) {
    for (const EnvironmentLane& lane : window.timelineModel()->lanes()) {
        if (lane.tag == environment)
            return lane.currentDigest;
    }
    return {};
}

double median(QList<double> values) {
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? 0 : values.at(values.size() / 2);
}

void print(QTextStream& out, const char* name, const QList<double>& values) {
    out << name << ' ' << QString::number(median(values), 'f', 1);
    for (double value : values)
        out << ' ' << QString::number(value, 'f', 1);
    out << '\n';
}

} // namespace

int main(int argc, char** argv) {
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 4)
        die(u"usage: rollback-window-bench <host:port/repository> <environment> <db> [runs]"_s);
    const QString repository = args.at(1);
    const QString environment = args.at(2);
    const int runs = args.size() > 4 ? std::max(1, args.at(4).toInt()) : 7;

    ui::MainWindow window;
    window.setSettingsPersistent(false);
    window.loader()->setHistoryLocation(args.at(3));
    window.resize(1400, 860);
    window.show();
    int loads = 0;
    QObject::connect(window.loader(), &RepositoryLoader::finished, &window, [&loads] { ++loads; });
    window.openRepository(repository);
    if (!waitUntil([&] { return loads > 0; }))
        die(u"the window did not load %1"_s.arg(repository));

    QList<double> verified;
    QList<double> lane;
    QList<double> read;
    for (int run = 0; run < runs; ++run) {
        ui::PromoteDialog* dialog = window.releaseActions()->rollback(environment);
        if (!dialog)
            die(u"no rollback target for %1: the history knows no earlier position"_s.arg(
                environment));
        const QString target = dialog->to().digest;
        auto* confirm = dialog->findChild<QPushButton*>(u"confirmButton"_s);
        if (!waitUntil([confirm] { return confirm->isEnabled(); }))
            die(u"the confirm button never armed"_s);

        const int loadsBefore = loads;
        QElapsedTimer timer;
        timer.start();
        confirm->click();
        if (!waitUntil([dialog] { return dialog->result().has_value(); }))
            die(u"the rollback did not finish"_s);
        verified.append(timer.nsecsElapsed() / 1e6);
        if (!dialog->result()->ok())
            die(dialog->result()->errorMessage());
        if (!waitUntil([&] { return laneDigest(window, environment) == target; }))
            die(u"the lane never showed %1"_s.arg(target));
        lane.append(timer.nsecsElapsed() / 1e6);
        if (!waitUntil([&] { return loads > loadsBefore; }))
            die(u"the window did not read the repository after the rollback"_s);
        read.append(timer.nsecsElapsed() / 1e6);
        if (laneDigest(window, environment) != target)
            die(u"the read after the rollback does not show %1"_s.arg(target));
        dialog->close();
    }

    QTextStream out(stdout);
    print(out, "verified", verified);
    print(out, "lane", lane);
    print(out, "read", read);
    return 0;
}
