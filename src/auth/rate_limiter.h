// Fixed-window counters per key ("ip:1.2.3.4|signin", "account:<id>|mfa") for abuse limits.
// In memory: limits reset on restart, which is acceptable for throttling; the lockout
// that must survive a restart is stored with the account.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace haven {

class RateLimiter {
 public:
  // Counts one attempt; false when the key already used `limit` attempts in this window.
  bool allow(const std::string& key, int limit, std::int64_t now, std::int64_t window_seconds = 60);
  // For limits on failures only: ask first (counts nothing), count when an attempt fails.
  bool exhausted(const std::string& key, int limit, std::int64_t now,
                 std::int64_t window_seconds = 60);
  void count_failure(const std::string& key, std::int64_t now, std::int64_t window_seconds = 60);
  void reset(const std::string& key);

 private:
  struct Window {
    std::int64_t start = 0;
    int count = 0;
  };
  static constexpr std::size_t kMaxKeys = 100000;  // bounded memory under a flood
  std::mutex mutex_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace haven
