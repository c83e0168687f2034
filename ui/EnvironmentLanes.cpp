#include "EnvironmentLanes.h"

#include "FittingRow.h"
#include "TagChip.h"
#include "VerdictText.h"

#include "timeline/TimelineModel.h"

#include <QGridLayout>
#include <QLabel>
#include <QMenu>
#include <QPainter>
#include <QStyle>
#include <QToolButton>

using namespace Qt::StringLiterals;

namespace berth::ui {

namespace {

QString timeText(const QDateTime& time) {
    return TagChip::shortTime(time);
}

// A version says more to a person than a digest; the digest stays in the tooltip.
QString buildName(const QString& digest, const TimelineModel* timeline) {
    const Build* build = timeline ? timeline->buildAt(timeline->rowOfDigest(digest)) : nullptr;
    if (build) {
        for (const ClassifiedTag& tag : build->tags) {
            if (tag.kind == TagKind::ExactSemver)
                return tag.name;
        }
    }
    return shortDigestOf(digest).left(8);
}

// `until` is when the lane moved away from the position (EnvironmentLane::movedAwayAt).
QString pastText(const LanePosition& position, const QDateTime& until,
                 const TimelineModel* timeline, const QString& lane) {
    QString text = buildName(position.digest, timeline);
    if (const Verdict* verdict = timeline ? timeline->verdictOf(position.digest, lane) : nullptr)
        text += u' ' + verdictMark(verdict->verdict);
    if (until.isValid())
        text += u" (until "_s + timeText(until) + u')';
    return text;
}

QPixmap chipPixmap(const ClassifiedTag& tag, const QWidget* widget) {
    const qreal ratio = widget->devicePixelRatioF();
    const QSize size(TagChip::width(tag, widget->font()), TagChip::height(widget->font()));
    QPixmap pixmap(size * ratio);
    pixmap.setDevicePixelRatio(ratio);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    TagChip::paint(&painter, {0, 0}, tag, widget->palette(), widget->font());
    return pixmap;
}

} // namespace

EnvironmentLanes::EnvironmentLanes(QWidget* parent)
    : QFrame(parent)
    , m_grid(new QGridLayout(this)) {
    setObjectName(u"environmentLanes"_s);
    setFrameShape(QFrame::StyledPanel);
    m_grid->setContentsMargins(8, 6, 8, 6);
    m_grid->setHorizontalSpacing(6);
    m_grid->setVerticalSpacing(2);
    // Long histories are cut at the right edge instead of widening the window.
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Maximum);
    setToolTip(u"Where each environment tag points now and where it pointed before "
               u"(from Berth's history). Click a position to select that build."_s);
    hide();
}

QWidget* EnvironmentLanes::positionButton(const LanePosition& position, const QDateTime& until,
                                          bool current, const QString& lane,
                                          const TimelineModel* timeline) {
    auto* button = new QToolButton(this);
    button->setAutoRaise(!current);
    const Verdict* verdict = timeline ? timeline->verdictOf(position.digest, lane) : nullptr;
    QString text =
        current ? buildName(position.digest, timeline) : pastText(position, until, timeline, lane);
    if (current && verdict)
        text += u' ' + verdictMark(verdict->verdict);
    button->setText(text);
    QFont font = button->font();
    font.setBold(current);
    button->setFont(font);
    const bool known = timeline && timeline->rowOfDigest(position.digest) >= 0;
    button->setEnabled(known);
    button->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    QString tip = u"%1 %2 %3"_s.arg(lane, current ? u"runs"_s : u"ran"_s, position.digest);
    if (current && position.firstSeen.isValid())
        tip += u"\nsince "_s + timeText(position.firstSeen);
    if (!current && until.isValid())
        tip += u"\nuntil "_s + timeText(until);
    if (position.firstSeen.isValid())
        tip += u"\nfirst seen %1, last seen %2"_s.arg(timeText(position.firstSeen),
                                                      timeText(position.lastSeen));
    if (verdict)
        tip += u'\n' + describeVerdict(*verdict);
    if (!known)
        tip += u"\nThis build is no longer in the registry."_s;
    button->setToolTip(tip);
    const QString digest = position.digest;
    connect(button, &QToolButton::clicked, this, [this, digest] { emit buildRequested(digest); });
    return button;
}

QWidget* EnvironmentLanes::pastPositions(const EnvironmentLane& lane, int firstPast,
                                         const TimelineModel* timeline) {
    auto* row = new FittingRow(this);
    row->setObjectName(u"past-"_s + lane.tag);
    auto* before = new QLabel(u"before:"_s, row);
    before->setForegroundRole(QPalette::PlaceholderText);
    row->setLead(before);
    QStringList all;
    for (qsizetype age = firstPast; age < lane.positions.size(); ++age) {
        const LanePosition& position = lane.positions.at(age);
        const QDateTime until = lane.movedAwayAt(age);
        if (age - firstPast < kPastPositionsShown)
            row->addItem(positionButton(position, until, false, lane.tag, timeline));
        all.append(pastText(position, until, timeline, lane.tag));
    }
    // Whatever the width hides, the tooltip still names.
    if (!all.isEmpty())
        row->setToolTip(u"%1 before, newest first:\n"_s.arg(lane.tag) + all.join(u'\n'));
    return row;
}

QWidget* EnvironmentLanes::rollbackButton(const EnvironmentLane& lane) {
    auto* button = new QToolButton(this);
    button->setObjectName(u"rollback-"_s + lane.tag);
    button->setText(u"Roll back"_s);
    button->setIcon(style()->standardIcon(QStyle::SP_ArrowBack));
    button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    button->setAutoRaise(true);
    button->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    // Without history there may be nothing to go back to; the window says so on click,
    // which explains more than a disabled button would.
    button->setToolTip(u"Roll back %1 to the build it ran before (skipping builds marked bad "
                       u"for it); shows a confirmation first"_s.arg(lane.tag));
    button->setAccessibleName(u"Roll back %1"_s.arg(lane.tag));
    const QString tag = lane.tag;
    connect(button, &QToolButton::clicked, this, [this, tag] { emit rollbackRequested(tag); });
    // At 11pm the broken build is both left and judged: one confirmation does both.
    auto* menu = new QMenu(button);
    QAction* markBad = menu->addAction(u"Roll back and mark this build bad…"_s);
    markBad->setObjectName(u"rollbackMarkBad-"_s + tag);
    connect(markBad, &QAction::triggered, this,
            [this, tag] { emit rollbackAndMarkBadRequested(tag); });
    button->setMenu(menu);
    button->setPopupMode(QToolButton::MenuButtonPopup);
    return button;
}

void EnvironmentLanes::setRunning(const QList<EnvironmentRunning>& running) {
    m_running = running;
    setLanes(m_lanes, m_timeline);
}

QString EnvironmentLanes::runningText(const QString& environment) const {
    for (const QLabel* label : findChildren<QLabel*>(u"runningLine"_s))
        if (label->property("environment").toString() == environment)
            return label->text();
    return {};
}

QWidget* EnvironmentLanes::runningLine(const EnvironmentRunning& running,
                                       const TimelineModel* timeline) {
    QStringList parts;
    for (const ContainerOfBuild& found : running.containers) {
        QStringList state{found.container.state};
        if (!found.container.health.isEmpty())
            state.append(found.container.health);
        if (found.container.startedAt.isValid() && found.container.state == u"running"_s)
            state.append(u"since "_s + timeText(found.container.startedAt));
        parts.append(u"%1 %2 (%3)"_s.arg(found.container.name, buildName(found.digest, timeline),
                                         state.join(u", "_s)));
    }
    for (const QString& unreachable : running.unreachable)
        parts.append(u"unreachable: "_s + unreachable);
    QString text = u"running: "_s + (parts.isEmpty() ? u"nothing"_s : parts.join(u" · "_s));
    for (const QString& drift : running.drift)
        text += u"\n⚠ "_s + drift;
    auto* label = new QLabel(text, this);
    label->setObjectName(u"runningLine"_s);
    label->setProperty("environment", running.environment);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QStringList hosts;
    for (const ContainerOfBuild& found : running.containers)
        hosts.append(found.container.name + u" on "_s + found.host + u" ("_s + found.matchedBy +
                     u')');
    label->setToolTip(u"What the engines of %1 run now:\n"_s.arg(running.environment) +
                      hosts.join(u'\n'));
    if (!running.drift.isEmpty() || !running.unreachable.isEmpty()) {
        // Drift is the news of the line: what runs is not what the tag says.
        QPalette palette = label->palette();
        palette.setColor(QPalette::WindowText, QColor(0xb3, 0x26, 0x1e));
        label->setPalette(palette);
    }
    return label;
}

void EnvironmentLanes::setLanes(const QList<EnvironmentLane>& lanes,
                                const TimelineModel* timeline) {
    m_lanes = lanes;
    m_timeline = timeline;
    while (QLayoutItem* item = m_grid->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    int row = 0;
    for (const EnvironmentLane& lane : lanes) {
        auto* chip = new QLabel(this);
        chip->setPixmap(chipPixmap({lane.tag, TagKind::Environment}, this));
        chip->setToolTip(TagChip::kindDescription(TagKind::Environment));
        m_grid->addWidget(chip, row, 0);
        m_grid->addWidget(rollbackButton(lane), row, 1);
        int age = 0;
        if (lane.currentDigest.isEmpty()) {
            auto* gone = new QLabel(u"tag removed"_s, this);
            gone->setEnabled(false);
            m_grid->addWidget(gone, row, 2);
        } else if (!lane.positions.isEmpty()) {
            m_grid->addWidget(positionButton(lane.positions.first(), {}, true, lane.tag, timeline),
                              row, 2);
            age = 1;
        }
        m_grid->addWidget(pastPositions(lane, age, timeline), row, 3);
        ++row;
        const auto running = std::find_if(
            m_running.cbegin(), m_running.cend(),
            [&lane](const EnvironmentRunning& r) { return r.environment == lane.tag; });
        if (running != m_running.cend() &&
            (!running->containers.isEmpty() || !running->unreachable.isEmpty())) {
            m_grid->addWidget(runningLine(*running, timeline), row, 2, 1, 2);
            ++row;
        }
    }
    m_grid->setColumnStretch(3, 1);
    setVisible(!lanes.isEmpty());
}

} // namespace berth::ui
