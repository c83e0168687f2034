#include "VerifyCommands.h"

#include "registry/RegistryClient.h"
#include "signing/SignatureReader.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace berth::ctl {

namespace {

QJsonObject verdictToJson(const QString& repository, const QString& digest,
                          const SignatureVerdict& verdict) {
    QJsonArray signatures;
    for (const SignatureFinding& finding : verdict.findings)
        signatures.append(QJsonObject{{u"layer"_s, finding.layerDigest},
                                      {u"verdict"_s, signatureVerdictName(finding.kind)},
                                      {u"detail"_s, finding.detail},
                                      {u"key"_s, finding.keyFingerprint}});
    return {{u"repository"_s, repository},
            {u"digest"_s, digest},
            {u"verdict"_s, signatureVerdictName(verdict.kind)},
            {u"summary"_s, verdict.summary},
            {u"signatures"_s, signatures}};
}

void printVerdict(const QString& digest, const SignatureVerdict& verdict) {
    printLine(u"build    %1"_s.arg(digest));
    printLine(u"verdict  %1"_s.arg(verdict.summary));
    for (const SignatureFinding& finding : verdict.findings)
        printLine(u"  %1  %2: %3"_s.arg(finding.layerDigest.left(19),
                                        signatureVerdictName(finding.kind), finding.detail));
}

} // namespace

std::optional<VerificationKeys> verifyKeysOf(const Invocation& invocation) {
    VerificationKeys keys;
    for (const QString& path : invocation.verifyKeys) {
        Result<VerificationKey> key = VerificationKey::fromFile(path);
        if (!key) {
            printError(key.errorMessage());
            return std::nullopt;
        }
        keys.append(std::move(key).value());
    }
    return keys;
}

void runVerify(const Invocation& invocation, Finish finish) {
    if (invocation.arguments.size() != 2) {
        printError(u"verify needs <repository> <tag or digest> [--verify-key <pem>]..."_s);
        return finish(ExitUsage);
    }
    const std::optional<ImageReference> repository =
        parseRepository(u"verify"_s, invocation.arguments[0]);
    if (!repository)
        return finish(ExitUsage);
    const std::optional<VerificationKeys> keys = verifyKeysOf(invocation);
    if (!keys)
        return finish(ExitUsage);
    RegistryClient* client = makeClient(repository->domain(), invocation);
    auto* reader = new SignatureReader(client, repository->domain(), *keys, qApp);
    const QString path = repository->path();
    const QString fullName = repository->domain() + u'/' + path;
    const QString reference = invocation.arguments[1];
    client->headManifest(
        path, reference, qApp,
        [reader, invocation, finish, path, fullName, reference](Result<ManifestHead> head) {
            if (!head) {
                printError(u"%1:%2: %3"_s.arg(fullName, reference, head.errorMessage()));
                return finish(head.error().httpStatus == 404 ? ExitRefused : ExitFailure);
            }
            const QString digest = head->digest;
            reader->verify(
                path, digest, qApp,
                [invocation, finish, fullName, digest](Result<SignatureVerdict> verdict) {
                    if (!verdict) {
                        printError(verdict.errorMessage());
                        return finish(ExitFailure);
                    }
                    if (invocation.json)
                        printJson(verdictToJson(fullName, digest, verdict.value()));
                    else
                        printVerdict(digest, verdict.value());
                    finish(verdict->kind == SignatureVerdictKind::Verified ? ExitOk : ExitRefused);
                });
        });
}

} // namespace berth::ctl
