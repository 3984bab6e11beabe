#include "auth/rate_limiter.h"

#include <limits>

namespace haven {

bool RateLimiter::allow(const std::string& key, int limit, std::int64_t now,
                        std::int64_t window_seconds) {
  std::lock_guard lock(mutex_);
  if (windows_.size() >= kMaxKeys) {
    // Drop expired windows; if the table is still full, refuse new keys rather than grow.
    std::erase_if(windows_,
                  [&](const auto& kv) { return now - kv.second.start >= window_seconds; });
    if (windows_.size() >= kMaxKeys && !windows_.count(key)) return false;
  }
  auto& w = windows_[key];
  if (now - w.start >= window_seconds) w = {now, 0};
  if (w.count >= limit) return false;
  ++w.count;
  return true;
}

bool RateLimiter::exhausted(const std::string& key, int limit, std::int64_t now,
                            std::int64_t window_seconds) {
  std::lock_guard lock(mutex_);
  auto it = windows_.find(key);
  return it != windows_.end() && now - it->second.start < window_seconds &&
         it->second.count >= limit;
}

void RateLimiter::count_failure(const std::string& key, std::int64_t now,
                                std::int64_t window_seconds) {
  allow(key, std::numeric_limits<int>::max(), now, window_seconds);
}

void RateLimiter::reset(const std::string& key) {
  std::lock_guard lock(mutex_);
  windows_.erase(key);
}

}  // namespace haven
