#pragma once

// One commit as the dashboard shows it: plain values, safe across threads.

#include <QDateTime>
#include <QString>

namespace berth {

struct CommitInfo {
    QString id;      // full 40-hex id
    QString shortId; // first 7 characters
    QString summary; // first paragraph of the message, on one line
    QString message; // the whole message
    QString authorName;
    QString authorEmail;
    QDateTime time; // author time, in the author's own UTC offset

    bool operator==(const CommitInfo&) const = default;
};

} // namespace berth
