// SqliteStore: video rooms (docs/SIGNALING.md). A room row and its participant rows hold
// ids and times only; a session's note is sealed.
#include <algorithm>

#include "store/sqlite_store.h"
#include "util/secret_bytes.h"

namespace haven {

namespace {
constexpr const char* kRoomColumns =
    "SELECT id, org_id, owner_id, created_at, ended_at, locked, parent_id FROM rooms ";
}  // namespace

bool Room::admits(const std::string& user_id) const {
  return owner_id == user_id || std::find(participant_ids.begin(), participant_ids.end(),
                                          user_id) != participant_ids.end();
}

bool Room::admitted(const std::string& user_id) const {
  return std::find(admitted_ids.begin(), admitted_ids.end(), user_id) != admitted_ids.end();
}

std::string SqliteStore::create_room(const std::string& org_id, const std::string& owner_id,
                                     const std::vector<std::string>& participant_ids,
                                     std::int64_t now) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  auto id = insert_room(org_id, owner_id, participant_ids, now);
  tx.commit();
  return id;
}

// Caller holds mutex_ inside a transaction.
std::string SqliteStore::insert_room(const std::string& org_id, const std::string& owner_id,
                                     const std::vector<std::string>& participant_ids,
                                     std::int64_t now) {
  auto id = random_id();
  sql::Statement(conn_, "INSERT INTO rooms (id, org_id, owner_id, created_at) VALUES (?, ?, ?, ?)")
      .bind(1, id)
      .bind(2, org_id)
      .bind(3, owner_id)
      .bind(4, now)
      .run();
  for (const auto& user_id : participant_ids) {
    sql::Statement(conn_, "INSERT INTO room_participants (room_id, user_id) VALUES (?, ?)")
        .bind(1, id)
        .bind(2, user_id)
        .run();
  }
  return id;
}

// Columns as kRoomColumns. Participants in insertion order.
Room SqliteStore::read_room(sql::Statement& row) {
  Room room{row.text(0), row.text(1), row.text(2), {}, row.integer(3), std::nullopt, {}, false};
  if (!row.is_null(4)) room.ended_at = row.integer(4);
  room.locked = row.integer(5) != 0;
  if (!row.is_null(6)) room.parent_id = row.text(6);
  sql::Statement q(conn_, "SELECT user_id FROM room_participants WHERE room_id = ? ORDER BY rowid");
  q.bind(1, room.id);
  while (q.step()) room.participant_ids.push_back(q.text(0));
  sql::Statement a(conn_, "SELECT user_id FROM room_admissions WHERE room_id = ? ORDER BY rowid");
  a.bind(1, room.id);
  while (a.step()) room.admitted_ids.push_back(a.text(0));
  return room;
}

std::optional<Room> SqliteStore::find_room(const std::string& id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_, std::string(kRoomColumns) + "WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_room(q);
}

std::vector<Room> SqliteStore::open_rooms_of(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   std::string(kRoomColumns) +
                       "WHERE ended_at IS NULL AND parent_id IS NULL AND (owner_id = ?1 "
                       "OR id IN (SELECT room_id FROM room_participants WHERE user_id = ?1)) "
                       "ORDER BY created_at DESC, rowid DESC");
  q.bind(1, user_id);
  std::vector<Room> out;
  while (q.step()) out.push_back(read_room(q));
  return out;
}

std::string SqliteStore::create_breakout(const Room& parent,
                                         const std::vector<std::string>& user_ids,
                                         std::int64_t now) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  // Checked in the transaction: two clicks at once make one breakout.
  sql::Statement open(conn_,
                      "SELECT 1 FROM rooms WHERE (id = ?1 AND ended_at IS NOT NULL) "
                      "OR (parent_id = ?1 AND ended_at IS NULL)");
  open.bind(1, parent.id);
  if (open.step()) return {};
  const std::string id = insert_room(parent.org_id, parent.owner_id, user_ids, now);
  sql::Statement(conn_, "UPDATE rooms SET parent_id = ? WHERE id = ?")
      .bind(1, parent.id)
      .bind(2, id)
      .run();
  for (const auto& user_id : user_ids) {
    sql::Statement(conn_,
                   "INSERT INTO room_admissions (room_id, user_id, admitted_at) VALUES (?, ?, ?)")
        .bind(1, id)
        .bind(2, user_id)
        .bind(3, now)
        .run();
  }
  tx.commit();
  return id;
}

std::optional<Room> SqliteStore::open_breakout_of(const std::string& parent_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_, std::string(kRoomColumns) + "WHERE parent_id = ? AND ended_at IS NULL");
  q.bind(1, parent_id);
  if (!q.step()) return std::nullopt;
  return read_room(q);
}

// Ending a room also forgets its MLS group and files: they were for the people in that
// session only (docs/E2EE.md), and nobody can join an ended room to read them.
bool SqliteStore::end_room(const std::string& id, std::int64_t now) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  const bool ended =
      sql::Statement(conn_, "UPDATE rooms SET ended_at = ? WHERE id = ? AND ended_at IS NULL")
          .bind(1, now)
          .bind(2, id)
          .run() > 0;
  sql::Statement(conn_, "DELETE FROM mls_messages WHERE room_id = ?").bind(1, id).run();
  sql::Statement(conn_, "DELETE FROM mls_groups WHERE room_id = ?").bind(1, id).run();
  sql::Statement(conn_, "DELETE FROM room_files WHERE room_id = ?").bind(1, id).run();
  sql::Statement(conn_, "DELETE FROM room_admissions WHERE room_id = ?").bind(1, id).run();
  tx.commit();
  return ended;
}

void SqliteStore::set_room_admitted(const std::string& room_id,
                                    const std::vector<std::string>& user_ids, bool admitted,
                                    std::int64_t now) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  for (const auto& user_id : user_ids) {
    if (admitted) {
      sql::Statement(conn_,
                     "INSERT OR IGNORE INTO room_admissions (room_id, user_id, admitted_at) "
                     "VALUES (?, ?, ?)")
          .bind(1, room_id)
          .bind(2, user_id)
          .bind(3, now)
          .run();
    } else {
      sql::Statement(conn_, "DELETE FROM room_admissions WHERE room_id = ? AND user_id = ?")
          .bind(1, room_id)
          .bind(2, user_id)
          .run();
    }
  }
  tx.commit();
}

void SqliteStore::set_room_locked(const std::string& room_id, bool locked) {
  std::lock_guard lock(mutex_);
  sql::Statement(conn_, "UPDATE rooms SET locked = ? WHERE id = ?")
      .bind(1, locked ? 1 : 0)
      .bind(2, room_id)
      .run();
}

std::optional<SessionNote> SqliteStore::find_session_note(const std::string& room_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   "SELECT body, author_id, updated_at FROM session_notes WHERE room_id = ?");
  q.bind(1, room_id);
  if (!q.step()) return std::nullopt;
  return SessionNote{sealer_.open({"session_notes", "body", room_id}, q.text(0)), q.text(1),
                     q.integer(2)};
}

void SqliteStore::save_session_note(const Room& room, const std::string& author_id,
                                    const std::string& text, std::int64_t now) {
  std::lock_guard lock(mutex_);
  const std::string sealed =
      sealer_.seal(FieldSealer::org_subject(room.org_id), {"session_notes", "body", room.id}, text);
  sql::Statement(conn_,
                 "INSERT INTO session_notes (room_id, author_id, body, updated_at) "
                 "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (room_id) DO UPDATE SET "
                 "author_id = ?2, body = ?3, updated_at = ?4")
      .bind(1, room.id)
      .bind(2, author_id)
      .bind(3, sealed)
      .bind(4, now)
      .run();
}

}  // namespace haven
