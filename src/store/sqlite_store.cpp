#include "store/sqlite_store.h"

#include "store/migrations.h"
#include "util/secret_bytes.h"

namespace haven {

const char* role_name(Role role) {
  switch (role) {
    case Role::admin: return "admin";
    case Role::therapist: return "therapist";
    case Role::staff: return "staff";
    case Role::patient: return "patient";
  }
  return "patient";
}

std::optional<Role> parse_role(std::string_view text) {
  for (auto role : {Role::admin, Role::therapist, Role::staff, Role::patient}) {
    if (text == role_name(role)) return role;
  }
  return std::nullopt;
}

namespace {

constexpr const char* kUserColumns =
    "SELECT id, org_id, role, display_name, email, password_hash, disabled, locked, "
    "(totp_secret IS NOT NULL OR EXISTS "
    "(SELECT 1 FROM webauthn_credentials c WHERE c.user_id = users.id))";

User read_user(const sql::Statement& q) {
  User u;
  u.id = q.text(0);
  u.org_id = q.text(1);
  u.role = parse_role(q.text(2)).value_or(Role::patient);
  u.display_name = q.text(3);
  u.email = q.text(4);
  u.password_hash = q.text(5);
  u.disabled = q.integer(6) != 0;
  u.locked = q.integer(7) != 0;
  u.mfa_enabled = q.integer(8) != 0;
  return u;
}

}  // namespace

SqliteStore::SqliteStore(const std::string& path, int busy_timeout_ms)
    : conn_(path, busy_timeout_ms) {
  apply_migrations(conn_);
}

std::optional<User> SqliteStore::find_user_where(const char* column, const std::string& value) {
  // column is one of two literals chosen below, never input.
  std::string sql =
      std::string(kUserColumns) + " FROM users WHERE " + column + " = ?";
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_, sql);
  q.bind(1, value);
  if (!q.step()) return std::nullopt;
  return read_user(q);
}

std::vector<User> SqliteStore::list_users(const std::string& org_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_, std::string(kUserColumns) +
                              " FROM users WHERE org_id = ? ORDER BY role, created_at");
  q.bind(1, org_id);
  std::vector<User> out;
  while (q.step()) out.push_back(read_user(q));
  return out;
}

std::optional<User> SqliteStore::find_user(const std::string& id) {
  return find_user_where("id", id);
}

std::optional<User> SqliteStore::find_user_by_email(const std::string& email) {
  return find_user_where("email", email);
}

std::int64_t SqliteStore::count_users() {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_, "SELECT COUNT(*) FROM users");
  return q.step() ? q.integer(0) : 0;
}

void SqliteStore::create_session(const SessionRecord& s) {
  std::lock_guard lock(mutex_);
  sql::Statement(conn_, "INSERT INTO sessions VALUES (?, ?, ?, ?, ?)")
      .bind(1, s.token_hash)
      .bind(2, s.user_id)
      .bind(3, s.created_at)
      .bind(4, s.last_seen_at)
      .bind(5, s.expires_at)
      .run();
}

std::optional<SessionRecord> SqliteStore::find_session(const std::string& token_hash) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   "SELECT token_hash, user_id, created_at, last_seen_at, expires_at "
                   "FROM sessions WHERE token_hash = ?");
  q.bind(1, token_hash);
  if (!q.step()) return std::nullopt;
  return SessionRecord{q.text(0), q.text(1), q.integer(2), q.integer(3), q.integer(4)};
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

EnrollmentStatus SqliteStore::enrollment_status(const std::string& token_hash,
                                                std::int64_t now) {
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
    sql::Statement taken(conn_, "SELECT 1 FROM users WHERE email = ?");
    taken.bind(1, admin.email);
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

void SqliteStore::insert_user(const User& user, std::int64_t now) {
  sql::Statement(conn_,
                 "INSERT INTO users (id, org_id, role, display_name, email, password_hash, "
                 "disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)")
      .bind(1, user.id)
      .bind(2, user.org_id)
      .bind(3, role_name(user.role))
      .bind(4, user.display_name)
      .bind(5, user.email)
      .bind(6, user.password_hash)
      .bind(7, now)
      .run();
}

void SqliteStore::update_user(const char* sql_text, const std::string& user_id,
                              std::int64_t value) {
  std::lock_guard lock(mutex_);
  sql::Statement(conn_, sql_text).bind(1, value).bind(2, user_id).run();
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
  sql::Statement(conn_,
                 "UPDATE users SET totp_secret = NULL, totp_pending = NULL WHERE id = ?")
      .bind(1, user_id)
      .run();
  sql::Statement(conn_, "DELETE FROM recovery_codes WHERE user_id = ?").bind(1, user_id).run();
  sql::Statement(conn_, "DELETE FROM webauthn_credentials WHERE user_id = ?")
      .bind(1, user_id)
      .run();
  tx.commit();
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

void SqliteStore::create_invitation(const Invitation& inv) {
  std::lock_guard lock(mutex_);
  sql::Statement(conn_,
                 "INSERT INTO invitations (id, token_hash, org_id, role, display_name, "
                 "invited_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, inv.id)
      .bind(2, inv.token_hash)
      .bind(3, inv.org_id)
      .bind(4, role_name(inv.role))
      .bind(5, inv.display_name)
      .bind(6, inv.invited_by)
      .bind(7, inv.created_at)
      .bind(8, inv.expires_at)
      .run();
}

std::optional<Invitation> SqliteStore::find_valid_invitation(const std::string& token_hash,
                                                             std::int64_t now) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   "SELECT id, token_hash, org_id, role, display_name, invited_by, created_at, "
                   "expires_at FROM invitations "
                   "WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?");
  q.bind(1, token_hash).bind(2, now);
  if (!q.step()) return std::nullopt;
  return Invitation{q.text(0), q.text(1), q.text(2), parse_role(q.text(3)).value_or(Role::patient),
                    q.text(4), q.text(5), q.integer(6), q.integer(7)};
}

AcceptOutcome SqliteStore::accept_invitation(const std::string& token_hash, std::int64_t now,
                                             User& user) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  sql::Statement q(conn_,
                   "SELECT id, org_id, role, display_name FROM invitations "
                   "WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?");
  q.bind(1, token_hash).bind(2, now);
  if (!q.step()) return AcceptOutcome::invalid;
  const std::string invitation_id = q.text(0);
  {
    sql::Statement taken(conn_, "SELECT 1 FROM users WHERE email = ?");
    taken.bind(1, user.email);
    if (taken.step()) return AcceptOutcome::email_taken;  // rolled back: nothing changed
  }
  user.id = random_id();
  user.org_id = q.text(1);
  user.role = parse_role(q.text(2)).value_or(Role::patient);
  user.display_name = q.text(3);
  insert_user(user, now);
  sql::Statement(conn_, "UPDATE invitations SET used_at = ?, user_id = ? WHERE id = ?")
      .bind(1, now)
      .bind(2, user.id)
      .bind(3, invitation_id)
      .run();
  if (user.role == Role::patient) {
    // The inviting therapist's caseload team gets the patient, in the same transaction.
    sql::Statement inviter(conn_,
                           "SELECT i.invited_by FROM invitations i JOIN users u ON u.id = "
                           "i.invited_by WHERE i.id = ? AND u.role = 'therapist'");
    inviter.bind(1, invitation_id);
    if (inviter.step()) {
      const std::string therapist = inviter.text(0);
      sql::Statement team_q(conn_, "SELECT id FROM care_teams WHERE caseload_of = ?");
      team_q.bind(1, therapist);
      std::string team_id = team_q.step() ? team_q.text(0) : "";
      if (team_id.empty()) {
        team_id = random_id();
        sql::Statement(conn_, "INSERT INTO care_teams VALUES (?, ?, 'Caseload', ?, ?)")
            .bind(1, team_id)
            .bind(2, user.org_id)
            .bind(3, therapist)
            .bind(4, now)
            .run();
        sql::Statement(conn_, "INSERT INTO care_team_members VALUES (?, ?, 'clinician')")
            .bind(1, team_id)
            .bind(2, therapist)
            .run();
      }
      sql::Statement(conn_, "INSERT INTO care_team_members VALUES (?, ?, 'patient')")
          .bind(1, team_id)
          .bind(2, user.id)
          .run();
    }
  }
  tx.commit();
  return AcceptOutcome::accepted;
}

void SqliteStore::append_audit(const AuditRecord& r) {
  std::lock_guard lock(mutex_);
  sql::Statement(conn_,
                 "INSERT INTO audit_events (at, actor_id, action, object_type, object_id, "
                 "outcome, request_id) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind(1, r.at)
      .bind(2, r.actor_id)
      .bind(3, r.action)
      .bind(4, r.object_type)
      .bind(5, r.object_id)
      .bind(6, r.outcome)
      .bind(7, r.request_id)
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
  return sql::Statement(conn_,
                        "INSERT OR IGNORE INTO webauthn_credentials (id, user_id, public_key, alg, "
                        "sign_count, backed_up, name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
             .bind(1, p.id)
             .bind(2, p.user_id)
             .bind(3, p.public_key)
             .bind(4, static_cast<std::int64_t>(p.alg))
             .bind(5, p.sign_count)
             .bind(6, static_cast<std::int64_t>(p.backed_up ? 1 : 0))
             .bind(7, p.name)
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
  while (q.step()) {
    out.push_back({q.text(0), q.text(1), q.text(2), static_cast<int>(q.integer(3)), q.integer(4),
                   q.integer(5) != 0, q.text(6), q.integer(7)});
  }
  return out;
}

void SqliteStore::record_passkey_use(const std::string& id, std::int64_t sign_count,
                                     bool backed_up, std::int64_t now) {
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

std::string SqliteStore::create_care_team(const std::string& org_id, const std::string& name,
                                          std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto id = random_id();
  sql::Statement(conn_, "INSERT INTO care_teams VALUES (?, ?, ?, NULL, ?)")
      .bind(1, id)
      .bind(2, org_id)
      .bind(3, name)
      .bind(4, now)
      .run();
  return id;
}

CareTeam SqliteStore::read_members(CareTeam team) {
  sql::Statement q(conn_, "SELECT user_id, kind FROM care_team_members WHERE team_id = ?");
  q.bind(1, team.id);
  while (q.step()) {
    (q.text(1) == "patient" ? team.patient_ids : team.clinician_ids).push_back(q.text(0));
  }
  return team;
}

std::optional<CareTeam> SqliteStore::find_care_team(const std::string& id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_, "SELECT id, org_id, name FROM care_teams WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_members({q.text(0), q.text(1), q.text(2), {}, {}});
}

std::vector<CareTeam> SqliteStore::list_care_teams(const std::string& org_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   "SELECT id, org_id, name FROM care_teams WHERE org_id = ? ORDER BY created_at");
  q.bind(1, org_id);
  std::vector<CareTeam> out;
  while (q.step()) out.push_back({q.text(0), q.text(1), q.text(2), {}, {}});
  for (auto& team : out) team = read_members(std::move(team));
  return out;
}

void SqliteStore::set_care_team_member(const std::string& team_id, const std::string& user_id,
                                       const std::string& kind, bool present) {
  std::lock_guard lock(mutex_);
  if (present) {
    sql::Statement(conn_, "INSERT OR REPLACE INTO care_team_members VALUES (?, ?, ?)")
        .bind(1, team_id)
        .bind(2, user_id)
        .bind(3, kind)
        .run();
  } else {
    sql::Statement(conn_, "DELETE FROM care_team_members WHERE team_id = ? AND user_id = ?")
        .bind(1, team_id)
        .bind(2, user_id)
        .run();
  }
}

bool SqliteStore::shares_care_team(const std::string& clinician_id, const std::string& patient_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   "SELECT 1 FROM care_team_members c JOIN care_team_members p "
                   "ON c.team_id = p.team_id WHERE c.user_id = ? AND c.kind = 'clinician' "
                   "AND p.user_id = ? AND p.kind = 'patient' LIMIT 1");
  q.bind(1, clinician_id).bind(2, patient_id);
  return q.step();
}

std::vector<User> SqliteStore::patients_of(const std::string& clinician_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_, std::string(kUserColumns) +
                              " FROM users WHERE id IN (SELECT p.user_id FROM care_team_members c "
                              "JOIN care_team_members p ON c.team_id = p.team_id WHERE "
                              "c.user_id = ? AND c.kind = 'clinician' AND p.kind = 'patient') "
                              "ORDER BY created_at");
  q.bind(1, clinician_id);
  std::vector<User> out;
  while (q.step()) out.push_back(read_user(q));
  return out;
}

void SqliteStore::create_break_glass(const BreakGlassGrant& g) {
  std::lock_guard lock(mutex_);
  sql::Statement(conn_, "INSERT INTO break_glass VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind(1, g.id)
      .bind(2, g.org_id)
      .bind(3, g.user_id)
      .bind(4, g.patient_id)
      .bind(5, g.reason_sealed)
      .bind(6, g.created_at)
      .bind(7, g.expires_at)
      .run();
}

bool SqliteStore::break_glass_active(const std::string& user_id, const std::string& patient_id,
                                     std::int64_t now) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   "SELECT 1 FROM break_glass WHERE user_id = ? AND patient_id = ? "
                   "AND expires_at > ? LIMIT 1");
  q.bind(1, user_id).bind(2, patient_id).bind(3, now);
  return q.step();
}

std::vector<BreakGlassGrant> SqliteStore::list_break_glass(const std::string& org_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   "SELECT id, org_id, user_id, patient_id, reason_sealed, created_at, expires_at "
                   "FROM break_glass WHERE org_id = ? ORDER BY created_at DESC");
  q.bind(1, org_id);
  std::vector<BreakGlassGrant> out;
  while (q.step()) {
    out.push_back({q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.integer(5),
                   q.integer(6)});
  }
  return out;
}

}  // namespace haven
