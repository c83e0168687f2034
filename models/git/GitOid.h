#pragma once

// A git object id as a value: 20 bytes, comparable, hashable, safe to pass between
// threads. The libgit2 struct stays out of the header.

#include <QHashFunctions>
#include <QString>

#include <array>
#include <optional>

struct git_oid;

namespace berth {

class GitOid {
public:
    static constexpr int kRawSize = 20;
    static constexpr int kHexSize = 40;

    GitOid() = default; // the null id
    explicit GitOid(const git_oid* oid);

    // Exactly 40 hexadecimal characters, else nullopt.
    static std::optional<GitOid> fromHex(QStringView hex);

    bool isNull() const;
    QString toHex() const;
    QString shortHex(int length = 7) const { return toHex().left(length); }
    void copyTo(git_oid* out) const;

    bool operator==(const GitOid&) const = default;
    friend size_t qHash(const GitOid& oid, size_t seed = 0) {
        return qHashBits(oid.m_bytes.data(), oid.m_bytes.size(), seed);
    }

private:
    std::array<unsigned char, kRawSize> m_bytes{};
};

} // namespace berth
