// Benchmark: the window's promotion, from the confirm click to the verified result.
//
// Does what ReleaseActions and PromoteDialog do, without the widgets: for every run a
// new RegistryClient and Promoter (the window makes both per dialog), the request the
// window builds (source by digest, expectedCurrent = the tag's displayed position), then
// Promoter::run timed from the call to its answer. Two ways, alternating per run:
//   prepared  Promoter::prepare ran first, as it does while the dialog is read (the
//             confirm button is disarmed for PromoteDialog::kArmDelayMs anyway);
//   cold      run() on a client that has not spoken to the registry yet: the confirm
//             pays for the connection and the scheme probe too.
// Each run is a real move: to whichever of the two sources the tag is not on.
//
// Usage: promote-bench <host:port> <repository> <tag> <source-a> <source-b> <db> [runs]
// Prints "prepared <median ms> <runs…>" and "cold <median ms> <runs…>" (ms).

#include "history/HistoryStore.h"
#include "registry/RegistryClient.h"
#include "release/Promoter.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTextStream>

#include <algorithm>
#include <cstdlib>
#include <optional>

using namespace Qt::StringLiterals;
using namespace berth;

namespace {

[[noreturn]] void die(const QString& message) {
    QTextStream(stderr) << "promote-bench: " << message << '\n';
    std::exit(1);
}

// Runs `start` and spins the event loop until it calls back.
template <typename T, typename Start> Result<T> await(Start start) {
    QEventLoop loop;
    std::optional<Result<T>> answer;
    start(&loop, [&](Result<T> result) {
        answer.emplace(std::move(result));
        loop.quit();
    });
    if (!answer)
        loop.exec();
    return std::move(*answer);
}

QString digestOf(RegistryClient& client, const QString& repository, const QString& reference) {
    const Result<ManifestHead> head = await<ManifestHead>([&](QObject* context, auto done) {
        client.headManifest(repository, reference, context, done);
    });
    if (!head)
        die(head.errorMessage());
    return head->digest;
}

double median(QList<double> values) {
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? 0 : values.at(values.size() / 2);
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 7)
        die(u"usage: promote-bench <host:port> <repository> <tag> <source-a> <source-b> <db> "
            u"[runs]"_s);
    const QString registry = args.at(1);
    const QString repository = args.at(2);
    const QString tag = args.at(3);
    const int runs = args.size() > 7 ? std::max(1, args.at(7).toInt()) : 7;

    HistoryStore store;
    if (const Status opened = store.open(args.at(6)); !opened)
        die(opened.errorMessage());
    QString sources[2];
    {
        RegistryClient client(registry);
        sources[0] = digestOf(client, repository, args.at(4));
        sources[1] = digestOf(client, repository, args.at(5));
    }

    QList<double> prepared;
    QList<double> cold;
    for (int run = 0; run < 2 * runs; ++run) {
        const bool prepare = run % 2 == 0;
        RegistryClient client(registry);
        Promoter promoter(&client, &store);
        ReleaseRequest request;
        request.registry = registry;
        request.repository = repository;
        request.tag = tag;
        request.reason = u"benchmark"_s;
        {
            // What the window displayed; read here, untimed, by a client of its own.
            RegistryClient looker(registry);
            request.expectedCurrent = digestOf(looker, repository, tag);
        }
        request.source = *request.expectedCurrent == sources[0] ? sources[1] : sources[0];
        if (prepare) {
            const Result<QString> current = await<QString>(
                [&](QObject* context, auto done) { promoter.prepare(request, context, done); });
            if (!current || *current != request.expectedCurrent)
                die(u"prepare did not confirm the displayed position"_s);
        }
        QElapsedTimer timer;
        timer.start();
        const Result<ReleaseOutcome> outcome = await<ReleaseOutcome>(
            [&](QObject* context, auto done) { promoter.run(request, context, done); });
        const double ms = timer.nsecsElapsed() / 1e6;
        if (!outcome)
            die(outcome.errorMessage());
        if (outcome->alreadyThere || outcome->resultDigest != request.source)
            die(u"run %1 did not move %2"_s.arg(run).arg(tag));
        (prepare ? prepared : cold).append(ms);
    }

    QTextStream out(stdout);
    for (const auto& [name, values] : {std::pair{"prepared", prepared}, std::pair{"cold", cold}}) {
        out << name << ' ' << QString::number(median(values), 'f', 2);
        for (double value : values)
            out << ' ' << QString::number(value, 'f', 2);
        out << '\n';
    }
    return 0;
}
