#include "git/GitOid.h"

#include <git2.h>

#include <algorithm>
#include <cstring>

namespace berth {

static_assert(sizeof(git_oid) == GitOid::kRawSize, "libgit2 ids are 20-byte SHA-1 here");

GitOid::GitOid(const git_oid* oid) {
    std::memcpy(m_bytes.data(), oid->id, m_bytes.size());
}

std::optional<GitOid> GitOid::fromHex(QStringView hex) {
    if (hex.size() != kHexSize)
        return std::nullopt;
    const QByteArray latin = hex.toLatin1();
    git_oid oid;
    if (git_oid_fromstrn(&oid, latin.constData(), latin.size()) != 0)
        return std::nullopt;
    return GitOid(&oid);
}

bool GitOid::isNull() const {
    return std::all_of(m_bytes.begin(), m_bytes.end(), [](unsigned char b) { return b == 0; });
}

QString GitOid::toHex() const {
    return QString::fromLatin1(
        QByteArray(reinterpret_cast<const char*>(m_bytes.data()), kRawSize).toHex());
}

void GitOid::copyTo(git_oid* out) const {
    std::memcpy(out->id, m_bytes.data(), m_bytes.size());
}

} // namespace berth
