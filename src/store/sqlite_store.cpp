#include "store/sqlite_store.h"

#include "log/logger.h"
#include "store/data_keys.h"
#include "store/migrations.h"
#include "store/seal_rows.h"
#include "store/sqlite_rows.h"
#include "util/secret_bytes.h"

namespace haven {

User read_user(const sql::Statement& q, FieldSealer& sealer) {
  User u;
  u.id = q.text(0);
  u.org_id = q.text(1);
  u.role = parse_role(q.text(2)).value_or(Role::patient);
  u.display_name = sealer.open({"users", "display_name", u.id}, q.text(3));
  u.email = sealer.open({"users", "email", u.id}, q.text(4));
  u.password_hash = q.text(5);
  u.disabled = q.integer(6) != 0;
  u.locked = q.integer(7) != 0;
  u.mfa_enabled = q.integer(8) != 0;
  // Guests' rows say "patient" (the role CHECK predates them) and carry guest_of.
  if (q.integer(9) != 0) u.role = Role::guest;
  return u;
}

const char* role_name(Role role) {
  switch (role) {
    case Role::admin:
      return "admin";
    case Role::therapist:
      return "therapist";
    case Role::staff:
      return "staff";
    case Role::patient:
      return "patient";
    case Role::guest:
      return "guest";
  }
  return "patient";
}
std::optional<Role> parse_role(std::string_view text) {
  for (auto role : {Role::admin, Role::therapist, Role::staff, Role::patient}) {
    if (text == role_name(role)) return role;
  }
  return std::nullopt;
}

SqliteStore::SqliteStore(const std::string& path, int busy_timeout_ms, Keyring& keyring)
    : conn_(path, busy_timeout_ms), keyring_(keyring), sealer_(conn_, keyring) {
  int sealed = 0;
  apply_migrations(conn_, {{9, [&](sql::Connection& c) { seal_existing_rows(c, sealed); }}});
  // Created now, so that reads (sign-in's email lookup) never have to write a key.
  sealer_.key_of(kEmailIndexSubject);
  sealer_.key_of(kFieldCipherSubject);
  if (sealed > 0) purge_old_pages();
}

void SqliteStore::seal_existing_rows(sql::Connection& conn, int& changed) {
  // Before migration 9, TOTP secrets and break-glass reasons were sealed with subkeys
  // of the master key itself; a rotation would strand them, so they move onto keyring
  // keys here (the master key cannot have been rotated yet: rotation needs this table).
  const auto& master = keyring_.current_master_key_for_migration();
  FieldCipher old_totp(master.bytes(), "totp");
  FieldCipher old_notes(master.bytes(), "notes");
  FieldCipher new_totp(sealer_.key_of(kFieldCipherSubject)->bytes(), "totp");
  LegacyCiphers legacy{old_totp, new_totp, old_notes};
  changed = seal_clear_rows(conn, sealer_, &legacy);
  if (changed > 0) log::info("migration.sealed_existing_rows", {{"values", changed}});
}

void SqliteStore::purge_old_pages() {
  // The clear values sealed in place may survive in WAL frames and in free pages:
  // fold the WAL in and truncate it, rebuild the file, and fold that in too.
  // (secure_delete already zeroes freed cells; VACUUM also drops freelist pages.)
  try {
    conn_.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    conn_.exec("VACUUM");
    conn_.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } catch (const sql::Error& e) {
    // Another process holds the file: the data is sealed, only old pages may remain.
    log::warn("migration.vacuum_failed", {{"what", e.what()}});
  }
}

int SqliteStore::seal_clear_values() {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  const int changed = seal_clear_rows(conn_, sealer_, nullptr);
  tx.commit();
  return changed;
}

std::unique_ptr<FieldCipher> SqliteStore::field_cipher(const char* purpose) {
  std::lock_guard lock(mutex_);
  return std::make_unique<FieldCipher>(sealer_.key_of(kFieldCipherSubject)->bytes(), purpose);
}

std::int64_t SqliteStore::rewrap_data_keys(const std::string& target_kek_id) {
  std::lock_guard lock(mutex_);
  // One transaction (BEGIN IMMEDIATE): a server writing at the same time waits, and
  // either every key moves to the new master key or none does.
  sql::Transaction tx(conn_);
  std::int64_t moved = 0;
  for (const auto& key : data_keys::all(conn_)) {
    if (key.kek_id == target_kek_id) continue;
    data_keys::update_wrapping(conn_, keyring_.rewrap(key, target_kek_id));
    ++moved;
  }
  tx.commit();
  return moved;
}

std::map<std::string, std::int64_t> SqliteStore::data_keys_per_kek() {
  std::lock_guard lock(mutex_);
  return data_keys::count_by_kek(conn_);
}

std::optional<User> SqliteStore::find_user_where(const char* column, const std::string& value) {
  // column is one of two literals chosen below, never input.
  std::string sql = std::string(kUserColumns) + " FROM users WHERE " + column + " = ?";
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_, sql);
  q.bind(1, value);
  if (!q.step()) return std::nullopt;
  return read_user(q, sealer_);
}
std::vector<User> SqliteStore::list_users(const std::string& org_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(
      conn_, std::string(kUserColumns) + " FROM users WHERE org_id = ? ORDER BY role, created_at");
  q.bind(1, org_id);
  std::vector<User> out;
  while (q.step()) out.push_back(read_user(q, sealer_));
  return out;
}
std::optional<User> SqliteStore::find_user(const std::string& id) {
  return find_user_where("id", id);
}
std::optional<User> SqliteStore::find_user_by_email(const std::string& email) {
  std::string index;
  {
    std::lock_guard lock(mutex_);
    index = sealer_.email_index(email);
  }
  return find_user_where("email_index", index);
}
std::int64_t SqliteStore::count_users() {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_, "SELECT COUNT(*) FROM users");
  return q.step() ? q.integer(0) : 0;
}
namespace {
SessionRecord read_session(const sql::Statement& q) {
  return {q.text(0), q.text(1), q.integer(2), q.integer(3), q.integer(4), q.text(5)};
}
}  // namespace

void SqliteStore::create_session(const SessionRecord& s) {
  std::lock_guard lock(mutex_);
  sql::Statement(conn_,
                 "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, "
                 "device) VALUES (?, ?, ?, ?, ?, ?)")
      .bind(1, s.token_hash)
      .bind(2, s.user_id)
      .bind(3, s.created_at)
      .bind(4, s.last_seen_at)
      .bind(5, s.expires_at)
      .bind(6, s.device)
      .run();
}
std::optional<SessionRecord> SqliteStore::find_session(const std::string& token_hash) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   "SELECT token_hash, user_id, created_at, last_seen_at, expires_at, device "
                   "FROM sessions WHERE token_hash = ?");
  q.bind(1, token_hash);
  if (!q.step()) return std::nullopt;
  return read_session(q);
}
void SqliteStore::touch_session(const std::string& token_hash, std::int64_t now) {
  std::lock_guard lock(mutex_);
  sql::Statement(conn_, "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?")
      .bind(1, now)
      .bind(2, token_hash)
      .run();
}
void SqliteStore::delete_session(const std::string& token_hash) {
  std::lock_guard lock(mutex_);
  sql::Statement(conn_, "DELETE FROM sessions WHERE token_hash = ?").bind(1, token_hash).run();
}
void SqliteStore::create_enrollment(const std::string& token_hash, std::int64_t now,
                                    std::int64_t expires_at) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  sql::Statement(conn_, "DELETE FROM enrollment_tokens WHERE used_at IS NULL").run();
  sql::Statement(conn_, "INSERT INTO enrollment_tokens VALUES (?, ?, ?, NULL)")
      .bind(1, token_hash)
      .bind(2, now)
      .bind(3, expires_at)
      .run();
  tx.commit();
}
EnrollmentStatus SqliteStore::enrollment_status(const std::string& token_hash, std::int64_t now) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   "SELECT 1 FROM enrollment_tokens "
                   "WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?");
  q.bind(1, token_hash).bind(2, now);
  return q.step() ? EnrollmentStatus::valid : EnrollmentStatus::invalid;
}
std::optional<User> SqliteStore::complete_enrollment(const std::string& token_hash,
                                                     std::int64_t now, User admin) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  int consumed = sql::Statement(conn_,
                                "UPDATE enrollment_tokens SET used_at = ? "
                                "WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?")
                     .bind(1, now)
                     .bind(2, token_hash)
                     .bind(3, now)
                     .run();
  if (consumed != 1) return std::nullopt;  // rolled back by tx's destructor
  {
    sql::Statement taken(conn_, "SELECT 1 FROM users WHERE email_index = ?");
    taken.bind(1, sealer_.email_index(admin.email));
    if (taken.step()) return std::nullopt;
  }
  std::string org_id;
  {
    sql::Statement q(conn_, "SELECT id FROM organisations ORDER BY created_at LIMIT 1");
    if (q.step()) org_id = q.text(0);
  }
  if (org_id.empty()) {
    org_id = random_id();
    sql::Statement(conn_, "INSERT INTO organisations VALUES (?, ?)")
        .bind(1, org_id)
        .bind(2, now)
        .run();
  }
  admin.id = random_id();
  admin.org_id = org_id;
  admin.role = Role::admin;
  insert_user(admin, now);
  tx.commit();
  return admin;
}
std::string SqliteStore::seal_user_field(const User& user, const char* column,
                                         const std::string& value) {
  return sealer_.seal(FieldSealer::user_subject(user.role, user.id, user.org_id),
                      {"users", column, user.id}, value);
}
void SqliteStore::insert_user(const User& user, std::int64_t now) {
  sql::Statement(conn_,
                 "INSERT INTO users (id, org_id, role, display_name, email, email_index, "
                 "password_hash, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)")
      .bind(1, user.id)
      .bind(2, user.org_id)
      .bind(3, role_name(user.role))
      .bind(4, seal_user_field(user, "display_name", user.display_name))
      .bind(5, seal_user_field(user, "email", user.email))
      .bind(6, sealer_.email_index(user.email))
      .bind(7, user.password_hash)
      .bind(8, now)
      .run();
}
void SqliteStore::update_user(const char* sql_text, const std::string& user_id,
                              std::int64_t value) {
  std::lock_guard lock(mutex_);
  sql::Statement(conn_, sql_text).bind(1, value).bind(2, user_id).run();
}
bool SqliteStore::record_signin_failure(const std::string& user_id, int threshold) {
  std::lock_guard lock(mutex_);
  sql::Statement(conn_,
                 "UPDATE users SET failed_signins = failed_signins + 1, "
                 "locked = CASE WHEN failed_signins + 1 >= ? THEN 1 ELSE locked END WHERE id = ?")
      .bind(1, static_cast<std::int64_t>(threshold))
      .bind(2, user_id)
      .run();
  sql::Statement q(conn_, "SELECT locked FROM users WHERE id = ?");
  q.bind(1, user_id);
  return q.step() && q.integer(0) != 0;
}
void SqliteStore::clear_signin_failures(const std::string& user_id) {
  update_user("UPDATE users SET failed_signins = ? WHERE id = ?", user_id, 0);
}
void SqliteStore::set_locked(const std::string& user_id, bool locked) {
  update_user("UPDATE users SET locked = ?, failed_signins = 0 WHERE id = ?", user_id,
              locked ? 1 : 0);
}
void SqliteStore::set_disabled(const std::string& user_id, bool disabled) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  sql::Statement(conn_, "UPDATE users SET disabled = ? WHERE id = ?")
      .bind(1, static_cast<std::int64_t>(disabled ? 1 : 0))
      .bind(2, user_id)
      .run();
  if (disabled) {
    sql::Statement(conn_, "DELETE FROM sessions WHERE user_id = ?").bind(1, user_id).run();
    sql::Statement(conn_, "DELETE FROM mfa_challenges WHERE user_id = ?").bind(1, user_id).run();
  }
  tx.commit();
}
void SqliteStore::delete_sessions_of(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  sql::Statement(conn_, "DELETE FROM sessions WHERE user_id = ?").bind(1, user_id).run();
}
void SqliteStore::create_mfa_challenge(const std::string& token_hash, const std::string& user_id,
                                       std::int64_t expires_at) {
  std::lock_guard lock(mutex_);
  sql::Statement(conn_, "INSERT INTO mfa_challenges VALUES (?, ?, ?)")
      .bind(1, token_hash)
      .bind(2, user_id)
      .bind(3, expires_at)
      .run();
}
std::optional<std::string> SqliteStore::find_mfa_challenge(const std::string& token_hash,
                                                           std::int64_t now) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   "SELECT user_id FROM mfa_challenges WHERE token_hash = ? AND expires_at > ?");
  q.bind(1, token_hash).bind(2, now);
  if (!q.step()) return std::nullopt;
  return q.text(0);
}
void SqliteStore::delete_mfa_challenge(const std::string& token_hash) {
  std::lock_guard lock(mutex_);
  sql::Statement(conn_, "DELETE FROM mfa_challenges WHERE token_hash = ?")
      .bind(1, token_hash)
      .run();
}
bool SqliteStore::ready() {
  try {
    std::lock_guard lock(mutex_);
    sql::Statement q(conn_, "SELECT COUNT(*) FROM schema_migrations");
    return q.step() && q.integer(0) >= static_cast<std::int64_t>(migrations().size());
  } catch (const sql::Error&) {
    return false;
  }
}
void SqliteStore::checkpoint() {
  std::lock_guard lock(mutex_);
  conn_.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

std::vector<SessionRecord> SqliteStore::sessions_of(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   "SELECT token_hash, user_id, created_at, last_seen_at, expires_at, device "
                   "FROM sessions WHERE user_id = ? ORDER BY created_at");
  q.bind(1, user_id);
  std::vector<SessionRecord> out;
  while (q.step()) out.push_back(read_session(q));
  return out;
}

void SqliteStore::begin_unit() {
  conn_.begin_unit(mutex_);
}

void SqliteStore::end_unit(bool commit) {
  conn_.end_unit(commit);
}

void SqliteStore::set_password(const std::string& user_id, const std::string& password_hash) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  sql::Statement(conn_, "UPDATE users SET password_hash = ? WHERE id = ?")
      .bind(1, password_hash)
      .bind(2, user_id)
      .run();
  sql::Statement(conn_, "DELETE FROM sessions WHERE user_id = ?").bind(1, user_id).run();
  tx.commit();
}

}  // namespace haven
