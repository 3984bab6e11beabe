#include "metrics/metrics.h"

#include <sstream>

namespace haven {

void Metrics::observe_request(const std::string& route, int status, double seconds) {
  std::string status_class = std::to_string(status / 100) + "xx";
  std::lock_guard lock(mutex_);
  requests_[{route, status_class}]++;
  auto& h = latency_[route];
  for (std::size_t i = 0; i < std::size(kBuckets); ++i) {
    if (seconds <= kBuckets[i]) h.bucket_counts[i]++;
  }
  h.count++;
  h.sum += seconds;
}

void Metrics::ws_dropped(const char* reason) {
  std::lock_guard lock(mutex_);
  ws_dropped_[reason]++;
}

void Metrics::backup_finished(bool ok, std::int64_t at) {
  (ok ? backups_ok_ : backups_failed_)++;
  if (ok) last_backup_ok_at_ = at;
}

std::string Metrics::render() const {
  std::ostringstream out;
  std::lock_guard lock(mutex_);
  out << "# HELP haven_http_requests_total HTTP requests by route and status class.\n"
         "# TYPE haven_http_requests_total counter\n";
  for (auto& [key, n] : requests_) {
    out << "haven_http_requests_total{route=\"" << key.first << "\",status=\"" << key.second
        << "\"} " << n << "\n";
  }
  out << "# HELP haven_http_request_duration_seconds Time to answer a request.\n"
         "# TYPE haven_http_request_duration_seconds histogram\n";
  for (auto& [route, h] : latency_) {
    for (std::size_t i = 0; i < std::size(kBuckets); ++i) {
      out << "haven_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\""
          << kBuckets[i] << "\"} " << h.bucket_counts[i] << "\n";
    }
    out << "haven_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} "
        << h.count << "\n";
    out << "haven_http_request_duration_seconds_sum{route=\"" << route << "\"} " << h.sum << "\n";
    out << "haven_http_request_duration_seconds_count{route=\"" << route << "\"} " << h.count
        << "\n";
  }
  out << "# HELP haven_open_connections Open client connections.\n"
         "# TYPE haven_open_connections gauge\n"
      << "haven_open_connections{kind=\"http\"} " << http_open_.load() << "\n"
      << "haven_open_connections{kind=\"websocket\"} " << ws_open_.load() << "\n";
  out << "# HELP haven_websocket_messages_total WebSocket messages received.\n"
         "# TYPE haven_websocket_messages_total counter\n"
      << "haven_websocket_messages_total " << ws_messages_.load() << "\n";
  out << "# HELP haven_websocket_closed_total WebSocket connections closed by the server.\n"
         "# TYPE haven_websocket_closed_total counter\n";
  for (auto& [reason, n] : ws_dropped_) {
    out << "haven_websocket_closed_total{reason=\"" << reason << "\"} " << n << "\n";
  }
  // Alert on a stale timestamp: a practice must know when backups stop.
  out << "# HELP haven_backups_total Scheduled backups by outcome.\n"
         "# TYPE haven_backups_total counter\n"
      << "haven_backups_total{outcome=\"success\"} " << backups_ok_.load() << "\n"
      << "haven_backups_total{outcome=\"failure\"} " << backups_failed_.load() << "\n"
      << "# HELP haven_backup_last_success_timestamp_seconds When the last scheduled backup "
         "was written (0: none since start).\n"
         "# TYPE haven_backup_last_success_timestamp_seconds gauge\n"
      << "haven_backup_last_success_timestamp_seconds " << last_backup_ok_at_.load() << "\n";
  if (extra_) out << extra_();
  return out.str();
}

}  // namespace haven
