#include "LoadProgress.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>

using namespace Qt::StringLiterals;

namespace berth::ui {

LoadProgress::LoadProgress(QWidget* parent)
    : QWidget(parent)
    , m_label(new QLabel(this))
    , m_bar(new QProgressBar(this))
    , m_cancel(new QPushButton(u"Cancel"_s, this)) {
    setObjectName(u"loadProgress"_s);
    m_bar->setObjectName(u"loadProgressBar"_s);
    m_cancel->setObjectName(u"cancelLoad"_s);
    m_bar->setFormat(u"%v / %m requests"_s);
    m_bar->setTextVisible(true);
    m_bar->setMinimumWidth(180);
    m_bar->setToolTip(u"Registry requests finished / requests started so far"_s);
    m_cancel->setToolTip(u"Stop reading the registry (Esc)"_s);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_label);
    layout->addWidget(m_bar);
    layout->addWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, this, &LoadProgress::cancelRequested);
    stop();
}

void LoadProgress::start(const QString& repository) {
    m_label->setText(u"Reading %1"_s.arg(repository));
    m_bar->setRange(0, 0); // busy until the first request is counted
    m_bar->setValue(0);
    m_cancel->setEnabled(true);
    show();
}

void LoadProgress::setProgress(int finished, int total) {
    m_bar->setRange(0, qMax(total, 1));
    m_bar->setValue(finished);
}

void LoadProgress::stop() {
    m_cancel->setEnabled(false);
    hide();
}

} // namespace berth::ui
