// SqliteStore: account changes an admin or the user makes (role, email), admin-issued
// password reset links, and the lookups behind passwordless passkey sign-in.
#include "store/sqlite_rows.h"
#include "store/sqlite_store.h"

namespace haven {

void SqliteStore::set_role(const std::string& user_id, Role role) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  auto before = find_user(user_id);
  sql::Statement(conn_, "UPDATE users SET role = ? WHERE id = ?")
      .bind(1, role_name(role))
      .bind(2, user_id)
      .run();
  // Into or out of the patient role the fields change subject (own key / practice key).
  if (before && (before->role == Role::patient) != (role == Role::patient)) {
    User after = *before;
    after.role = role;
    reseal_user(after);
  }
  sql::Statement(conn_, "DELETE FROM sessions WHERE user_id = ?").bind(1, user_id).run();
  tx.commit();
}

void SqliteStore::reseal_user(const User& user) {
  sql::Statement(conn_, "UPDATE users SET display_name = ?, email = ? WHERE id = ?")
      .bind(1, seal_user_field(user, "display_name", user.display_name))
      .bind(2, seal_user_field(user, "email", user.email))
      .bind(3, user.id)
      .run();
  const auto subject = FieldSealer::user_subject(user.role, user.id, user.org_id);
  for (const auto& passkey : passkeys_of(user.id)) {
    sql::Statement(conn_, "UPDATE webauthn_credentials SET name = ? WHERE id = ?")
        .bind(1, sealer_.seal(subject, {"webauthn_credentials", "name", passkey.id}, passkey.name))
        .bind(2, passkey.id)
        .run();
  }
}

bool SqliteStore::set_email(const std::string& user_id, const std::string& email) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  const std::string index = sealer_.email_index(email);
  sql::Statement taken(conn_, "SELECT 1 FROM users WHERE email_index = ? AND id != ?");
  taken.bind(1, index).bind(2, user_id);
  if (taken.step()) return false;  // rolled back: nothing changed
  auto user = find_user(user_id);
  if (!user) return false;
  sql::Statement(conn_, "UPDATE users SET email = ?, email_index = ? WHERE id = ?")
      .bind(1, seal_user_field(*user, "email", email))
      .bind(2, index)
      .bind(3, user_id)
      .run();
  tx.commit();
  return true;
}

void SqliteStore::create_password_reset(const std::string& token_hash, const std::string& user_id,
                                        std::int64_t now, std::int64_t expires_at) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  sql::Statement(conn_, "DELETE FROM password_resets WHERE user_id = ? AND used_at IS NULL")
      .bind(1, user_id)
      .run();
  sql::Statement(conn_, "INSERT INTO password_resets VALUES (?, ?, ?, ?, NULL)")
      .bind(1, token_hash)
      .bind(2, user_id)
      .bind(3, now)
      .bind(4, expires_at)
      .run();
  tx.commit();
}

std::optional<PasswordReset> SqliteStore::find_password_reset(const std::string& token_hash,
                                                              std::int64_t now) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   "SELECT user_id, expires_at FROM password_resets "
                   "WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?");
  q.bind(1, token_hash).bind(2, now);
  if (!q.step()) return std::nullopt;
  return PasswordReset{q.text(0), q.integer(1)};
}

std::optional<std::string> SqliteStore::complete_password_reset(const std::string& token_hash,
                                                                std::int64_t now,
                                                                const std::string& password_hash) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  sql::Statement q(conn_,
                   "SELECT user_id FROM password_resets "
                   "WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?");
  q.bind(1, token_hash).bind(2, now);
  if (!q.step()) return std::nullopt;
  const std::string user_id = q.text(0);
  sql::Statement(conn_, "UPDATE password_resets SET used_at = ? WHERE token_hash = ?")
      .bind(1, now)
      .bind(2, token_hash)
      .run();
  // A reset also clears a lockout: the admin who issued it has vouched for the person.
  sql::Statement(conn_,
                 "UPDATE users SET password_hash = ?, locked = 0, failed_signins = 0 WHERE id = ?")
      .bind(1, password_hash)
      .bind(2, user_id)
      .run();
  sql::Statement(conn_, "DELETE FROM sessions WHERE user_id = ?").bind(1, user_id).run();
  sql::Statement(conn_, "DELETE FROM mfa_challenges WHERE user_id = ?").bind(1, user_id).run();
  tx.commit();
  return user_id;
}

std::optional<Passkey> SqliteStore::find_passkey(const std::string& credential_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   "SELECT id, user_id, public_key, alg, sign_count, backed_up, name, created_at "
                   "FROM webauthn_credentials WHERE id = ?");
  q.bind(1, credential_id);
  if (!q.step()) return std::nullopt;
  return read_passkey(q, sealer_);
}

void SqliteStore::put_signin_challenge(const std::string& challenge, std::int64_t expires_at) {
  std::lock_guard lock(mutex_);
  sql::Statement(conn_, "INSERT INTO signin_challenges VALUES (?, ?)")
      .bind(1, challenge)
      .bind(2, expires_at)
      .run();
}

bool SqliteStore::take_signin_challenge(const std::string& challenge, std::int64_t now) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  // Expired challenges of abandoned ceremonies go here too, so the table stays small.
  sql::Statement(conn_, "DELETE FROM signin_challenges WHERE expires_at <= ?").bind(1, now).run();
  bool found = false;
  {
    sql::Statement q(conn_, "SELECT 1 FROM signin_challenges WHERE challenge = ?");
    q.bind(1, challenge);
    found = q.step();
  }
  sql::Statement(conn_, "DELETE FROM signin_challenges WHERE challenge = ?")
      .bind(1, challenge)
      .run();
  tx.commit();
  return found;
}

}  // namespace haven
