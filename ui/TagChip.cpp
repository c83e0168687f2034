#include "TagChip.h"

#include "Readability.h"

#include <QFontMetrics>
#include <QPainter>
#include <QPainterPath>

using namespace Qt::StringLiterals;

namespace berth::ui {

namespace {

constexpr int kPadding = 6;
// How strongly an unfilled chip is tinted with its kind's colour.
constexpr qreal kTintAlpha = 38 / 255.0;

// Hues chosen so environments read as traffic lights: production red, staging amber,
// everything earlier in the pipeline violet.
int environmentHue(const QString& name) {
    if (name == u"production"_s || name == u"prod"_s)
        return 352;
    if (name == u"staging"_s || name == u"canary"_s)
        return 32;
    return 270;
}

} // namespace

bool TagChip::isDark(const QPalette& palette) {
    return palette.color(QPalette::Base).lightness() < 128;
}

QString TagChip::shortTime(const QDateTime& time) {
    if (!time.isValid())
        return u"–"_s;
    const QDateTime local = time.toLocalTime();
    const QDate today = QDate::currentDate();
    if (local.date() == today)
        return u"today "_s + local.toString(u"HH:mm"_s);
    if (local.date().year() == today.year())
        return local.toString(u"d MMM HH:mm"_s);
    return local.toString(u"yyyy-MM-dd"_s);
}

QColor TagChip::colourOf(const ClassifiedTag& tag, const QPalette& palette) {
    const QColor base = palette.color(QPalette::Base);
    // A starting tone per kind; readable() then darkens or lightens it as far as the
    // base needs (amber and green on white, red and violet on black need it most).
    const auto tone = [&base, dark = isDark(palette)](int hue, int saturation) {
        return readability::readable(QColor::fromHsl(hue, saturation, dark ? 150 : 95), base);
    };
    switch (tag.kind) {
    case TagKind::Environment:
        return tone(environmentHue(tag.name), 190);
    case TagKind::Latest:
    case TagKind::FloatingSemver:
        return tone(212, 170);
    case TagKind::ExactSemver:
        return tone(140, 120);
    case TagKind::GitSha:
    case TagKind::BranchSha:
        // Commit tags are plumbing: the placeholder grey (often translucent), made opaque
        // and just dark or light enough to read where it names the tag in text.
        return readability::readable(
            readability::over(palette.color(QPalette::PlaceholderText), 1, base), base);
    case TagKind::Other:
        return tone(40, 200);
    }
    return palette.color(QPalette::Text);
}

TagChip::Colours TagChip::colours(const ClassifiedTag& tag, const QPalette& palette, Style style) {
    const QColor colour = colourOf(tag, palette);
    const QColor base = palette.color(QPalette::Base);
    if (tag.kind == TagKind::Environment && style == Style::Normal)
        return {colour, colour, readability::textOn(colour)};
    const qreal tint = style == Style::PastPosition ? 0 : kTintAlpha;
    const bool commit = tag.kind == TagKind::GitSha || tag.kind == TagKind::BranchSha;
    const QColor fill = readability::over(colour, tint, base);
    // Checked against the fill, not the base: the tint eats into the contrast.
    const QColor text =
        readability::readable(commit ? palette.color(QPalette::Text) : colour, fill);
    return {fill, colour, text};
}

QFont TagChip::fontFor(const ClassifiedTag& tag, const QFont& base) {
    QFont font = base;
    font.setPointSizeF(base.pointSizeF() > 0 ? base.pointSizeF() * 0.92 : 9);
    if (tag.kind == TagKind::Environment || tag.kind == TagKind::Latest)
        font.setBold(true);
    if (tag.kind == TagKind::GitSha || tag.kind == TagKind::BranchSha)
        font.setFamily(u"monospace"_s);
    return font;
}

QString TagChip::textOf(const ClassifiedTag& tag, Style style) {
    if (style == Style::PastPosition)
        return u"was "_s + tag.name;
    if (tag.kind == TagKind::Other)
        return u"⚠ "_s + tag.name;
    return tag.name;
}

QString TagChip::kindDescription(TagKind kind) {
    switch (kind) {
    case TagKind::ExactSemver:
        return u"exact version (immutable)"_s;
    case TagKind::FloatingSemver:
        return u"floating version (moves to the newest patch)"_s;
    case TagKind::GitSha:
        return u"git commit (immutable)"_s;
    case TagKind::BranchSha:
        return u"branch and commit (immutable)"_s;
    case TagKind::Environment:
        return u"environment (moves on promote and rollback)"_s;
    case TagKind::Latest:
        return u"latest (moves)"_s;
    case TagKind::Other:
        return u"inconsistent: fits no naming scheme"_s;
    }
    return {};
}

int TagChip::width(const ClassifiedTag& tag, const QFont& base, Style style) {
    return QFontMetrics(fontFor(tag, base)).horizontalAdvance(textOf(tag, style)) + 2 * kPadding;
}

int TagChip::height(const QFont& base) {
    return QFontMetrics(base).height() + 4;
}

int TagChip::paint(QPainter* painter, const QPoint& topLeft, const ClassifiedTag& tag,
                   const QPalette& palette, const QFont& base, Style style) {
    const QFont font = fontFor(tag, base);
    const QString text = textOf(tag, style);
    const int chipWidth = width(tag, base, style);
    const QRectF rect(QPointF(topLeft) + QPointF(0.5, 0.5),
                      QSizeF(chipWidth - 1, height(base) - 1));
    const Colours colour = colours(tag, palette, style);
    const bool moving = isMutableKind(tag.kind);
    const qreal radius = moving ? rect.height() / 2 : 2;

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, true);
    QPainterPath path;
    path.addRoundedRect(rect, radius, radius);
    painter->fillPath(path, colour.fill);
    if (tag.kind != TagKind::Environment || style != Style::Normal) {
        QPen pen(colour.outline, tag.kind == TagKind::Environment ? 1.5 : 1.0);
        if (tag.kind == TagKind::Other || style == Style::PastPosition)
            pen.setStyle(Qt::DashLine);
        painter->setPen(pen);
        painter->drawPath(path);
    }
    painter->setFont(font);
    painter->setPen(colour.text);
    painter->drawText(rect, Qt::AlignCenter, text);
    painter->restore();
    return chipWidth;
}

} // namespace berth::ui
