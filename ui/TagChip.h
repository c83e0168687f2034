#pragma once

// How a tag looks wherever Berth shows one: colour and shape say its kind. Moving tags
// (environments, latest, floating versions) are pills; immutable ones are square;
// environments are filled and bold so they cannot be missed; inconsistent "other"
// tags get a dashed warning outline. Colours start from a hue per kind and are made
// just dark or light enough for the palette's base that every chip's text reaches
// WCAG AA contrast (4.5:1) in light and dark themes alike.

#include "registry/TagClassifier.h"

#include <QColor>
#include <QDateTime>
#include <QFont>
#include <QPalette>
#include <QRect>

class QPainter;

namespace berth::ui {

class TagChip {
public:
    enum class Style {
        Normal,
        PastPosition, // an environment's earlier position: outlined, not filled
    };

    // What a chip is painted with. The fill is opaque, so the text's contrast does not
    // depend on the row under the chip (selected or not).
    struct Colours {
        QColor fill;
        QColor outline;
        QColor text;
    };

    // The kind's colour, readable as text on the palette's base (details, commit log).
    static QColor colourOf(const ClassifiedTag& tag, const QPalette& palette);
    static Colours colours(const ClassifiedTag& tag, const QPalette& palette,
                           Style style = Style::Normal);
    static QFont fontFor(const ClassifiedTag& tag, const QFont& base);
    static QString textOf(const ClassifiedTag& tag, Style style = Style::Normal);
    static QString kindDescription(TagKind kind);
    static int width(const ClassifiedTag& tag, const QFont& base, Style style = Style::Normal);
    static int height(const QFont& base);
    // Paints the chip at `topLeft`; returns its width.
    static int paint(QPainter* painter, const QPoint& topLeft, const ClassifiedTag& tag,
                     const QPalette& palette, const QFont& base, Style style = Style::Normal);

    static bool isDark(const QPalette& palette);
    // "today 14:02", "3 Mar 14:02", "2025-03-03": as short as still unambiguous.
    static QString shortTime(const QDateTime& time);
};

} // namespace berth::ui
