// Time in a call from attendance rows (docs/SESSIONS.md "Attendance").
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace haven {

// Seconds covered by the union of [from, to) spans: one person's joins, where two tabs at
// once count once and a gap between two joins counts nothing.
inline std::int64_t seconds_present(std::vector<std::pair<std::int64_t, std::int64_t>> spans) {
  std::sort(spans.begin(), spans.end());
  std::int64_t total = 0, start = 0, end = 0;
  bool open = false;
  for (const auto& [from, to] : spans) {
    if (to <= from) continue;  // empty (left the second it joined)
    if (!open || from > end) {
      if (open) total += end - start;
      start = from;
      end = to;
      open = true;
    } else {
      end = std::max(end, to);
    }
  }
  if (open) total += end - start;
  return total;
}

}  // namespace haven
