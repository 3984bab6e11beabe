// SqliteStore: appointments (docs/SESSIONS.md). Ids, kinds and times only: nothing sealed.
#include <algorithm>

#include "store/sqlite_store.h"
#include "util/secret_bytes.h"

namespace haven {

namespace {
constexpr const char* kColumns =
    "SELECT id, org_id, owner_id, kind, starts_at, duration_minutes, cancelled_at, room_id, "
    "created_at, updated_at, cohort_id FROM appointments ";
}  // namespace

bool Appointment::admits(const std::string& user_id) const {
  auto in = [&](const std::vector<std::string>& ids) {
    return std::find(ids.begin(), ids.end(), user_id) != ids.end();
  };
  return owner_id == user_id || in(participant_ids) || in(guest_ids);
}

std::string SqliteStore::create_appointment(const Appointment& a) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  auto id = random_id();
  sql::Statement(conn_,
                 "INSERT INTO appointments (id, org_id, owner_id, kind, starts_at, "
                 "duration_minutes, created_at, updated_at, cohort_id) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, id)
      .bind(2, a.org_id)
      .bind(3, a.owner_id)
      .bind(4, a.kind)
      .bind(5, a.starts_at)
      .bind(6, a.duration_minutes)
      .bind(7, a.created_at)
      .bind(8, a.created_at)
      .bind_optional(9, a.cohort_id)
      .run();
  for (const auto& user_id : a.participant_ids) {
    sql::Statement(conn_,
                   "INSERT INTO appointment_participants (appointment_id, user_id) VALUES (?, ?)")
        .bind(1, id)
        .bind(2, user_id)
        .run();
  }
  tx.commit();
  return id;
}

// Columns as kColumns; participants in insertion order.
Appointment SqliteStore::read_appointment(sql::Statement& row) {
  Appointment a;
  a.id = row.text(0);
  a.org_id = row.text(1);
  a.owner_id = row.text(2);
  a.kind = row.text(3);
  a.starts_at = row.integer(4);
  a.duration_minutes = row.integer(5);
  if (!row.is_null(6)) a.cancelled_at = row.integer(6);
  if (!row.is_null(7)) a.room_id = row.text(7);
  a.created_at = row.integer(8);
  a.updated_at = row.integer(9);
  if (!row.is_null(10)) a.cohort_id = row.text(10);
  sql::Statement q(conn_,
                   "SELECT user_id FROM appointment_participants WHERE appointment_id = ? "
                   "ORDER BY rowid");
  q.bind(1, a.id);
  while (q.step()) a.participant_ids.push_back(q.text(0));
  sql::Statement guests(conn_,
                        "SELECT id FROM users WHERE guest_of = ? AND disabled = 0 ORDER BY rowid");
  guests.bind(1, a.id);
  while (guests.step()) a.guest_ids.push_back(guests.text(0));
  return a;
}

std::optional<Appointment> SqliteStore::find_appointment(const std::string& id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_, std::string(kColumns) + "WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_appointment(q);
}

std::vector<Appointment> SqliteStore::appointments_of(const std::string& user_id, std::int64_t from,
                                                      std::int64_t to, int limit) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_, std::string(kColumns) +
                              "WHERE (owner_id = ?1 OR id IN (SELECT appointment_id FROM "
                              "appointment_participants WHERE user_id = ?1) "
                              "OR id IN (SELECT guest_of FROM users WHERE id = ?1)) "
                              "AND starts_at + duration_minutes * 60 > ?2 AND starts_at < ?3 "
                              "ORDER BY starts_at, rowid LIMIT ?4");
  q.bind(1, user_id).bind(2, from).bind(3, to).bind(4, static_cast<std::int64_t>(limit));
  std::vector<Appointment> out;
  while (q.step()) out.push_back(read_appointment(q));
  return out;
}

std::vector<Appointment> SqliteStore::appointments_of_cohort(const std::string& cohort_id,
                                                             std::int64_t from, std::int64_t to) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_, std::string(kColumns) +
                              "WHERE cohort_id = ? AND starts_at >= ? AND starts_at < ? "
                              "ORDER BY starts_at, rowid");
  q.bind(1, cohort_id).bind(2, from).bind(3, to);
  std::vector<Appointment> out;
  while (q.step()) out.push_back(read_appointment(q));
  return out;
}

bool SqliteStore::reschedule_appointment(const std::string& id, std::int64_t starts_at,
                                         std::int64_t duration_minutes, std::int64_t now) {
  std::lock_guard lock(mutex_);
  return sql::Statement(conn_,
                        // A room whose call was ended belongs to the old time: the new
                        // time gets a fresh one at its first join.
                        "UPDATE appointments SET starts_at = ?, duration_minutes = ?, "
                        "updated_at = ?, room_id = CASE WHEN room_id IN (SELECT id FROM rooms "
                        "WHERE ended_at IS NOT NULL) THEN NULL ELSE room_id END "
                        "WHERE id = ? AND cancelled_at IS NULL")
             .bind(1, starts_at)
             .bind(2, duration_minutes)
             .bind(3, now)
             .bind(4, id)
             .run() > 0;
}

bool SqliteStore::cancel_appointment(const std::string& id, std::int64_t now) {
  std::lock_guard lock(mutex_);
  return sql::Statement(conn_,
                        "UPDATE appointments SET cancelled_at = ?1, updated_at = ?1 "
                        "WHERE id = ?2 AND cancelled_at IS NULL")
             .bind(1, now)
             .bind(2, id)
             .run() > 0;
}

std::string SqliteStore::appointment_room(const std::string& id, std::int64_t now) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  sql::Statement q(conn_, std::string(kColumns) + "WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return {};
  const Appointment a = read_appointment(q);
  // Checked under the same lock as cancel_appointment: a cancelled session never gets a room.
  if (a.cancelled_at) return {};
  if (a.room_id) return *a.room_id;
  std::vector<std::string> people = a.participant_ids;
  people.insert(people.end(), a.guest_ids.begin(), a.guest_ids.end());
  const std::string room_id = insert_room(a.org_id, a.owner_id, people, now);
  sql::Statement(conn_, "UPDATE appointments SET room_id = ? WHERE id = ?")
      .bind(1, room_id)
      .bind(2, id)
      .run();
  tx.commit();
  return room_id;
}

}  // namespace haven
