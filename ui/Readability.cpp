#include "Readability.h"

#include <QtMath>

#include <algorithm>

namespace berth::ui::readability {

namespace {

qreal linear(qreal channel) {
    return channel <= 0.03928 ? channel / 12.92 : qPow((channel + 0.055) / 1.055, 2.4);
}

} // namespace

qreal luminance(const QColor& colour) {
    const QColor rgb = colour.toRgb();
    return 0.2126 * linear(rgb.redF()) + 0.7152 * linear(rgb.greenF()) +
           0.0722 * linear(rgb.blueF());
}

qreal contrast(const QColor& a, const QColor& b) {
    // Values, not std::minmax: it returns references, which would outlive the temporaries.
    const qreal first = luminance(a);
    const qreal second = luminance(b);
    return (std::max(first, second) + 0.05) / (std::min(first, second) + 0.05);
}

QColor over(const QColor& top, qreal alpha, const QColor& bottom) {
    const qreal a = std::clamp(alpha * top.alphaF(), 0.0, 1.0);
    const QColor t = top.toRgb();
    const QColor b = bottom.toRgb();
    return QColor::fromRgbF(float(t.redF() * a + b.redF() * (1 - a)),
                            float(t.greenF() * a + b.greenF() * (1 - a)),
                            float(t.blueF() * a + b.blueF() * (1 - a)));
}

QColor readable(const QColor& colour, const QColor& background, qreal minimum) {
    const auto reads = [&](const QColor& candidate) {
        return contrast(candidate, background) >= minimum;
    };
    QColor candidate = colour;
    candidate.setAlpha(255); // text is drawn opaque, whatever the palette's alpha said
    if (reads(candidate))
        return candidate;
    // Below about 0.18 white reads better than black: move away from the background.
    const int step = luminance(background) < 0.18 ? 4 : -4;
    const QColor hsl = candidate.toHsl();
    for (int lightness = hsl.lightness() + step; lightness >= 0 && lightness <= 255;
         lightness += step) {
        candidate = QColor::fromHsl(hsl.hslHue(), hsl.hslSaturation(), lightness);
        if (reads(candidate))
            return candidate;
    }
    // A mid-grey background that neither direction clears: the best there is.
    return textOn(background);
}

QColor textOn(const QColor& fill) {
    const QColor black(Qt::black);
    const QColor white(Qt::white);
    return contrast(black, fill) >= contrast(white, fill) ? black : white;
}

} // namespace berth::ui::readability
