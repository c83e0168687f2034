#pragma once

// Reads the stream of JSON objects a Docker-compatible engine answers a pull or push
// with, in whatever pieces the transport delivers it. Every object is read: a failure
// that happens after the engine said HTTP 200 only shows up inside the stream.

#include "engine/EngineTypes.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QList>

#include <optional>

namespace berth {

class EngineStreamParser {
public:
    // An object still open after this many bytes means the stream is not what we expect.
    static constexpr qsizetype kMaxObjectBytes = 1024 * 1024;

    explicit EngineStreamParser(QString step = {});

    // Consumes the next piece; returns the progress events of the objects it completed.
    // After a malformed piece the parser stops reading and reports it in errorMessage().
    QList<ProgressEvent> feed(QByteArrayView chunk);
    // The stream ended: anything but whitespace left over is a truncated object.
    void finish();

    // The engine's own failure text (errorDetail.message, else error), or a description
    // of a malformed stream; empty while everything is fine.
    QString errorMessage() const { return m_error; }
    bool hasError() const { return !m_error.isEmpty(); }
    bool isMalformed() const { return m_malformed; }
    int objectCount() const { return m_objectCount; }
    // The push's aux {Tag, Digest, Size}; else Podman's "tag: digest: D size: N" status.
    std::optional<PushResult> pushResult() const;

private:
    void handleObject(const QJsonObject& object, QList<ProgressEvent>& events);
    void setMalformed(const QString& why);

    QString m_step;
    QByteArray m_buffer;     // bytes of the object being read (and what follows it)
    qsizetype m_scanned = 0; // how far m_buffer was scanned
    int m_depth = 0;
    bool m_inString = false;
    bool m_escaped = false;
    bool m_malformed = false;
    int m_objectCount = 0;
    QString m_error;
    std::optional<PushResult> m_aux;
    std::optional<PushResult> m_statusDigest;
};

} // namespace berth
