#include "registry/AuthChallenge.h"

using namespace Qt::StringLiterals;

namespace berth {

namespace {

bool isTchar(QChar c) {
    if (c.unicode() >= 128)
        return false;
    const char ch = char(c.unicode());
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           QByteArrayView("!#$%&'*+-.^_`|~").contains(ch);
}

bool isToken68Char(QChar c) {
    if (c.unicode() >= 128)
        return false;
    const char ch = char(c.unicode());
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           QByteArrayView("-._~+/").contains(ch);
}

bool isSpace(QChar c) {
    return c == u' ' || c == u'\t';
}

// Qt and proxies may join several header lines with a line break instead of a comma,
// so line breaks separate list elements just like commas do.
bool isSeparator(QChar c) {
    return c == u',' || c == u'\r' || c == u'\n';
}

// Walks one header line; every read either consumes input or reports nothing read,
// so the loop in parseLine always terminates.
class Cursor {
public:
    explicit Cursor(QString text)
        : m_text(std::move(text)) {}

    bool atEnd() const { return m_pos >= m_text.size(); }
    QChar peek() const { return atEnd() ? QChar() : m_text.at(m_pos); }
    qsizetype position() const { return m_pos; }
    void rewind(qsizetype position) { m_pos = position; }

    void skipSpaces() {
        while (!atEnd() && isSpace(peek()))
            ++m_pos;
    }
    void skipSeparatorsAndSpaces() {
        while (!atEnd() && (isSpace(peek()) || isSeparator(peek())))
            ++m_pos;
    }
    bool atElementEnd() const { return atEnd() || isSeparator(peek()); }

    QString readWhile(bool (*accept)(QChar)) {
        const qsizetype start = m_pos;
        while (!atEnd() && accept(peek()))
            ++m_pos;
        return m_text.mid(start, m_pos - start);
    }

    // At an opening quote. Returns nullopt, having consumed the rest of the line, when
    // the closing quote is missing.
    std::optional<QString> readQuotedString() {
        ++m_pos;
        QString value;
        while (!atEnd()) {
            QChar c = m_text.at(m_pos++);
            if (c == u'"')
                return value;
            if (c == u'\\') {
                if (atEnd())
                    break;
                c = m_text.at(m_pos++);
            }
            value += c;
        }
        return std::nullopt;
    }

    // Unquoted values: the grammar says token, but registries have been seen sending
    // bare URLs, so anything up to the next space or separator is accepted.
    QString readBareValue() {
        return readWhile([](QChar c) { return !isSpace(c) && !isSeparator(c) && c != u'"'; });
    }

    // Drops the rest of a malformed list element, respecting quoted strings so an
    // embedded comma does not start a bogus element.
    void skipElement() {
        while (!atElementEnd()) {
            if (peek() == u'"')
                readQuotedString();
            else
                ++m_pos;
        }
    }

private:
    QString m_text;
    qsizetype m_pos = 0;
};

// After a token: is "BWS '=' " next? Leaves the cursor after the '=' when it is.
bool consumeEquals(Cursor& cursor) {
    const qsizetype start = cursor.position();
    cursor.skipSpaces();
    if (cursor.peek() == u'=') {
        cursor.rewind(cursor.position() + 1);
        return true;
    }
    cursor.rewind(start);
    return false;
}

// Reads a parameter value after '='. A value whose closing quote is missing is
// dropped: it is known to be truncated, and a truncated realm must not be used.
void readParamValue(Cursor& cursor, const QString& name, AuthChallenge& challenge) {
    cursor.skipSpaces();
    std::optional<QString> value;
    if (cursor.peek() == u'"')
        value = cursor.readQuotedString();
    else
        value = cursor.readBareValue();
    // Parameter names must not repeat (RFC 7235); the first occurrence wins.
    if (value && !challenge.params.contains(name))
        challenge.params.insert(name, *value);
    cursor.skipSpaces();
    cursor.skipElement();
}

// The first thing after a scheme is either a token68 or the first auth-param.
void readChallengeBody(Cursor& cursor, AuthChallenge& challenge) {
    cursor.skipSpaces();
    if (cursor.atElementEnd())
        return;
    const qsizetype start = cursor.position();
    const QString name = cursor.readWhile(isTchar);
    if (!name.isEmpty() && consumeEquals(cursor)) {
        const qsizetype afterEquals = cursor.position();
        cursor.skipSpaces();
        const QChar next = cursor.peek();
        cursor.rewind(afterEquals);
        // "abc==" or "abc=" at the end is a token68 with padding, not a parameter.
        if (next == u'"' || isTchar(next)) {
            readParamValue(cursor, name.toLower(), challenge);
            return;
        }
    }
    cursor.rewind(start);
    QString token68 = cursor.readWhile(isToken68Char);
    token68 += cursor.readWhile([](QChar c) { return c == u'='; });
    cursor.skipSpaces();
    if (!token68.isEmpty() && cursor.atElementEnd())
        challenge.token68 = token68;
    else
        cursor.skipElement();
}

void parseLine(const QString& line, QList<AuthChallenge>& challenges) {
    Cursor cursor(line);
    while (true) {
        cursor.skipSeparatorsAndSpaces();
        if (cursor.atEnd())
            return;
        const QString token = cursor.readWhile(isTchar);
        if (token.isEmpty()) {
            cursor.skipElement(); // starts with a character no scheme or name can have
            continue;
        }
        // "name=" can only be a parameter: a scheme is followed by a space, not '='.
        if (consumeEquals(cursor)) {
            if (!challenges.isEmpty())
                readParamValue(cursor, token.toLower(), challenges.last());
            else
                cursor.skipElement(); // a parameter without a challenge to belong to
            continue;
        }
        challenges.append(AuthChallenge{token.toLower(), {}, {}});
        readChallengeBody(cursor, challenges.last());
    }
}

} // namespace

QString AuthChallenge::param(const QString& name) const {
    return params.value(name.toLower());
}

QList<AuthChallenge> parseAuthChallenges(const QList<QByteArray>& headerValues) {
    QList<AuthChallenge> challenges;
    for (const QByteArray& value : headerValues) {
        // Each line gets its own parse so a malformed line cannot swallow the next.
        QList<AuthChallenge> fromLine;
        parseLine(QString::fromUtf8(value), fromLine);
        challenges += fromLine;
    }
    return challenges;
}

std::optional<AuthChallenge> preferredChallenge(const QList<AuthChallenge>& challenges) {
    // Bearer first: registries that offer both give finer-grained, expiring tokens.
    for (const QString& scheme : {u"bearer"_s, u"basic"_s}) {
        for (const AuthChallenge& challenge : challenges) {
            if (challenge.scheme == scheme)
                return challenge;
        }
    }
    return std::nullopt;
}

QStringList splitScopes(const QString& scope) {
    return scope.simplified().split(u' ', Qt::SkipEmptyParts);
}

} // namespace berth
