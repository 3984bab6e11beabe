// Attendance (docs/SESSIONS.md): when each person entered and left each call, one row per
// join, recorded from the media worker's events. Ids and times only; nothing sealed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace haven {

struct AttendanceRow {
  std::string room_id;
  std::string user_id;
  std::string peer_id;
  std::int64_t joined_at = 0;
  std::optional<std::int64_t> left_at;  // still in the call (or the server stopped)
};

class AttendanceRepository {
 public:
  virtual ~AttendanceRepository() = default;
  virtual void record_join(const std::string& room_id, const std::string& user_id,
                           const std::string& peer_id, std::int64_t at) = 0;
  // Closes that join's row; nothing when it is unknown or already closed.
  virtual void record_leave(const std::string& room_id, const std::string& peer_id,
                            std::int64_t at) = 0;
  // At start-up: rows left open by a stop or crash end at `at` (the latest they can have
  // ended); answers how many.
  virtual int close_open_attendance(std::int64_t at) = 0;
  // A room's rows, by join time.
  virtual std::vector<AttendanceRow> attendance_of_room(const std::string& room_id) = 0;
};

}  // namespace haven
