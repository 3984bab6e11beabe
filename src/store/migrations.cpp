#include "store/migrations.h"

#include <ctime>

namespace haven {

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> list = {
      {1, "organisations, users, sessions, enrollment", R"sql(
CREATE TABLE organisations (
  id TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL
);
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organisations(id),
  role TEXT NOT NULL CHECK (role IN ('admin','therapist','staff','patient')),
  display_name TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE enrollment_tokens (
  token_hash TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
)sql"},
      {2, "mfa, lockout, invitations, audit", R"sql(
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending TEXT;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN failed_signins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked INTEGER NOT NULL DEFAULT 0;
CREATE TABLE recovery_codes (
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  used_at INTEGER,
  PRIMARY KEY (user_id, code_hash)
);
CREATE TABLE mfa_challenges (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL
);
CREATE TABLE invitations (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL REFERENCES organisations(id),
  role TEXT NOT NULL CHECK (role IN ('admin','therapist','staff','patient')),
  display_name TEXT NOT NULL,
  invited_by TEXT NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  user_id TEXT REFERENCES users(id)
);
CREATE TABLE audit_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor_id TEXT,
  action TEXT NOT NULL,
  object_type TEXT,
  object_id TEXT,
  outcome TEXT NOT NULL,
  request_id TEXT
);
)sql"},
      {3, "passkeys", R"sql(
CREATE TABLE webauthn_credentials (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  public_key TEXT NOT NULL,
  alg INTEGER NOT NULL,
  sign_count INTEGER NOT NULL,
  backed_up INTEGER NOT NULL,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER
);
CREATE INDEX webauthn_credentials_user ON webauthn_credentials(user_id);
CREATE TABLE webauthn_challenges (
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  purpose TEXT NOT NULL,
  challenge TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, purpose)
);
)sql"},
      {4, "care teams and break-glass", R"sql(
CREATE TABLE care_teams (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organisations(id),
  name TEXT NOT NULL,
  caseload_of TEXT REFERENCES users(id),
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX care_teams_caseload ON care_teams(caseload_of) WHERE caseload_of IS NOT NULL;
CREATE TABLE care_team_members (
  team_id TEXT NOT NULL REFERENCES care_teams(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('clinician','patient')),
  PRIMARY KEY (team_id, user_id)
);
CREATE INDEX care_team_members_user ON care_team_members(user_id);
CREATE TABLE break_glass (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organisations(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  patient_id TEXT NOT NULL REFERENCES users(id),
  reason_sealed TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX break_glass_user_patient ON break_glass(user_id, patient_id);
)sql"},
      {5, "password reset links and passwordless challenges", R"sql(
CREATE TABLE password_resets (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX password_resets_user ON password_resets(user_id);
-- Passwordless passkey sign-in: the challenge is issued before anyone is known.
CREATE TABLE signin_challenges (
  challenge TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
);
)sql"},
      {6, "iop cohorts", R"sql(
CREATE TABLE cohorts (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organisations(id),
  care_team_id TEXT NOT NULL REFERENCES care_teams(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX cohorts_org ON cohorts(org_id);
CREATE INDEX cohorts_care_team ON cohorts(care_team_id);
CREATE TABLE cohort_members (
  cohort_id TEXT NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  added_at INTEGER NOT NULL,
  PRIMARY KEY (cohort_id, user_id)
);
CREATE INDEX cohort_members_user ON cohort_members(user_id);
)sql"},
      {7, "session devices", R"sql(
-- A readable device label ("Firefox on Android") so people can tell their sessions apart.
ALTER TABLE sessions ADD COLUMN device TEXT NOT NULL DEFAULT '';
)sql"},
      {kAuditLogMigration, "tamper-evident audit log", R"sql(
ALTER TABLE audit_events ADD COLUMN actor_role TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN client_ip TEXT NOT NULL DEFAULT '';
-- HMAC-SHA-256 (hex) of the entry's leaf hash (audit/audit_key.h); NULL only for entries
-- written before this migration, which the upgrading process seals once.
ALTER TABLE audit_events ADD COLUMN entry_mac TEXT;
CREATE TABLE audit_checkpoints (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tree_size INTEGER NOT NULL,
  root_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  note TEXT NOT NULL
);
CREATE INDEX audit_checkpoints_size ON audit_checkpoints(tree_size);
-- Append-only in Haven's own hands (an attacker with the file can drop these; the Merkle
-- tree and signed checkpoints are what detect that).
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
WHEN OLD.entry_mac IS NOT NULL OR NEW.seq IS NOT OLD.seq
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
CREATE TRIGGER audit_checkpoints_no_change BEFORE UPDATE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
)sql"},
      {9, "envelope encryption: data keys, sealed PHI, email blind index", R"sql(
-- One data key per subject (a patient, a practice, or an installation-wide purpose),
-- stored only wrapped by a master key (KEK) that lives in a file, never here.
CREATE TABLE data_keys (
  key_id TEXT PRIMARY KEY,
  subject_id TEXT NOT NULL UNIQUE,
  kek_id TEXT NOT NULL,
  wrapped_key TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX data_keys_kek ON data_keys(kek_id);
-- Keyed hash of the normalised email: sign-in and "email taken" look up by it, so
-- users.email can hold a sealed value (the old UNIQUE on email now only sees ciphertext).
ALTER TABLE users ADD COLUMN email_index TEXT;
CREATE UNIQUE INDEX users_email_index ON users(email_index);
-- The code step then seals every existing PHI value in place (store/seal_rows.cpp).
)sql",
       true},
      {10, "crypto-shredding: the ledger of destroyed data keys", R"sql(
-- A patient's erasure deletes their data_keys row (the only wrapped copy of the key) and
-- records the key id here, so a value sealed under it reads as erased, not as damaged.
-- The same ids are appended to <data_dir>/erased-keys, outside the database, which a
-- restore applies to an older backup.
CREATE TABLE erased_keys (
  key_id TEXT PRIMARY KEY,
  subject_id TEXT NOT NULL,
  erased_at INTEGER NOT NULL
);
)sql"},
      {11, "audit retention: entries emptied after audit.retention_years keep their leaf hash",
       R"sql(
ALTER TABLE audit_events ADD COLUMN pruned_leaf TEXT;
-- Still append-only, with one exception: retention may empty an entry's content once,
-- keeping its seq, time and authentication code and storing the leaf hash it had.
DROP TRIGGER audit_events_no_update;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
WHEN NEW.seq IS NOT OLD.seq
  OR (OLD.entry_mac IS NOT NULL AND NOT (
      OLD.pruned_leaf IS NULL AND NEW.pruned_leaf IS NOT NULL
      AND NEW.at IS OLD.at AND NEW.entry_mac IS OLD.entry_mac))
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
)sql"},
      {12, "video rooms: an owner and the people allowed to join", R"sql(
-- Rooms carry no text: who may join is a list of user ids (docs/SIGNALING.md).
CREATE TABLE rooms (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  owner_id TEXT NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  ended_at INTEGER
);
CREATE INDEX rooms_owner ON rooms(owner_id);
CREATE TABLE room_participants (
  room_id TEXT NOT NULL REFERENCES rooms(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  PRIMARY KEY (room_id, user_id)
);
CREATE INDEX room_participants_user ON room_participants(user_id);
)sql"},
      {13, "MLS delivery service: device keys, KeyPackages, one group per room", R"sql(
-- Public keys, ids, times and ciphertext only (docs/E2EE.md): the server holds no MLS
-- secret and cannot read a KeyPackage's private half or any message.
CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  signature_key BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX devices_user ON devices(user_id);
CREATE TABLE key_packages (
  id INTEGER PRIMARY KEY,
  device_id TEXT NOT NULL REFERENCES devices(id),
  body BLOB NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX key_packages_device ON key_packages(device_id);
CREATE TABLE mls_groups (
  room_id TEXT PRIMARY KEY REFERENCES rooms(id),
  epoch INTEGER NOT NULL,
  last_seq INTEGER NOT NULL,
  creator_device_id TEXT NOT NULL REFERENCES devices(id),
  created_at INTEGER NOT NULL
);
CREATE TABLE mls_messages (
  room_id TEXT NOT NULL REFERENCES mls_groups(room_id),
  seq INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  kind TEXT NOT NULL,
  sender_device_id TEXT NOT NULL,
  sender_user_id TEXT NOT NULL,
  recipient_device_id TEXT,
  body BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (room_id, seq)
);
)sql"},
      {14, "files shared in a session: ciphertext blobs the server cannot read", R"sql(
-- Encrypted in the browser with a fresh key that travels in an MLS message (docs/E2EE.md);
-- deleted when the room ends.
CREATE TABLE room_files (
  id TEXT PRIMARY KEY,
  room_id TEXT NOT NULL REFERENCES rooms(id),
  uploader_id TEXT NOT NULL REFERENCES users(id),
  size INTEGER NOT NULL,
  body BLOB NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX room_files_room ON room_files(room_id);
)sql"},
      {15, "appointments: scheduled sessions and the room each one opens", R"sql(
-- Ids, a kind and times only (docs/SESSIONS.md): no title or note, nothing to seal.
CREATE TABLE appointments (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  owner_id TEXT NOT NULL REFERENCES users(id),
  kind TEXT NOT NULL CHECK (kind IN ('individual', 'couples', 'group')),
  starts_at INTEGER NOT NULL,
  duration_minutes INTEGER NOT NULL,
  cancelled_at INTEGER,
  room_id TEXT REFERENCES rooms(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX appointments_owner ON appointments(owner_id, starts_at);
CREATE TABLE appointment_participants (
  appointment_id TEXT NOT NULL REFERENCES appointments(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  PRIMARY KEY (appointment_id, user_id)
);
CREATE INDEX appointment_participants_user ON appointment_participants(user_id);
)sql"},
      {16, "attendance: when each person entered and left each call", R"sql(
-- One row per join (peer id), from the media worker's events (docs/SESSIONS.md).
CREATE TABLE attendance (
  room_id TEXT NOT NULL REFERENCES rooms(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  peer_id TEXT NOT NULL,
  joined_at INTEGER NOT NULL,
  left_at INTEGER,
  PRIMARY KEY (room_id, peer_id)
);
CREATE INDEX attendance_user ON attendance(user_id, joined_at);
)sql"},
      {17, "session notes: the therapist's note on a session, sealed", R"sql(
-- body is sealed under the practice's data key (store/field_sealer.h), never clear text.
CREATE TABLE session_notes (
  room_id TEXT PRIMARY KEY REFERENCES rooms(id),
  author_id TEXT NOT NULL REFERENCES users(id),
  body TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
)sql"},
      {18, "waiting room: who the host admitted, and whether the room is locked", R"sql(
-- docs/SESSIONS.md "Waiting room": kept in the database so that a person the host admitted
-- rejoins without waiting again after a network drop or a server restart.
CREATE TABLE room_admissions (
  room_id TEXT NOT NULL REFERENCES rooms(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  admitted_at INTEGER NOT NULL,
  PRIMARY KEY (room_id, user_id)
);
ALTER TABLE rooms ADD COLUMN locked INTEGER NOT NULL DEFAULT 0;
)sql"},
      {19, "guests: single-use links with a code for people without an account", R"sql(
-- docs/SESSIONS.md "Guests". A guest is a users row with guest_of set (its role column
-- says 'patient': the role CHECK cannot change without rebuilding the table); no email,
-- no password, so nobody can sign in as one except through the link.
ALTER TABLE users ADD COLUMN guest_of TEXT REFERENCES appointments(id);
CREATE INDEX users_guest_of ON users(guest_of);
CREATE TABLE guest_invites (
  guest_id TEXT PRIMARY KEY REFERENCES users(id),
  appointment_id TEXT NOT NULL REFERENCES appointments(id),
  token_hash TEXT NOT NULL UNIQUE,
  code_check TEXT NOT NULL,
  invited_by TEXT NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  failed_codes INTEGER NOT NULL DEFAULT 0,
  used_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX guest_invites_appointment ON guest_invites(appointment_id);
)sql"},
      {20, "cohort sessions: a group appointment may belong to an IOP cohort", R"sql(
-- docs/SESSIONS.md "Weekly attendance per cohort": the report gathers a cohort's
-- sessions of a week through this column. Null for every other appointment.
ALTER TABLE appointments ADD COLUMN cohort_id TEXT REFERENCES cohorts(id);
CREATE INDEX appointments_cohort ON appointments(cohort_id, starts_at);
)sql"},
      {21, "safety check: where a patient is and whom to call", R"sql(
-- docs/SESSIONS.md "Safety check at the start". The three texts are sealed under the
-- person's own data key (store/field_sealer.h); one row per person and room, the latest.
CREATE TABLE safety_checks (
  room_id TEXT NOT NULL REFERENCES rooms(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  location TEXT NOT NULL,
  contact_name TEXT NOT NULL,
  contact_phone TEXT NOT NULL,
  confirmed_at INTEGER NOT NULL,
  PRIMARY KEY (room_id, user_id)
);
CREATE INDEX safety_checks_user ON safety_checks(user_id, confirmed_at);
)sql"},
      {22, "private check-ins: a breakout room belongs to the room it was made from", R"sql(
-- docs/SESSIONS.md "Private check-in (breakout)": a child room for some of a call's people.
ALTER TABLE rooms ADD COLUMN parent_id TEXT REFERENCES rooms(id);
CREATE INDEX rooms_parent ON rooms(parent_id);
)sql"},
  };
  return list;
}

int apply_migrations(sql::Connection& conn, const MigrationSteps& steps) {
  conn.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
  sql::Transaction tx(conn);
  int current = 0;
  {
    sql::Statement q(conn, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (q.step()) current = static_cast<int>(q.integer(0));
  }
  const int newest = migrations().empty() ? 0 : migrations().back().version;
  if (current > newest) {
    throw sql::Error("database schema " + std::to_string(current) + " is newer than this binary (" +
                     std::to_string(newest) + ")");
  }
  int applied = 0;
  for (const auto& m : migrations()) {
    if (m.version <= current) continue;
    conn.exec(m.sql);
    if (m.has_code_step) {
      auto step = steps.find(m.version);
      if (step == steps.end()) {
        throw sql::Error("migration " + std::to_string(m.version) + " needs its code step");
      }
      step->second(conn);
    }
    sql::Statement(conn, "INSERT INTO schema_migrations VALUES (?, ?, ?)")
        .bind(1, static_cast<std::int64_t>(m.version))
        .bind(2, m.name)
        .bind(3, static_cast<std::int64_t>(std::time(nullptr)))
        .run();
    ++applied;
  }
  tx.commit();
  return applied;
}

}  // namespace haven
