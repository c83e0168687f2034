#include "policy/TagPolicy.h"

#include "git/GitError.h"
#include "git/GitRepository.h"

#include <git2.h>

#include <memory>
#include <optional>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

const QString kPolicyFile = u"berth.toml"_s;

using ObjectGuard = std::unique_ptr<git_object, decltype(&git_object_free)>;

// A file as committed at HEAD; nullopt when HEAD has no such file.
Result<std::optional<QByteArray>> committedFile(git_repository* repository, const QString& path,
                                                const QString& at) {
    git_object* file = nullptr;
    const QByteArray spec = "HEAD:" + path.toUtf8();
    if (const int code = git_revparse_single(&file, repository, spec.constData()); code != 0) {
        if (code == GIT_ENOTFOUND)
            return std::optional<QByteArray>();
        return gitError(code, u"Reading %1 %2"_s.arg(path, at));
    }
    const ObjectGuard fileGuard(file, &git_object_free);
    if (git_object_type(file) != GIT_OBJECT_BLOB)
        return Error::make(u"%1 %2 is not a file."_s.arg(path, at));
    const auto* blob = reinterpret_cast<git_blob*>(file);
    return std::optional(QByteArray(static_cast<const char*>(git_blob_rawcontent(blob)),
                                    qsizetype(git_blob_rawsize(blob))));
}

} // namespace

Result<TagPolicy> readTagPolicy(const QString& clonePath) {
    const Result<GitRepository> repository = GitRepository::open(clonePath);
    if (!repository)
        return repository.error();
    git_object* head = nullptr;
    if (const int code = git_revparse_single(&head, repository->handle(), "HEAD"); code != 0) {
        if (code == GIT_ENOTFOUND || code == GIT_EUNBORNBRANCH)
            return TagPolicy::defaults(
                u"built-in defaults (the clone at %1 has no commit yet)"_s.arg(clonePath));
        return gitError(code, u"Reading HEAD of the clone at %1"_s.arg(clonePath));
    }
    const ObjectGuard headGuard(head, &git_object_free);
    char shortSha[8] = {};
    git_oid_tostr(shortSha, sizeof shortSha, git_object_id(head));
    const QString at = u"at %1 in %2"_s.arg(QLatin1StringView(shortSha), clonePath);

    const Result<std::optional<QByteArray>> text =
        committedFile(repository->handle(), kPolicyFile, at);
    if (!text)
        return text.error();
    if (!text.value())
        return TagPolicy::defaults(
            u"built-in defaults (no %1 committed %2)"_s.arg(kPolicyFile, at));
    Result<TagPolicy> policy =
        parseTagPolicy(*text.value(), kPolicyFile, u"%1 %2"_s.arg(kPolicyFile, at));
    if (!policy)
        return policy;
    // The keys are reviewed with the policy: what HEAD holds, never the work tree.
    for (auto& [list, name] :
         {std::pair{&policy.value().signatureKeys, u"signatures.keys"_s},
          std::pair{&policy.value().signatureAuthorities, u"signatures.authorities"_s},
          std::pair{&policy.value().signatureLogKeys, u"signatures.log_keys"_s}}) {
        for (TagPolicy::KeyFile& file : *list) {
            const Result<std::optional<QByteArray>> pem =
                committedFile(repository->handle(), file.path, at);
            if (!pem)
                return pem.error();
            if (!pem.value())
                return Error::make(u"%1: %2 names %3, which is not committed %4."_s.arg(
                    kPolicyFile, name, file.path, at));
            file.pem = *pem.value();
        }
    }
    return policy;
}

} // namespace berth
