// SqliteStore: attendance rows (docs/SESSIONS.md). Ids and times only: nothing sealed.
#include "store/sqlite_store.h"

namespace haven {

void SqliteStore::record_join(const std::string& room_id, const std::string& user_id,
                              const std::string& peer_id, std::int64_t at) {
  std::lock_guard lock(mutex_);
  sql::Statement(conn_,
                 "INSERT OR IGNORE INTO attendance (room_id, user_id, peer_id, joined_at) "
                 "VALUES (?, ?, ?, ?)")
      .bind(1, room_id)
      .bind(2, user_id)
      .bind(3, peer_id)
      .bind(4, at)
      .run();
}

void SqliteStore::record_leave(const std::string& room_id, const std::string& peer_id,
                               std::int64_t at) {
  std::lock_guard lock(mutex_);
  sql::Statement(conn_,
                 "UPDATE attendance SET left_at = MAX(?, joined_at) "
                 "WHERE room_id = ? AND peer_id = ? AND left_at IS NULL")
      .bind(1, at)
      .bind(2, room_id)
      .bind(3, peer_id)
      .run();
}

int SqliteStore::close_open_attendance(std::int64_t at) {
  std::lock_guard lock(mutex_);
  return sql::Statement(conn_,
                        "UPDATE attendance SET left_at = MAX(?, joined_at) WHERE left_at IS NULL")
      .bind(1, at)
      .run();
}

std::vector<AttendanceRow> SqliteStore::attendance_of_room(const std::string& room_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   "SELECT room_id, user_id, peer_id, joined_at, left_at FROM attendance "
                   "WHERE room_id = ? ORDER BY joined_at, rowid");
  q.bind(1, room_id);
  std::vector<AttendanceRow> out;
  while (q.step()) {
    AttendanceRow row{q.text(0), q.text(1), q.text(2), q.integer(3), std::nullopt};
    if (!q.is_null(4)) row.left_at = q.integer(4);
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace haven
