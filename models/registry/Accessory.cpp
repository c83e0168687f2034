#include "registry/Accessory.h"

#include <QRegularExpression>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace berth {

QString accessoryKindName(AccessoryKind kind) {
    switch (kind) {
    case AccessoryKind::Signature:
        return u"signature"_s;
    case AccessoryKind::Attestation:
        return u"attestation"_s;
    case AccessoryKind::Sbom:
        return u"sbom"_s;
    case AccessoryKind::Referrers:
        return u"referrers"_s;
    }
    return {};
}

std::optional<Accessory> accessoryFromTag(const QString& tag) {
    // Lower-case hex only: that is how a digest is written, and a tag that merely looks
    // similar stays a tag of its own.
    static const QRegularExpression pattern(u"^sha256-([0-9a-f]{64})(?:\\.(sig|att|sbom))?$"_s);
    const QRegularExpressionMatch match = pattern.match(tag);
    if (!match.hasMatch())
        return std::nullopt;
    Accessory accessory;
    accessory.tag = tag;
    accessory.subjectDigest = u"sha256:"_s + match.captured(1);
    const QString suffix = match.captured(2);
    accessory.kind = suffix == u"sig"_s    ? AccessoryKind::Signature
                     : suffix == u"att"_s  ? AccessoryKind::Attestation
                     : suffix == u"sbom"_s ? AccessoryKind::Sbom
                                           : AccessoryKind::Referrers;
    return accessory;
}

QList<AccessoryKind> accessoryKinds(const QList<Accessory>& accessories) {
    QList<AccessoryKind> kinds;
    for (const AccessoryKind kind : {AccessoryKind::Signature, AccessoryKind::Attestation,
                                     AccessoryKind::Sbom, AccessoryKind::Referrers}) {
        for (const Accessory& accessory : accessories) {
            if (accessory.kind == kind) {
                kinds.append(kind);
                break;
            }
        }
    }
    return kinds;
}

bool mayCarrySignatures(const QList<Accessory>& accessories) {
    return std::any_of(accessories.cbegin(), accessories.cend(), [](const Accessory& accessory) {
        return accessory.kind == AccessoryKind::Signature ||
               accessory.kind == AccessoryKind::Referrers;
    });
}

} // namespace berth
