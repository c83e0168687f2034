#pragma once

// A repository's tag strategy, declared once in the service's own git repository
// (berth.toml) and enforced by publish, lint and promote: which tag forms are in use,
// which of them never move, the environments in promotion order, and the labels every
// build must carry. Without a file, the defaults below are today's behaviour.
//
//   [tags]
//   semver = "v"                 # "v": v1.2.3; "": 1.2.3 (one spelling per repository)
//   floating = ["minor", "major"] # pointers publish keeps: v2.4, v2
//   latest = true                # latest follows the highest release
//   commit = 7                   # short-SHA tag length; 0: no commit tags
//   branch_commit = true         # <branch>-<short sha>
//   immutable = ["exact-semver", "git-sha", "branch-sha"]
//
//   [environments]
//   order = ["dev", "staging", "production"]
//
//   [labels]
//   required = ["org.opencontainers.image.revision"]
//
//   [signatures]
//   keys = ["keys/cosign.pub"]   # public keys committed in the repository
//   required = ["production"]    # environments only a verified build may enter
//   # keyless (sigstore) signatures: the authority, the log and who may sign
//   authorities = ["keys/fulcio-root.pem"]
//   log_keys = ["keys/rekor.pub"]
//   [[signatures.identities]]   # who may sign; as many as needed
//   issuer = "https://token.actions.githubusercontent.com"
//   subject = "https://github.com/acme/api/.github/workflows/release.yml@refs/heads/main"
//   # or subject_pattern = ".*@acme\\.example", matching the whole subject

#include "core/Result.h"
#include "registry/TagClassifier.h"
#include "signing/CertificateIdentity.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace berth {

struct TagPolicy {
    QString semverPrefix = QStringLiteral("v");
    bool floatingMinor = true;
    bool floatingMajor = true;
    bool latest = true;
    int commitLength = 7; // 0: the strategy uses no commit tags
    bool branchCommit = true;
    QList<TagKind> immutableKinds{TagKind::ExactSemver, TagKind::GitSha, TagKind::BranchSha};
    // Environment tags; in promotion order when promotionOrdered (a policy file says so).
    QStringList environments;
    bool promotionOrdered = false;
    QStringList requiredLabels{QStringLiteral("org.opencontainers.image.revision")};
    // [signatures]: the public keys builds are verified with, as paths in the repository
    // (readTagPolicy fills in each one's PEM as committed at HEAD), and the environments
    // a promotion may only move a verified build into.
    struct KeyFile {
        QString path;
        QByteArray pem;
    };
    QList<KeyFile> signatureKeys;
    QStringList signaturesRequired;
    // Keyless signatures: certificate authority bundles and transparency-log keys (paths
    // in the repository, read at HEAD like the keys) and the identities that may sign.
    QList<KeyFile> signatureAuthorities;
    QList<KeyFile> signatureLogKeys;
    QList<CertificateIdentity> signatureIdentities;
    // Where it came from, for a person: "berth.toml at a3f2c8d in /src/app", or the
    // defaults and why.
    QString origin;

    // Today's behaviour: the classifier's environment names, no promotion order.
    static TagPolicy defaults(const QString& origin);

    bool isImmutable(TagKind kind) const { return immutableKinds.contains(kind); }
    // A classifier that knows this policy's environments.
    TagClassifier classifier() const;
    // The stages before `environment` in promotion order, nearest first; empty when the
    // policy orders none or does not list it.
    QStringList stagesBefore(const QString& environment) const;
};

// Reads a berth.toml. A syntax error or a value the policy cannot mean (an unknown key,
// an environment that is not a tag name, a moving kind declared immutable) is refused
// with its line and column: "berth.toml:4:11: ...".
Result<TagPolicy> parseTagPolicy(const QByteArray& text, const QString& fileName,
                                 const QString& origin);

// The policy in force for a clone: berth.toml as committed at HEAD (never the work tree,
// so what CI enforces is what was reviewed), else the defaults, saying so. The signature
// keys it names are read from HEAD too; one HEAD does not hold is refused.
Result<TagPolicy> readTagPolicy(const QString& clonePath);

// The policy as berthctl policy prints it: the origin, then one line per setting.
QString describeTagPolicy(const TagPolicy& policy);

} // namespace berth
