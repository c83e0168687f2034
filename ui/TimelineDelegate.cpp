#include "TimelineDelegate.h"

#include "Readability.h"
#include "TagChip.h"
#include "TagMovesView.h"
#include "VerdictText.h"

#include "timeline/EnvironmentLane.h"
#include "timeline/TagHealthModel.h"
#include "timeline/TimelineModel.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QHelpEvent>
#include <QLocale>
#include <QPainter>
#include <QToolTip>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace berth::ui {

namespace {

constexpr int kMargin = 10;
constexpr int kGutter = 5; // the lane bar on the left edge
constexpr int kSpacing = 6;
constexpr int kBadgePadding = 4;
constexpr int kPastMarkersShown = 2;
constexpr int kUntilGap = 2; // between a past position's chip and its "until …"
const QString kEllipsis = u"…"_s;
// Below this a summary says nothing; above the maximum it would push the facts too far.
constexpr int kMinimumSummaryWidth = 60;
constexpr int kMaximumSummaryWidth = 460;
// The selected row is tinted, not filled: a full highlight would drown the chips' colours.
// A badge's word for an accessory kind (Accessory.h's names).
QString accessoryBadgeText(const QString& kind) {
    if (kind == u"signature"_s)
        return u"signed"_s;
    if (kind == u"attestation"_s)
        return u"attested"_s;
    if (kind == u"sbom"_s)
        return u"SBOM"_s;
    return u"referrers"_s;
}

// The signature badge once verified: "verified", "bad signature", "signed, unverified".
QString signatureBadgeText(const QString& verdict) {
    if (verdict == u"verified"_s)
        return u"✓ verified"_s;
    if (verdict == u"invalid"_s)
        return u"✗ bad signature"_s;
    return u"signed, unverified"_s;
}

constexpr qreal kSelectionTint = 48 / 255.0;

// Where a row's chips start: under the first line, right of the lane bar.
QPoint secondLineTopLeft(const QRect& row, const QFontMetrics& metrics) {
    return {row.left() + kGutter + kMargin, row.top() + kMargin + metrics.height() + 2};
}

QFont monospace(const QFont& base) {
    QFont font = base;
    font.setFamily(u"monospace"_s);
    font.setStyleHint(QFont::Monospace);
    return font;
}

QString verdictNote(const QList<Verdict>& verdicts) {
    // Bad ones come first; the note names the environments of the first kind only.
    const VerdictKind kind = verdicts.first().verdict;
    QStringList environments;
    for (const Verdict& verdict : verdicts) {
        if (verdict.verdict == kind)
            environments.append(verdict.environment);
    }
    return u"%1 %2 for %3"_s.arg(verdictMark(kind), verdictKindName(kind),
                                 environments.join(u", "_s));
}

const QColor kBadHue(200, 30, 30);
const QColor kGoodHue(30, 140, 60);

// `hue` made readable on `background`, else the fallback text colour.
QColor readableHue(const QColor& hue, const QColor& background, const QColor& fallback) {
    const QColor colour = readability::readable(hue, background);
    return readability::contrast(colour, background) < readability::kTextContrast ? fallback
                                                                                  : colour;
}

QColor verdictColour(VerdictKind kind, const QColor& background, const QColor& fallback) {
    return readableHue(kind == VerdictKind::Bad ? kBadHue : kGoodHue, background, fallback);
}

QString platformsText(const QStringList& platforms) {
    if (platforms.isEmpty())
        return {};
    if (platforms.size() == 1)
        return platforms.first();
    return u"%1 platforms"_s.arg(platforms.size());
}

} // namespace

TimelineDelegate::TimelineDelegate(QObject* parent)
    : QStyledItemDelegate(parent) {
}

TimelineDelegate::RowColours TimelineDelegate::rowColours(const QPalette& palette, bool selected) {
    using namespace readability;
    const QColor base = palette.color(QPalette::Base);
    RowColours colours;
    colours.background =
        selected ? over(palette.color(QPalette::Highlight), kSelectionTint, base) : base;
    colours.text = readable(palette.color(QPalette::Text), colours.background);
    // Secondary facts are the text faded towards the background, never below AA.
    colours.muted = over(colours.text, 0.65, colours.background);
    if (contrast(colours.muted, colours.background) < kTextContrast)
        colours.muted = colours.text;
    // Themes pick their link colour for their base; a dark theme that kept the default
    // blue would make the note unreadable, so it falls back to the text colour.
    colours.note = palette.color(QPalette::Link);
    colours.note.setAlpha(255);
    if (contrast(colours.note, colours.background) < kTextContrast)
        colours.note = colours.text;
    return colours;
}

QString TimelineDelegate::alarmText(const QModelIndex& index) const {
    if (!m_health)
        return {};
    QStringList parts;
    for (const TagAlarm& alarm :
         m_health->health().alarmsOn(index.data(TimelineModel::DigestRole).toString()))
        parts.append(u"⚠ %1 %2"_s.arg(alarm.tag, alarm.carriesNow ? u"moved"_s : u"moved off"_s));
    return parts.join(u"  "_s);
}

QStringList TimelineDelegate::alarmLines(const QModelIndex& index) const {
    QStringList lines;
    if (!m_health)
        return lines;
    for (const TagAlarm& alarm :
         m_health->health().alarmsOn(index.data(TimelineModel::DigestRole).toString())) {
        lines.append(u"⚠ %1 is immutable (tags.immutable) but moved %2 this build:"_s.arg(
            alarm.tag, alarm.carriesNow ? u"onto"_s : u"off"_s));
        for (const TagLintMove& move : alarm.moves)
            lines.append(u"    %1: %2 → %3, seen by %4, %5"_s.arg(
                TagMovesView::whenText(move), shortDigestOf(move.fromDigest),
                shortDigestOf(move.toDigest),
                move.observedBy.isEmpty() ? u"this read"_s : move.observedBy,
                TagMovesView::madeByText(move)));
    }
    return lines;
}

QString TimelineDelegate::chipToolTip(const ClassifiedTag& tag) const {
    QString text = u"%1: %2"_s.arg(tag.name, TagChip::kindDescription(tag.kind));
    if (const TagRule* rule = m_health ? m_health->health().ruleOf(tag.name) : nullptr)
        text += u"\nBreaks the tag policy's %1: %2"_s.arg(rule->setting, rule->rule);
    return text;
}

int TimelineDelegate::rowHeight(const QFont& font) {
    return QFontMetrics(font).height() + TagChip::height(font) + 2 * kMargin;
}

QSize TimelineDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const {
    return {400, rowHeight(option.font)};
}

void TimelineDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                             const QModelIndex& index) const {
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    background.text.clear();
    const bool selected = option.state & QStyle::State_Selected;
    // The style's selection fill would drown the chips' colours: a tint and an outline
    // in the highlight colour keep every chip readable on the selected row.
    background.state &= ~QStyle::State_Selected;
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &background, painter, widget);
    const QPalette palette = option.palette;
    const RowColours colours = rowColours(palette, selected);
    if (selected) {
        painter->fillRect(option.rect, colours.background);
        painter->save();
        painter->setPen(QPen(palette.color(QPalette::Highlight), 2));
        painter->drawRect(option.rect.adjusted(1, 1, -1, -1));
        painter->restore();
    }
    const QColor text = colours.text;
    const QColor muted = colours.muted;
    const QRect rect = option.rect;
    const QFontMetrics metrics(option.font);

    const auto markers = index.data(TimelineModel::LaneMarkersRole).value<QList<LaneMarker>>();

    painter->save();
    // Lane bar: the colour of the last environment in the pipeline running this build
    // (production over staging over dev).
    for (auto marker = markers.crbegin(); marker != markers.crend(); ++marker) {
        if (!marker->current)
            continue;
        const ClassifiedTag lane{marker->tag, TagKind::Environment};
        painter->fillRect(QRect(rect.left(), rect.top(), kGutter, rect.height()),
                          TagChip::colourOf(lane, palette));
        break;
    }
    painter->setPen(QPen(palette.color(QPalette::Mid), 0));
    painter->drawLine(rect.bottomLeft(), rect.bottomRight());

    // First line: created, digest, revision, platforms, size.
    int x = rect.left() + kGutter + kMargin;
    const int right = rect.right() - kMargin;
    const int baseline = rect.top() + kMargin + metrics.ascent();
    const QDateTime created = index.data(TimelineModel::CreatedRole).toDateTime();
    QFont bold = option.font;
    bold.setBold(true);
    painter->setFont(bold);
    painter->setPen(text);
    const QString when = created.isValid() ? created.toLocalTime().toString(u"yyyy-MM-dd HH:mm"_s)
                                           : u"created: unknown"_s;
    painter->drawText(x, baseline, when);
    x += QFontMetrics(bold).horizontalAdvance(when) + 2 * kSpacing;

    const QFont mono = monospace(option.font);
    const QFontMetrics monoMetrics(mono);
    painter->setFont(mono);
    painter->setPen(muted);
    const QString digest = index.data(TimelineModel::ShortDigestRole).toString();
    painter->drawText(x, baseline, digest);
    x += monoMetrics.horizontalAdvance(digest) + 2 * kSpacing;

    const QString revision = index.data(TimelineModel::RevisionRole).toString().left(12);
    if (!revision.isEmpty()) {
        painter->setPen(text);
        const QString shown = u"⎇ "_s + revision;
        painter->drawText(x, baseline, shown);
        x += monoMetrics.horizontalAdvance(shown) + kSpacing;
    }
    painter->setFont(option.font);

    // What is attached to the build (signatures, attestations, SBOMs): small outlined
    // badges, so a signed build is told from an unsigned one at a glance.
    // The signature badge says what the check found once it answered.
    const QStringList accessories = index.data(TimelineModel::AccessoriesRole).toStringList();
    const QString signatureVerdict = index.data(TimelineModel::SignatureVerdictRole).toString();
    for (const QString& kind : accessories) {
        QString label = accessoryBadgeText(kind);
        QColor badgeColour = muted;
        if (kind == u"signature"_s && !signatureVerdict.isEmpty()) {
            label = signatureBadgeText(signatureVerdict);
            if (signatureVerdict == u"verified"_s)
                badgeColour = readableHue(kGoodHue, colours.background, colours.text);
            else if (signatureVerdict == u"invalid"_s)
                badgeColour = readableHue(kBadHue, colours.background, colours.text);
        }
        const int width = metrics.horizontalAdvance(label) + 2 * kBadgePadding;
        const QRect badge(x, baseline - metrics.ascent() - 1, width, metrics.height() + 2);
        painter->setPen(QPen(badgeColour, 1));
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(badge, 3, 3);
        painter->drawText(badge, Qt::AlignCenter, label);
        x += width + kSpacing;
    }
    if (!accessories.isEmpty())
        x += kSpacing;

    // Right end of the first line: verdicts, links and problems. A verdict outranks the
    // rest: "bad for production" is what decides whether this build may ship.
    QString note;
    QColor noteColour = colours.note;
    if (!index.data(TimelineModel::ProblemRole).toString().isEmpty())
        note = u"⚠ incomplete"_s;
    const QStringList shares = index.data(TimelineModel::SharesConfigWithRole).toStringList();
    if (!shares.isEmpty())
        note = u"⇄ same config as %1"_s.arg(shortDigestOf(shares.first()).left(8)) +
               (shares.size() > 1 ? u" +%1"_s.arg(shares.size() - 1) : QString());
    const auto verdicts = index.data(TimelineModel::VerdictsRole).value<QList<Verdict>>();
    if (!verdicts.isEmpty()) {
        note = verdictNote(verdicts);
        noteColour = verdictColour(verdicts.first().verdict, colours.background, colours.text);
    }
    // A moved release tag outranks every note: what was shipped under it is in doubt.
    const QString alarm = alarmText(index);
    QFont alarmFont = option.font;
    alarmFont.setBold(true);
    const int alarmWidth = alarm.isEmpty() ? 0 : QFontMetrics(alarmFont).horizontalAdvance(alarm);
    const int noteRoom = (note.isEmpty() ? 0 : metrics.horizontalAdvance(note) + 2 * kSpacing) +
                         (alarm.isEmpty() ? 0 : alarmWidth + 2 * kSpacing);

    QStringList facts;
    if (const QString platforms =
            platformsText(index.data(TimelineModel::PlatformsRole).toStringList());
        !platforms.isEmpty())
        facts.append(platforms);
    if (const qint64 size = index.data(TimelineModel::SizeRole).toLongLong(); size > 0)
        facts.append(QLocale().formattedDataSize(size));
    const QString factsText = facts.join(u" · "_s);

    // The commit's summary right after the revision it names, elided to the room the
    // facts and the note leave; a revision the clone cannot resolve says so, briefly.
    QString commit = index.data(TimelineModel::CommitSummaryRole).toString();
    const bool unresolved =
        commit.isEmpty() && !index.data(TimelineModel::CommitProblemRole).toString().isEmpty();
    if (unresolved)
        commit = u"commit not found in the clone"_s;
    const int room = right - x - noteRoom - metrics.horizontalAdvance(factsText) - 2 * kSpacing;
    if (!commit.isEmpty() && room > kMinimumSummaryWidth) {
        const QString elided =
            metrics.elidedText(commit, Qt::ElideRight, std::min(room, kMaximumSummaryWidth));
        QFont summaryFont = option.font;
        summaryFont.setItalic(unresolved);
        painter->setFont(summaryFont);
        painter->setPen(unresolved ? muted : text);
        painter->drawText(x, baseline, elided);
        x += QFontMetrics(summaryFont).horizontalAdvance(elided) + 2 * kSpacing;
        painter->setFont(option.font);
    } else {
        x += kSpacing;
    }
    painter->setPen(muted);
    if (!factsText.isEmpty())
        painter->drawText(x, baseline, factsText);

    if (!note.isEmpty()) {
        const int noteWidth = metrics.horizontalAdvance(note);
        // Covers whatever ran under the note, in the row's own background.
        painter->fillRect(QRect(right - noteWidth - kSpacing, rect.top() + 1, noteWidth + kSpacing,
                                metrics.height() + kMargin),
                          colours.background);
        painter->setPen(noteColour);
        painter->drawText(right - noteWidth, baseline, note);
    }
    if (!alarm.isEmpty()) {
        const int alarmRight =
            right - (note.isEmpty() ? 0 : metrics.horizontalAdvance(note) + 2 * kSpacing);
        painter->fillRect(QRect(alarmRight - alarmWidth - kSpacing, rect.top() + 1,
                                alarmWidth + kSpacing, metrics.height() + kMargin),
                          colours.background);
        painter->setFont(alarmFont);
        painter->setPen(readableHue(kBadHue, colours.background, colours.text));
        painter->drawText(alarmRight - alarmWidth, baseline, alarm);
        painter->setFont(option.font);
    }

    // Second line: tags, then where environments were before.
    painter->setClipRect(rect.adjusted(0, 0, -kMargin, 0));
    const int textBaseline = secondLineTopLeft(rect, metrics).y() + metrics.ascent() + 2;
    const ChipLine line = chipLineOf(index, rect, option.font);
    painter->setFont(option.font);
    for (const PlacedChip& placed : line.chips) {
        TagChip::paint(painter, placed.rect.topLeft(), placed.tag, palette, option.font,
                       placed.pastPosition ? TagChip::Style::PastPosition : TagChip::Style::Normal);
        if (!placed.until.isEmpty()) {
            painter->setPen(muted);
            painter->drawText(placed.untilRect.x(), textBaseline, placed.until);
        }
    }
    if (line.ellipsisX >= 0) {
        painter->setPen(muted);
        painter->drawText(line.ellipsisX, textBaseline, kEllipsis);
    }
    painter->restore();
}

TimelineDelegate::ChipLine TimelineDelegate::chipLine(const QList<ClassifiedTag>& tags,
                                                      const QList<LaneMarker>& markers,
                                                      const QFont& font, const QPoint& topLeft,
                                                      int right) {
    // Everything the line would hold, in order; then as much of it as fits.
    QList<PlacedChip> wanted;
    for (const ClassifiedTag& tag : tags)
        wanted.append(PlacedChip{tag, false, {}, {}, {}});
    for (const LaneMarker& marker : markers) {
        // Only the recent past: the full history is in the lanes strip and the tooltip.
        if (marker.current || marker.age > kPastMarkersShown)
            continue;
        QString until =
            marker.until.isValid() ? u"until "_s + TagChip::shortTime(marker.until) : QString();
        if (marker.verdict)
            until += (until.isEmpty() ? QString() : u" "_s) + verdictMark(*marker.verdict);
        wanted.append(PlacedChip{{marker.tag, TagKind::Environment}, true, until, {}, {}});
    }

    const QFontMetrics metrics(font);
    const int chipHeight = TagChip::height(font);
    const int ellipsisRoom = metrics.horizontalAdvance(kEllipsis) + kSpacing;
    ChipLine line;
    int x = topLeft.x();
    for (qsizetype i = 0; i < wanted.size(); ++i) {
        PlacedChip& chip = wanted[i];
        const int width = TagChip::width(chip.tag, font,
                                         chip.pastPosition ? TagChip::Style::PastPosition
                                                           : TagChip::Style::Normal);
        const int untilWidth =
            chip.until.isEmpty() ? 0 : kUntilGap + metrics.horizontalAdvance(chip.until);
        // A chip with more after it leaves room for the "…" that may have to follow it.
        const int reserve = i + 1 < wanted.size() ? ellipsisRoom : 0;
        if (x + width + untilWidth + reserve > right) {
            line.ellipsisX = x;
            break;
        }
        chip.rect = QRect(x, topLeft.y(), width, chipHeight);
        if (untilWidth > 0)
            chip.untilRect =
                QRect(x + width + kUntilGap, topLeft.y(), untilWidth - kUntilGap, chipHeight);
        line.chips.append(std::move(chip));
        x += width + untilWidth + kSpacing;
    }
    return line;
}

TimelineDelegate::ChipLine TimelineDelegate::chipLineOf(const QModelIndex& index, const QRect& rect,
                                                        const QFont& font) {
    return chipLine(index.data(TimelineModel::TagsRole).value<QList<ClassifiedTag>>(),
                    index.data(TimelineModel::LaneMarkersRole).value<QList<LaneMarker>>(), font,
                    secondLineTopLeft(rect, QFontMetrics(font)), rect.right() - kMargin);
}

bool TimelineDelegate::helpEvent(QHelpEvent* event, QAbstractItemView* view,
                                 const QStyleOptionViewItem& option, const QModelIndex& index) {
    if (!event || !view || event->type() != QEvent::ToolTip || !index.isValid())
        return QStyledItemDelegate::helpEvent(event, view, option, index);
    // The chip under the pointer explains its kind (and the rule its tag breaks);
    // elsewhere the row's reference.
    const auto markers = index.data(TimelineModel::LaneMarkersRole).value<QList<LaneMarker>>();
    const ChipLine line = chipLineOf(index, option.rect, option.font);
    for (const PlacedChip& placed : line.chips) {
        if (!placed.pastPosition && placed.rect.contains(event->pos())) {
            QToolTip::showText(event->globalPos(), chipToolTip(placed.tag), view);
            return true;
        }
    }
    QStringList lines{index.data(TimelineModel::ReferenceRole).toString()};
    lines.append(alarmLines(index));
    if (const QString summary = index.data(TimelineModel::CommitSummaryRole).toString();
        !summary.isEmpty())
        lines.append(
            u"%1 %2"_s.arg(index.data(TimelineModel::CommitIdRole).toString().left(7), summary));
    else if (const QString problem = index.data(TimelineModel::CommitProblemRole).toString();
             !problem.isEmpty())
        lines.append(problem);
    for (const LaneMarker& marker : markers) {
        if (marker.current)
            lines.append(u"%1 runs this build now"_s.arg(marker.tag));
        else if (marker.until.isValid())
            lines.append(u"%1 ran this build until %2"_s.arg(
                marker.tag, marker.until.toLocalTime().toString(u"yyyy-MM-dd HH:mm"_s)));
        else
            lines.append(u"%1 ran this build before"_s.arg(marker.tag));
    }
    for (const Verdict& verdict : index.data(TimelineModel::VerdictsRole).value<QList<Verdict>>())
        lines.append(describeVerdict(verdict));
    for (const QString& other : index.data(TimelineModel::SharesConfigWithRole).toStringList())
        lines.append(u"Same image config as %1 (re-encoded manifest)"_s.arg(other));
    if (const QString problem = index.data(TimelineModel::ProblemRole).toString();
        !problem.isEmpty())
        lines.append(problem);
    QToolTip::showText(event->globalPos(), lines.join(u'\n'), view);
    return true;
}

} // namespace berth::ui
