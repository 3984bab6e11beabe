// Process metrics in Prometheus text format. Labels are route templates and status
// classes only: never ids, users or anything a request carried.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace haven {

class Metrics {
 public:
  void observe_request(const std::string& route, int status, double seconds);
  void connection_opened(bool websocket) { (websocket ? ws_open_ : http_open_)++; }
  void connection_closed(bool websocket) { (websocket ? ws_open_ : http_open_)--; }
  void ws_message_received() { ws_messages_++; }
  std::int64_t open_connections() const { return http_open_.load() + ws_open_.load(); }
  void ws_dropped(const char* reason);
  // A scheduled backup finished (backup/backup_schedule.h); at: unix seconds.
  void backup_finished(bool ok, std::int64_t at);
  std::string render() const;
  // Another component's metrics, appended to render() (the media worker's SFU figures).
  // Set once at start, before the metrics listener serves; the function must be
  // thread-safe.
  void set_extra_source(std::function<std::string()> source) { extra_ = std::move(source); }

 private:
  static constexpr double kBuckets[] = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
  struct Histogram {
    std::uint64_t bucket_counts[std::size(kBuckets)] = {};
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> requests_;  // route, class
  std::map<std::string, Histogram> latency_;                               // route
  std::map<std::string, std::uint64_t> ws_dropped_;                        // reason
  std::atomic<std::int64_t> http_open_{0}, ws_open_{0};
  std::atomic<std::uint64_t> ws_messages_{0};
  std::atomic<std::uint64_t> backups_ok_{0}, backups_failed_{0};
  std::atomic<std::int64_t> last_backup_ok_at_{0};
  std::function<std::string()> extra_;
};

}  // namespace haven
