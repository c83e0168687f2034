#pragma once

// What signing and SBOM tools attach to a build under tags of their own, so the timeline
// shows them as the build's artifacts and never as builds:
// - cosign's tag schema: sha256-<hex>.sig (signatures), .att (in-toto attestations),
//   .sbom (an SBOM);
// - the OCI 1.1 referrers fallback: a tag sha256-<hex> holding the index of every
//   artifact whose subject is sha256:<hex>, for registries without the referrers API.
// The subject is named by the tag, so telling them apart costs no request.

#include <QList>
#include <QString>

#include <optional>

namespace berth {

enum class AccessoryKind { Signature, Attestation, Sbom, Referrers };

// "signature", "attestation", "sbom", "referrers"
QString accessoryKindName(AccessoryKind kind);

struct Accessory {
    QString tag; // sha256-<hex>.sig
    AccessoryKind kind = AccessoryKind::Signature;
    QString subjectDigest; // sha256:<hex>, the build it is attached to

    bool operator==(const Accessory&) const = default;
};

// The accessory `tag` names; nullopt for any other tag.
std::optional<Accessory> accessoryFromTag(const QString& tag);

// What a build has attached, for its badges: the kinds present, in the order above.
QList<AccessoryKind> accessoryKinds(const QList<Accessory>& accessories);

// Whether a build with `accessories` may be signed: it has a .sig tag, or a referrers
// fallback tag that may list signatures. Any other build reads as unsigned unasked (on a
// registry without the referrers API).
bool mayCarrySignatures(const QList<Accessory>& accessories);

} // namespace berth
