#pragma once

// A row of widgets, left to right, that shows only the leading ones that fit whole and
// hides the rest: a squeezed button whose text is cut at both ends ("..0-rc.1 (until 16
// Nov 15") names nothing, while a missing one is still found in the tooltip.

#include <QWidget>

class QHBoxLayout;

namespace berth::ui {

class FittingRow : public QWidget {
    Q_OBJECT
public:
    explicit FittingRow(QWidget* parent = nullptr);

    // Shown before the items, and only while at least one item fits (e.g. "before:").
    void setLead(QWidget* lead);
    void addItem(QWidget* item);

    int itemCount() const { return int(m_items.size()); }
    int shownCount() const { return m_shown; }

    // The row asks for the width of every item, and makes do with none.
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void fit();

    QHBoxLayout* m_layout;
    QWidget* m_lead = nullptr;
    QList<QWidget*> m_items;
    int m_shown = 0;
};

} // namespace berth::ui
