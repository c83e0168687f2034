#pragma once

// How a verdict reads wherever the window shows it (timeline row, lanes, details): the
// same words and marks, with who decided it, when and why.

#include "history/HistoryTypes.h"

#include <QString>

namespace berth::ui {

// "✗" for bad, "✓" for good.
QString verdictMark(VerdictKind kind);
// "Marked bad for production by alice, 2026-03-04 14:00: crashes on start".
QString describeVerdict(const Verdict& verdict);

} // namespace berth::ui
