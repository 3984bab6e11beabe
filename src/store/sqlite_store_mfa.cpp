// SqliteStore: second factors (TOTP, recovery codes, passkeys and their challenges).
#include "store/sqlite_rows.h"
#include "store/sqlite_store.h"
#include "util/secret_bytes.h"

namespace haven {

Passkey read_passkey(const sql::Statement& q, FieldSealer& sealer) {
  const std::string id = q.text(0);
  return Passkey{id,
                 q.text(1),
                 q.text(2),
                 static_cast<int>(q.integer(3)),
                 q.integer(4),
                 q.integer(5) != 0,
                 sealer.open({"webauthn_credentials", "name", id}, q.text(6)),
                 q.integer(7)};
}

TotpState SqliteStore::totp_state(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   "SELECT COALESCE(totp_secret, ''), COALESCE(totp_pending, ''), totp_last_step "
                   "FROM users WHERE id = ?");
  q.bind(1, user_id);
  if (!q.step()) return {};
  return {q.text(0), q.text(1), q.integer(2)};
}

void SqliteStore::set_totp_pending(const std::string& user_id, const std::string& sealed) {
  std::lock_guard lock(mutex_);
  sql::Statement(conn_, "UPDATE users SET totp_pending = ? WHERE id = ?")
      .bind(1, sealed)
      .bind(2, user_id)
      .run();
}

void SqliteStore::activate_totp(const std::string& user_id, const std::string& sealed,
                                std::int64_t accepted_step,
                                const std::vector<std::string>& recovery_code_hashes) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  sql::Statement(conn_,
                 "UPDATE users SET totp_secret = ?, totp_pending = NULL, totp_last_step = ? "
                 "WHERE id = ?")
      .bind(1, sealed)
      .bind(2, accepted_step)
      .bind(3, user_id)
      .run();
  write_recovery_codes(user_id, recovery_code_hashes);
  tx.commit();
}

void SqliteStore::replace_recovery_codes(const std::string& user_id,
                                         const std::vector<std::string>& code_hashes) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  write_recovery_codes(user_id, code_hashes);
  tx.commit();
}

void SqliteStore::write_recovery_codes(const std::string& user_id,
                                       const std::vector<std::string>& hashes) {
  sql::Statement(conn_, "DELETE FROM recovery_codes WHERE user_id = ?").bind(1, user_id).run();
  for (auto& hash : hashes) {
    sql::Statement(conn_, "INSERT INTO recovery_codes VALUES (?, ?, NULL)")
        .bind(1, user_id)
        .bind(2, hash)
        .run();
  }
}

bool SqliteStore::advance_totp_step(const std::string& user_id, std::int64_t step) {
  std::lock_guard lock(mutex_);
  return sql::Statement(conn_,
                        "UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?")
             .bind(1, step)
             .bind(2, user_id)
             .bind(3, step)
             .run() == 1;
}

bool SqliteStore::use_recovery_code(const std::string& user_id, const std::string& code_hash,
                                    std::int64_t now) {
  std::lock_guard lock(mutex_);
  return sql::Statement(conn_,
                        "UPDATE recovery_codes SET used_at = ? "
                        "WHERE user_id = ? AND code_hash = ? AND used_at IS NULL")
             .bind(1, now)
             .bind(2, user_id)
             .bind(3, code_hash)
             .run() == 1;
}

std::int64_t SqliteStore::recovery_codes_left(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   "SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL");
  q.bind(1, user_id);
  return q.step() ? q.integer(0) : 0;
}

void SqliteStore::reset_mfa(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  sql::Statement(conn_, "UPDATE users SET totp_secret = NULL, totp_pending = NULL WHERE id = ?")
      .bind(1, user_id)
      .run();
  sql::Statement(conn_, "DELETE FROM recovery_codes WHERE user_id = ?").bind(1, user_id).run();
  sql::Statement(conn_, "DELETE FROM webauthn_credentials WHERE user_id = ?")
      .bind(1, user_id)
      .run();
  sql::Statement(conn_, "DELETE FROM sessions WHERE user_id = ?").bind(1, user_id).run();
  tx.commit();
}

void SqliteStore::put_challenge(const std::string& user_id, const std::string& purpose,
                                const std::string& challenge, std::int64_t expires_at) {
  std::lock_guard lock(mutex_);
  sql::Statement(conn_, "INSERT OR REPLACE INTO webauthn_challenges VALUES (?, ?, ?, ?)")
      .bind(1, user_id)
      .bind(2, purpose)
      .bind(3, challenge)
      .bind(4, expires_at)
      .run();
}

std::optional<std::string> SqliteStore::take_challenge(const std::string& user_id,
                                                       const std::string& purpose,
                                                       std::int64_t now) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  sql::Statement q(conn_,
                   "SELECT challenge, expires_at FROM webauthn_challenges "
                   "WHERE user_id = ? AND purpose = ?");
  q.bind(1, user_id).bind(2, purpose);
  if (!q.step()) return std::nullopt;
  std::string challenge = q.text(0);
  bool live = q.integer(1) > now;
  sql::Statement(conn_, "DELETE FROM webauthn_challenges WHERE user_id = ? AND purpose = ?")
      .bind(1, user_id)
      .bind(2, purpose)
      .run();
  tx.commit();
  if (!live) return std::nullopt;
  return challenge;
}

bool SqliteStore::add_passkey(const Passkey& p) {
  std::lock_guard lock(mutex_);
  // The label is the user's own words ("Ann's phone"): sealed like their name.
  auto owner = find_user(p.user_id);
  if (!owner) return false;
  return sql::Statement(conn_,
                        "INSERT OR IGNORE INTO webauthn_credentials (id, user_id, public_key, alg, "
                        "sign_count, backed_up, name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
             .bind(1, p.id)
             .bind(2, p.user_id)
             .bind(3, p.public_key)
             .bind(4, static_cast<std::int64_t>(p.alg))
             .bind(5, p.sign_count)
             .bind(6, static_cast<std::int64_t>(p.backed_up ? 1 : 0))
             .bind(7, sealer_.seal(FieldSealer::user_subject(owner->role, owner->id, owner->org_id),
                                   {"webauthn_credentials", "name", p.id}, p.name))
             .bind(8, p.created_at)
             .run() == 1;
}

std::vector<Passkey> SqliteStore::passkeys_of(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   "SELECT id, user_id, public_key, alg, sign_count, backed_up, name, created_at "
                   "FROM webauthn_credentials WHERE user_id = ? ORDER BY created_at");
  q.bind(1, user_id);
  std::vector<Passkey> out;
  while (q.step()) out.push_back(read_passkey(q, sealer_));
  return out;
}

void SqliteStore::record_passkey_use(const std::string& id, std::int64_t sign_count, bool backed_up,
                                     std::int64_t now) {
  std::lock_guard lock(mutex_);
  sql::Statement(conn_,
                 "UPDATE webauthn_credentials SET sign_count = ?, backed_up = ?, last_used_at = ? "
                 "WHERE id = ?")
      .bind(1, sign_count)
      .bind(2, static_cast<std::int64_t>(backed_up ? 1 : 0))
      .bind(3, now)
      .bind(4, id)
      .run();
}

}  // namespace haven
