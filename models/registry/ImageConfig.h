#pragma once

// The parts of an image config blob a release dashboard shows.

#include "core/Result.h"

#include <QDateTime>
#include <QMap>
#include <QString>

namespace berth {

struct ImageConfig {
    QDateTime created; // UTC; invalid when the image does not say
    QMap<QString, QString> labels;
    QString os;
    QString architecture;
    QString variant;

    static Result<ImageConfig> parse(const QByteArray& bytes);
};

} // namespace berth
