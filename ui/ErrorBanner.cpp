#include "ErrorBanner.h"

#include "TagChip.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>

using namespace Qt::StringLiterals;

namespace berth::ui {

ErrorBanner::ErrorBanner(QWidget* parent)
    : QFrame(parent)
    , m_icon(new QLabel(this))
    , m_label(new QLabel(this))
    , m_close(new QToolButton(this)) {
    setObjectName(u"errorBanner"_s);
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    m_label->setObjectName(u"errorBannerText"_s);
    // A registry's body is data, never markup to render.
    m_label->setTextFormat(Qt::PlainText);
    m_label->setWordWrap(false);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_label->setMinimumWidth(0);
    m_label->installEventFilter(this);
    m_close->setText(u"✕"_s);
    m_close->setAutoRaise(true);
    m_close->setToolTip(u"Close this message"_s);
    m_close->setAccessibleName(u"Close message"_s);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    layout->addWidget(m_icon, 0, Qt::AlignTop);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_close, 0, Qt::AlignTop);
    connect(m_close, &QToolButton::clicked, this, &QWidget::hide);
    hide();
}

void ErrorBanner::showMessage(const QString& text, Level level) {
    m_level = level;
    m_messages = {text};
    showLines();
    applyColours();
    show();
}

void ErrorBanner::appendMessage(const QString& text, Level level) {
    if (isHidden() || m_messages.isEmpty())
        return showMessage(text, level);
    // An error outranks the warnings shown with it.
    if (level < m_level)
        m_level = level;
    m_messages.append(text);
    showLines();
    applyColours();
}

QString ErrorBanner::text() const {
    return m_messages.join(u'\n');
}

void ErrorBanner::showLines() {
    const int width = m_label->contentsRect().width();
    const QFontMetrics metrics(m_label->font());
    QStringList lines;
    for (const QString& message : std::as_const(m_messages)) {
        const QString line = message.simplified();
        lines.append(width > 0 ? metrics.elidedText(line, Qt::ElideRight, width) : line);
    }
    m_label->setText(lines.join(u'\n'));
    m_label->setToolTip(text());
}

bool ErrorBanner::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_label && event->type() == QEvent::Resize)
        showLines();
    return QFrame::eventFilter(watched, event);
}

void ErrorBanner::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange && !signalsBlocked()) {
        const QSignalBlocker blocker(this);
        applyColours();
    }
    QFrame::changeEvent(event);
}

void ErrorBanner::applyColours() {
    const QPalette base = parentWidget() ? parentWidget()->palette() : palette();
    const bool dark = TagChip::isDark(base);
    const int hue = m_level == Level::Error ? 0 : m_level == Level::Warning ? 40 : 210;
    QPalette colours = base;
    colours.setColor(QPalette::Window, QColor::fromHsl(hue, 150, dark ? 45 : 225));
    colours.setColor(QPalette::WindowText, dark ? QColor(240, 240, 240) : QColor(30, 30, 30));
    setPalette(colours);
    const QStyle::StandardPixmap icon = m_level == Level::Error ? QStyle::SP_MessageBoxCritical
                                        : m_level == Level::Warning
                                            ? QStyle::SP_MessageBoxWarning
                                            : QStyle::SP_MessageBoxInformation;
    m_icon->setPixmap(style()->standardIcon(icon).pixmap(16, 16));
}

} // namespace berth::ui
