#include "auth/rate_limiter.h"

namespace haven {

bool RateLimiter::allow(const std::string& key, int limit, std::int64_t now,
                        std::int64_t window_seconds) {
  std::lock_guard lock(mutex_);
  if (windows_.size() >= kMaxKeys) {
    // Drop expired windows; if the table is still full, refuse new keys rather than grow.
    std::erase_if(windows_, [&](const auto& kv) { return now - kv.second.start >= window_seconds; });
    if (windows_.size() >= kMaxKeys && !windows_.count(key)) return false;
  }
  auto& w = windows_[key];
  if (now - w.start >= window_seconds) w = {now, 0};
  if (w.count >= limit) return false;
  ++w.count;
  return true;
}

}  // namespace haven
