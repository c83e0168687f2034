#pragma once

// Reading `berthctl board --json` in a test.

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace berth::test {

// The board's cell for `environment` in the row of `repository` (host/path); empty when the
// row or the cell is absent.
inline QJsonObject boardCell(const QJsonObject& board, const QString& repository,
                             const QString& environment) {
    for (const QJsonValue& row : board.value(QStringLiteral("rows")).toArray()) {
        if (row[QStringLiteral("repository")].toString() != repository)
            continue;
        for (const QJsonValue& found : row[QStringLiteral("cells")].toArray()) {
            if (found[QStringLiteral("environment")].toString() == environment)
                return found.toObject();
        }
    }
    return {};
}

} // namespace berth::test
