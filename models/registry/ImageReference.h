#pragma once

// An image reference as people type it ([domain/]path[:tag][@digest]), parsed with
// Docker's grammar and defaults so "ubuntu" means what `docker pull ubuntu` means.

#include "core/Result.h"

#include <QString>

namespace berth {

class ImageReference {
public:
    ImageReference() = default;

    static Result<ImageReference> parse(const QString& text);

    // "docker.io" (default; "index.docker.io" normalises to it), "localhost:5000", "ghcr.io"
    QString domain() const { return m_domain; }
    // host[:port] to talk to: Docker Hub's API does not live on docker.io itself.
    QString apiHost() const;
    // "library/ubuntu" for single-component Docker Hub names, else as given.
    QString path() const { return m_path; }
    QString tag() const { return m_tag; }       // empty when none given
    QString digest() const { return m_digest; } // empty when none, else "<algo>:<hex>"
    QString repository() const;                 // domain() + '/' + path()
    QString reference() const;                  // digest, else tag, else "latest"
    // domain/path[:tag][@digest]: no tag is invented, so parse(toString()) round-trips.
    QString toString() const;

    bool operator==(const ImageReference&) const = default;

private:
    QString m_domain;
    QString m_path;
    QString m_tag;
    QString m_digest;
};

bool isValidTag(const QString& tag);             // [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}
bool isValidRepositoryPath(const QString& path); // distribution's name grammar, <= 255 chars
bool isValidDigest(const QString& digest);       // sha256:64 / sha512:128 lowercase hex
// localhost, 127.0.0.0/8, ::1, with an optional port ("[::1]:5000", "localhost:5000").
bool isLoopbackHost(const QString& hostAndOptionalPort);
// The host a registry domain's API lives on: registry-1.docker.io for docker.io.
QString apiHostOf(const QString& domain);
// Empty when the tag is valid, else one sentence saying what is wrong with it.
QString tagValidationError(const QString& tag);

} // namespace berth
