// SqliteStore: guests (docs/SESSIONS.md "Guests"). The guest's name is sealed under their
// own data key like a patient's; the invitation holds hashes only.
#include "store/sqlite_store.h"
#include "util/secret_bytes.h"

namespace haven {

namespace {
constexpr const char* kColumns =
    "SELECT g.guest_id, g.appointment_id, u.org_id, u.display_name, g.token_hash, "
    "g.code_check, g.invited_by, g.created_at, g.expires_at, g.failed_codes, g.used_at, "
    "g.revoked_at FROM guest_invites g JOIN users u ON u.id = g.guest_id ";
}  // namespace

GuestInvite SqliteStore::read_guest(sql::Statement& q) {
  GuestInvite g;
  g.guest_id = q.text(0);
  g.appointment_id = q.text(1);
  g.org_id = q.text(2);
  g.display_name = sealer_.open({"users", "display_name", g.guest_id}, q.text(3));
  g.token_hash = q.text(4);
  g.code_check = q.text(5);
  g.invited_by = q.text(6);
  g.created_at = q.integer(7);
  g.expires_at = q.integer(8);
  g.failed_codes = q.integer(9);
  if (!q.is_null(10)) g.used_at = q.integer(10);
  if (!q.is_null(11)) g.revoked_at = q.integer(11);
  return g;
}

void SqliteStore::create_guest(const GuestInvite& g, std::int64_t now) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  User user;
  user.id = g.guest_id;
  user.org_id = g.org_id;
  user.role = Role::guest;
  sql::Statement(conn_,
                 "INSERT INTO users (id, org_id, role, display_name, email, email_index, "
                 "password_hash, disabled, created_at, guest_of) "
                 "VALUES (?, ?, 'patient', ?, ?, NULL, '', 0, ?, ?)")
      .bind(1, g.guest_id)
      .bind(2, g.org_id)
      .bind(3, seal_user_field(user, "display_name", g.display_name))
      .bind(4, seal_user_field(user, "email", ""))
      .bind(5, now)
      .bind(6, g.appointment_id)
      .run();
  sql::Statement(conn_,
                 "INSERT INTO guest_invites (guest_id, appointment_id, token_hash, code_check, "
                 "invited_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind(1, g.guest_id)
      .bind(2, g.appointment_id)
      .bind(3, g.token_hash)
      .bind(4, g.code_check)
      .bind(5, g.invited_by)
      .bind(6, now)
      .bind(7, g.expires_at)
      .run();
  // Invited after the first join made the room: they may enter it too.
  sql::Statement(conn_,
                 "INSERT OR IGNORE INTO room_participants (room_id, user_id) "
                 "SELECT room_id, ? FROM appointments WHERE id = ? AND room_id IS NOT NULL")
      .bind(1, g.guest_id)
      .bind(2, g.appointment_id)
      .run();
  tx.commit();
}

std::vector<GuestInvite> SqliteStore::guests_of(const std::string& appointment_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_, std::string(kColumns) + "WHERE g.appointment_id = ? ORDER BY g.rowid");
  q.bind(1, appointment_id);
  std::vector<GuestInvite> out;
  while (q.step()) out.push_back(read_guest(q));
  return out;
}

std::optional<GuestInvite> SqliteStore::find_guest(const std::string& guest_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_, std::string(kColumns) + "WHERE g.guest_id = ?");
  q.bind(1, guest_id);
  if (!q.step()) return std::nullopt;
  return read_guest(q);
}

GuestCodeOutcome SqliteStore::redeem_guest_link(const std::string& token_hash,
                                                const std::string& code_check, std::int64_t now,
                                                int max_failures, GuestInvite& out) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  sql::Statement q(conn_, std::string(kColumns) +
                              "WHERE g.token_hash = ? AND g.used_at IS NULL AND "
                              "g.revoked_at IS NULL AND g.expires_at > ? AND g.failed_codes < ? "
                              "AND u.disabled = 0");
  q.bind(1, token_hash).bind(2, now).bind(3, static_cast<std::int64_t>(max_failures));
  if (!q.step()) return GuestCodeOutcome::invalid;
  out = read_guest(q);
  if (!secure_equal(out.code_check, code_check)) {
    sql::Statement(conn_,
                   "UPDATE guest_invites SET failed_codes = failed_codes + 1 WHERE guest_id = ?")
        .bind(1, out.guest_id)
        .run();
    tx.commit();
    return GuestCodeOutcome::wrong_code;
  }
  sql::Statement(conn_, "UPDATE guest_invites SET used_at = ? WHERE guest_id = ?")
      .bind(1, now)
      .bind(2, out.guest_id)
      .run();
  tx.commit();
  out.used_at = now;
  return GuestCodeOutcome::accepted;
}

bool SqliteStore::revoke_guest(const std::string& guest_id, std::int64_t now) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  const bool changed = sql::Statement(conn_,
                                      "UPDATE guest_invites SET revoked_at = ? "
                                      "WHERE guest_id = ? AND revoked_at IS NULL")
                           .bind(1, now)
                           .bind(2, guest_id)
                           .run() > 0;
  if (!changed) return false;
  // Disabled: every session of theirs stops resolving, and open sockets are closed.
  sql::Statement(conn_, "UPDATE users SET disabled = 1 WHERE id = ?").bind(1, guest_id).run();
  tx.commit();
  return true;
}

}  // namespace haven
