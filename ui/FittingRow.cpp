#include "FittingRow.h"

#include <QHBoxLayout>

#include <algorithm>

namespace berth::ui {

FittingRow::FittingRow(QWidget* parent)
    : QWidget(parent)
    , m_layout(new QHBoxLayout(this)) {
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->addStretch(1);
    // The width it gets is whatever is left; what does not fit is hidden, never cut.
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
}

void FittingRow::setLead(QWidget* lead) {
    m_lead = lead;
    m_layout->insertWidget(0, lead);
    fit();
}

void FittingRow::addItem(QWidget* item) {
    m_items.append(item);
    // Before the trailing stretch.
    m_layout->insertWidget(m_layout->count() - 1, item);
    fit();
}

QSize FittingRow::sizeHint() const {
    int width = 0;
    int height = 0;
    const auto add = [&](const QWidget* widget) {
        const QSize hint = widget->sizeHint();
        width += (width > 0 ? m_layout->spacing() : 0) + hint.width();
        height = std::max(height, hint.height());
    };
    if (m_lead)
        add(m_lead);
    for (const QWidget* item : m_items)
        add(item);
    return QSize(width, height);
}

QSize FittingRow::minimumSizeHint() const {
    return QSize(0, sizeHint().height());
}

void FittingRow::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    fit();
}

void FittingRow::fit() {
    const int available = contentsRect().width();
    const int spacing = m_layout->spacing();
    int used = m_lead ? m_lead->sizeHint().width() + spacing : 0;
    int shown = 0;
    // Only a leading run is shown: a gap in the middle would misstate the order.
    bool room = true;
    for (QWidget* item : m_items) {
        const int width = item->sizeHint().width();
        room = room && used + width <= available;
        item->setVisible(room);
        if (room) {
            used += width + spacing;
            ++shown;
        }
    }
    m_shown = shown;
    if (m_lead)
        m_lead->setVisible(shown > 0);
}

} // namespace berth::ui
