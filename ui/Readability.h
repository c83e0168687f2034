#pragma once

// WCAG 2 contrast between two colours, and nudging a colour until text in it reads on a
// background. Chips and timeline rows choose their colours with it, so any palette,
// light or dark, keeps its text readable without a hand-tuned table per theme.

#include <QColor>

namespace berth::ui::readability {

// WCAG 2 level AA for ordinary text.
constexpr qreal kTextContrast = 4.5;

// Relative luminance, 0 (black) to 1 (white), of the colour's opaque part.
qreal luminance(const QColor& colour);
// (lighter + 0.05) / (darker + 0.05): 1 for equal colours, 21 for black on white.
qreal contrast(const QColor& a, const QColor& b);
// `top` painted over an opaque `bottom` with `alpha` (times top's own alpha).
QColor over(const QColor& top, qreal alpha, const QColor& bottom);
// `colour` as text on `background`: unchanged when it reads (at least `minimum`), else
// darkened on a light background or lightened on a dark one just enough. Keeps the hue,
// so a kind keeps its colour.
QColor readable(const QColor& colour, const QColor& background, qreal minimum = kTextContrast);
// Black or white, whichever reads better on `fill`: never below 4.58:1.
QColor textOn(const QColor& fill);

} // namespace berth::ui::readability
