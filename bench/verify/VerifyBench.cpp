// Benchmark: the window's signature check (SignatureChecker) over builds whose digests are
// known, as the timeline runs it after its first paint: for each build the signature
// manifest, its payload blob, and the verification. A fresh checker (no cached verdict,
// a new client: new connections and token) per run.
//
// Usage: verify-bench <registry host:port> <repository path> <digests file> <key.pub> [runs]
// Prints per run, tab-separated: ms until every verdict is in, and how many were
// verified; exits 1 when any build is not verified.

#include "signing/SignatureChecker.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTextStream>

using namespace Qt::StringLiterals;
using namespace berth;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const QStringList arguments = app.arguments();
    if (arguments.size() < 5) {
        QTextStream(stderr) << "usage: verify-bench <registry> <repository> <digests file> "
                               "<key.pub> [runs]\n";
        return 2;
    }
    const QString registry = arguments.at(1);
    const QString repository = arguments.at(2);
    QFile digestsFile(arguments.at(3));
    if (!digestsFile.open(QIODevice::ReadOnly | QIODevice::Text)) {
        QTextStream(stderr) << "cannot read " << arguments.at(3) << '\n';
        return 2;
    }
    QList<Build> builds;
    for (const QByteArray& line : digestsFile.readAll().split('\n')) {
        const QString digest = QString::fromLatin1(line.trimmed());
        if (digest.isEmpty())
            continue;
        Build build;
        build.digest = digest;
        QString tag = digest;
        build.accessories.append(
            Accessory{tag.replace(u':', u'-') + u".sig"_s, AccessoryKind::Signature, digest});
        builds.append(build);
    }
    const Result<VerificationKey> key = VerificationKey::fromFile(arguments.at(4));
    if (!key) {
        QTextStream(stderr) << key.errorMessage() << '\n';
        return 2;
    }
    const int runs = arguments.size() > 5 ? arguments.at(5).toInt() : 1;
    QTextStream out(stdout);
    out << "run\tverified_ms\tverified\n";
    for (int run = 0; run < runs; ++run) {
        SignatureChecker checker;
        int verified = 0;
        QObject::connect(&checker, &SignatureChecker::verdictReady, &app,
                         [&](const QString&, const QString& digest, const SignatureVerdict& v) {
                             if (v.kind == SignatureVerdictKind::Verified)
                                 ++verified;
                             else
                                 QTextStream(stderr) << digest << ": " << v.summary << '\n';
                         });
        QObject::connect(&checker, &SignatureChecker::finished, &app, [&app] { app.quit(); });
        QElapsedTimer clock;
        clock.start();
        checker.check(registry, repository, RegistryOptions{}, builds,
                      SignatureTrust{{key.value()}, {}, {}, {}});
        if (checker.isChecking())
            app.exec();
        out << run << '\t' << clock.elapsed() << '\t' << verified << Qt::endl;
        if (verified != builds.size())
            return 1;
    }
    return 0;
}
