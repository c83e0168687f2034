#include "engine/EngineStreamParser.h"

#include <QJsonDocument>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace berth {

namespace {

bool isJsonWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// A progress figure past what qint64 holds is nonsense, and converting it would be undefined
// behaviour (found by fuzzing): it reads as "the engine did not say".
qint64 toInt64(const QJsonValue& value) {
    const double number = value.toDouble();
    if (!value.isDouble() || !(number >= -0x1p63 && number < 0x1p63))
        return 0;
    return static_cast<qint64>(number);
}

} // namespace

EngineStreamParser::EngineStreamParser(QString step)
    : m_step(std::move(step)) {
}

QList<ProgressEvent> EngineStreamParser::feed(QByteArrayView chunk) {
    QList<ProgressEvent> events;
    if (m_malformed)
        return events;
    m_buffer.append(chunk.data(), chunk.size());

    // Brace counting outside strings finds where each object ends without trusting
    // newlines: the transport may split anywhere, even inside an escape sequence.
    qsizetype start = 0;
    for (qsizetype i = m_scanned; i < m_buffer.size(); ++i) {
        const char c = m_buffer.at(i);
        if (m_inString) {
            if (m_escaped)
                m_escaped = false;
            else if (c == '\\')
                m_escaped = true;
            else if (c == '"')
                m_inString = false;
            continue;
        }
        if (m_depth == 0) {
            if (isJsonWhitespace(c)) {
                start = i + 1;
                continue;
            }
            if (c != '{') {
                setMalformed(u"the engine sent something other than a JSON object"_s);
                return events;
            }
        }
        if (c == '"') {
            m_inString = true;
        } else if (c == '{' || c == '[') {
            ++m_depth;
        } else if (c == '}' || c == ']') {
            if (--m_depth < 0) {
                setMalformed(u"the engine sent unbalanced JSON"_s);
                return events;
            }
            if (m_depth == 0) {
                QJsonParseError parseError;
                const QJsonDocument document =
                    QJsonDocument::fromJson(m_buffer.mid(start, i + 1 - start), &parseError);
                if (!document.isObject()) {
                    setMalformed(
                        u"the engine sent invalid JSON (%1)"_s.arg(parseError.errorString()));
                    return events;
                }
                ++m_objectCount;
                handleObject(document.object(), events);
                start = i + 1;
            }
        }
    }
    m_buffer.remove(0, start);
    m_scanned = m_buffer.size();
    if (m_buffer.size() > kMaxObjectBytes)
        setMalformed(u"the engine sent a stream object larger than 1 MiB"_s);
    return events;
}

void EngineStreamParser::finish() {
    if (m_malformed)
        return;
    for (const char c : std::as_const(m_buffer)) {
        if (!isJsonWhitespace(c)) {
            setMalformed(u"the engine's answer ended in the middle of a JSON object"_s);
            return;
        }
    }
}

std::optional<PushResult> EngineStreamParser::pushResult() const {
    return m_aux ? m_aux : m_statusDigest;
}

void EngineStreamParser::handleObject(const QJsonObject& object, QList<ProgressEvent>& events) {
    // The first failure is the one to show; a later one is usually its echo.
    if (m_error.isEmpty()) {
        const QString detail =
            object.value(u"errorDetail"_s).toObject().value(u"message"_s).toString();
        const QString error = detail.isEmpty() ? object.value(u"error"_s).toString() : detail;
        if (!error.isEmpty())
            m_error = error;
        else if (object.contains(u"errorDetail"_s) || object.contains(u"error"_s))
            m_error = u"the engine reported an error without a message"_s;
    }

    const QJsonObject aux = object.value(u"aux"_s).toObject();
    if (aux.contains(u"Digest"_s)) {
        m_aux = PushResult{aux.value(u"Tag"_s).toString(), aux.value(u"Digest"_s).toString(),
                           toInt64(aux.value(u"Size"_s))};
    }

    const QString status = object.value(u"status"_s).toString();
    if (status.isEmpty())
        return;
    static const QRegularExpression digestLine(
        uR"(^(\S+): digest: (sha(?:256|512):[0-9a-f]+) size: (\d+)$)"_s);
    if (const auto match = digestLine.match(status); match.hasMatch())
        m_statusDigest =
            PushResult{match.captured(1), match.captured(2), match.captured(3).toLongLong()};

    const QJsonObject detail = object.value(u"progressDetail"_s).toObject();
    events.append(ProgressEvent{m_step, object.value(u"id"_s).toString(), status,
                                toInt64(detail.value(u"current"_s)),
                                toInt64(detail.value(u"total"_s))});
}

void EngineStreamParser::setMalformed(const QString& why) {
    m_malformed = true;
    if (m_error.isEmpty())
        m_error = why;
    m_buffer.clear();
}

} // namespace berth
