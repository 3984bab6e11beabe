// What handlers may ask of storage. Handlers see only these interfaces, so a PostgreSQL
// implementation can be added beside store/sqlite_store.cpp without touching api/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/appointment_repository.h"
#include "store/attendance_repository.h"
#include "store/delivery_repositories.h"
#include "store/guest_repository.h"
#include "store/safety_repository.h"

namespace haven {

// guest: a person without an account (a partner in couples therapy) who came in with a
// therapist's single-use guest link and code for one appointment (docs/SESSIONS.md
// "Guests"). Stored as a users row with guest_of set; parse_role never yields it, so no
// invitation or role change can make one.
enum class Role { admin, therapist, staff, patient, guest };
const char* role_name(Role role);
std::optional<Role> parse_role(std::string_view text);

struct User {
  std::string id;  // opaque, random
  std::string org_id;
  Role role = Role::patient;
  std::string display_name;
  std::string email;  // stored normalised (lowercase)
  std::string password_hash;
  bool disabled = false;
  bool locked = false;       // too many failed sign-ins; an admin unlocks
  bool mfa_enabled = false;  // a confirmed TOTP secret or a passkey
};

// Roles that must enrol MFA before they may touch PHI (issue: identity and access).
inline bool role_requires_mfa(Role role) {
  return role != Role::patient && role != Role::guest;
}

struct TotpState {
  std::string sealed_secret;   // FieldCipher-sealed; empty when not enrolled
  std::string sealed_pending;  // set up but not yet confirmed
  std::int64_t last_step = 0;  // highest accepted time step (replay refusal)
};

struct Invitation {
  std::string id;
  std::string token_hash;
  std::string org_id;
  Role role = Role::patient;
  std::string display_name;
  std::string invited_by;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
};

enum class AcceptOutcome { accepted, invalid, email_taken };

// One audit event: opaque ids and names only, never PHI content. The tamper-evident log
// (audit/) hashes its canonical encoding (audit/entry.h) as a Merkle tree leaf.
struct AuditRecord {
  std::int64_t at = 0;   // unix seconds (UTC)
  std::string actor_id;  // empty: anonymous
  std::string action;    // "session.signed_in"
  std::string object_type;
  std::string object_id;
  std::string outcome;  // "success" | "failure" | "denied"
  std::string request_id;
  std::string actor_role;  // role_name() of the actor at the time; empty: anonymous
  std::string client_ip;   // the address the request came from
};

struct SessionRecord {
  std::string token_hash;  // SHA-256 of the cookie token; the token itself is never stored
  std::string user_id;
  std::int64_t created_at = 0;  // unix seconds
  std::int64_t last_seen_at = 0;
  std::int64_t expires_at = 0;  // absolute limit
  std::string device;           // "Firefox on Android": from the User-Agent, for people to read
};

enum class EnrollmentStatus { valid, invalid };

class UserRepository {
 public:
  virtual ~UserRepository() = default;
  virtual std::optional<User> find_user(const std::string& id) = 0;
  virtual std::optional<User> find_user_by_email(const std::string& email) = 0;
  virtual std::int64_t count_users() = 0;
  virtual std::vector<User> list_users(const std::string& org_id) = 0;

  virtual TotpState totp_state(const std::string& user_id) = 0;
  virtual void set_totp_pending(const std::string& user_id, const std::string& sealed) = 0;
  // Moves the pending secret to active and replaces the recovery codes, in one transaction.
  virtual void activate_totp(const std::string& user_id, const std::string& sealed,
                             std::int64_t accepted_step,
                             const std::vector<std::string>& recovery_code_hashes) = 0;
  // Atomically raises last_step to step; false if step is not above it (a replay).
  virtual bool advance_totp_step(const std::string& user_id, std::int64_t step) = 0;
  virtual bool use_recovery_code(const std::string& user_id, const std::string& code_hash,
                                 std::int64_t now) = 0;
  virtual std::int64_t recovery_codes_left(const std::string& user_id) = 0;
  virtual void replace_recovery_codes(const std::string& user_id,
                                      const std::vector<std::string>& code_hashes) = 0;
  // Removes TOTP, passkeys and recovery codes and ends every session, in one transaction.
  virtual void reset_mfa(const std::string& user_id) = 0;

  // Counts a failed sign-in; locks the account at threshold. Returns true when locked.
  virtual bool record_signin_failure(const std::string& user_id, int threshold) = 0;
  virtual void clear_signin_failures(const std::string& user_id) = 0;
  virtual void set_locked(const std::string& user_id, bool locked) = 0;
  // Disabling also ends every session of the user, in the same transaction.
  virtual void set_disabled(const std::string& user_id, bool disabled) = 0;
  // New password hash; every session of the user ends in the same transaction.
  virtual void set_password(const std::string& user_id, const std::string& password_hash) = 0;
  // A role change is a privilege change: every session of the user ends with it.
  virtual void set_role(const std::string& user_id, Role role) = 0;
  // False (and nothing changed) when another account has the address.
  virtual bool set_email(const std::string& user_id, const std::string& email) = 0;
};

struct PasswordReset {
  std::string user_id;
  std::int64_t expires_at = 0;
};

// Admin-issued password reset links: single use, stored hashed, and never a way around
// MFA (completing one sets the password only; the person then signs in as usual).
class PasswordResetRepository {
 public:
  virtual ~PasswordResetRepository() = default;
  // Replaces any earlier unused link of the user, so only the newest one works.
  virtual void create_password_reset(const std::string& token_hash, const std::string& user_id,
                                     std::int64_t now, std::int64_t expires_at) = 0;
  virtual std::optional<PasswordReset> find_password_reset(const std::string& token_hash,
                                                           std::int64_t now) = 0;
  // In one transaction: consume the link, set the password, end every session. nullopt
  // (nothing changed) when the link is not valid.
  virtual std::optional<std::string> complete_password_reset(const std::string& token_hash,
                                                             std::int64_t now,
                                                             const std::string& password_hash) = 0;
};

struct Passkey {
  std::string id;  // base64url credential id
  std::string user_id;
  std::string public_key;  // base64url COSE key
  int alg = 0;
  std::int64_t sign_count = 0;
  bool backed_up = false;
  std::string name;  // the user's label, e.g. "Laptop"
  std::int64_t created_at = 0;
};

class PasskeyRepository {
 public:
  virtual ~PasskeyRepository() = default;
  // One outstanding challenge per (user, purpose); a new one replaces the old.
  virtual void put_challenge(const std::string& user_id, const std::string& purpose,
                             const std::string& challenge, std::int64_t expires_at) = 0;
  // Returns and deletes the challenge (single use) if it has not expired.
  virtual std::optional<std::string> take_challenge(const std::string& user_id,
                                                    const std::string& purpose,
                                                    std::int64_t now) = 0;
  // False when a credential with this id exists (any user).
  virtual bool add_passkey(const Passkey& passkey) = 0;
  virtual std::vector<Passkey> passkeys_of(const std::string& user_id) = 0;
  // Passwordless sign-in: challenges issued to nobody in particular, each used once.
  virtual void put_signin_challenge(const std::string& challenge, std::int64_t expires_at) = 0;
  // True when the challenge was issued and is still live; it is gone afterwards either way.
  virtual bool take_signin_challenge(const std::string& challenge, std::int64_t now) = 0;
  // Any user's credential by id (passwordless sign-in starts from the credential).
  virtual std::optional<Passkey> find_passkey(const std::string& credential_id) = 0;
  virtual void record_passkey_use(const std::string& id, std::int64_t sign_count, bool backed_up,
                                  std::int64_t now) = 0;
};

struct CareTeam {
  std::string id;
  std::string org_id;
  std::string name;
  std::vector<std::string> clinician_ids;
  std::vector<std::string> patient_ids;
};

struct BreakGlassGrant {
  std::string id;
  std::string org_id;
  std::string user_id;
  std::string patient_id;
  std::string reason;  // may name clinical facts: sealed at rest under the patient's key
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
};

// Care teams decide who may see which patient: a clinician sees the patients of the teams
// they belong to. Each therapist has a caseload team; patients they invite join it.
class CareTeamRepository {
 public:
  virtual ~CareTeamRepository() = default;
  virtual std::string create_care_team(const std::string& org_id, const std::string& name,
                                       std::int64_t now) = 0;
  virtual std::optional<CareTeam> find_care_team(const std::string& id) = 0;
  virtual std::vector<CareTeam> list_care_teams(const std::string& org_id) = 0;
  // kind: "clinician" or "patient"; present=false removes, and a patient removed from a
  // team also leaves that team's cohorts (same transaction).
  virtual void set_care_team_member(const std::string& team_id, const std::string& user_id,
                                    const std::string& kind, bool present) = 0;
  virtual bool shares_care_team(const std::string& clinician_id, const std::string& patient_id) = 0;
  virtual std::vector<User> patients_of(const std::string& clinician_id) = 0;
  // The clinicians (therapists and staff) of the patient's care teams.
  virtual std::vector<User> clinicians_of(const std::string& patient_id) = 0;
  // The teams the user belongs to as a clinician (therapist or staff).
  virtual std::vector<std::string> clinician_team_ids(const std::string& clinician_id) = 0;

  virtual void create_break_glass(const BreakGlassGrant& grant) = 0;
  virtual bool break_glass_active(const std::string& user_id, const std::string& patient_id,
                                  std::int64_t now) = 0;
  virtual std::vector<BreakGlassGrant> list_break_glass(const std::string& org_id) = 0;
};

// An IOP cohort: a named group of patients treated by one care team. Every patient of a
// cohort is also a patient of its care team, so the team's clinicians can see them.
struct Cohort {
  std::string id;
  std::string org_id;
  std::string care_team_id;
  std::string name;  // sealed at rest under the practice's key, like care team names
  std::vector<std::string> patient_ids;
};

class CohortRepository {
 public:
  virtual ~CohortRepository() = default;
  // care_team_id must be a team of org_id (the caller checks).
  virtual std::string create_cohort(const std::string& org_id, const std::string& care_team_id,
                                    const std::string& name, std::int64_t now) = 0;
  virtual std::optional<Cohort> find_cohort(const std::string& id) = 0;
  virtual std::vector<Cohort> list_cohorts(const std::string& org_id) = 0;
  // Adding also makes the patient a patient of the cohort's care team, in one transaction;
  // removing leaves the care team as it is. False when the cohort does not exist.
  virtual bool set_cohort_member(const std::string& cohort_id, const std::string& patient_id,
                                 bool present, std::int64_t now) = 0;
};

// A video room (docs/SIGNALING.md): its owner and the people allowed to join. No text.
struct Room {
  std::string id;
  std::string org_id;
  std::string owner_id;
  std::vector<std::string> participant_ids;  // without the owner, in the order given
  std::int64_t created_at = 0;
  std::optional<std::int64_t> ended_at;
  // The waiting room (docs/SESSIONS.md): participants the host let in, who enter without
  // waiting from then on (until sent back); a locked room lets nobody else wait.
  std::vector<std::string> admitted_ids;
  bool locked = false;
  // A private check-in (breakout) made from this room, or nullopt for a session's room.
  std::optional<std::string> parent_id;
  bool admits(const std::string& user_id) const;    // the owner or a participant
  bool admitted(const std::string& user_id) const;  // the host let them in
};

// The therapist's note on a session (docs/SESSIONS.md "Notes"): sealed under the
// practice's key; one per room.
struct SessionNote {
  std::string text;
  std::string author_id;
  std::int64_t updated_at = 0;
};

class RoomRepository {
 public:
  virtual ~RoomRepository() = default;
  // The caller has checked the participants (same practice, active, distinct).
  virtual std::string create_room(const std::string& org_id, const std::string& owner_id,
                                  const std::vector<std::string>& participant_ids,
                                  std::int64_t now) = 0;
  virtual std::optional<Room> find_room(const std::string& id) = 0;
  // Open rooms the user owns or may join, newest first (breakouts are not listed: people
  // are moved into them from their call).
  virtual std::vector<Room> open_rooms_of(const std::string& user_id) = 0;
  // A private check-in (docs/SESSIONS.md): a room made from `parent` by its owner for some
  // of its people, who enter it without waiting. Empty when the parent has ended or
  // already has an open one.
  virtual std::string create_breakout(const Room& parent, const std::vector<std::string>& user_ids,
                                      std::int64_t now) = 0;
  // The parent's open breakout, if any.
  virtual std::optional<Room> open_breakout_of(const std::string& parent_id) = 0;
  // False when the room does not exist or has already ended.
  virtual bool end_room(const std::string& id, std::int64_t now) = 0;
  // The host admits people (they enter without waiting from now on) or sends them back.
  virtual void set_room_admitted(const std::string& room_id,
                                 const std::vector<std::string>& user_ids, bool admitted,
                                 std::int64_t now) = 0;
  virtual void set_room_locked(const std::string& room_id, bool locked) = 0;
  virtual std::optional<SessionNote> find_session_note(const std::string& room_id) = 0;
  // Creates or replaces the room's note (sealed under its practice's key).
  virtual void save_session_note(const Room& room, const std::string& author_id,
                                 const std::string& text, std::int64_t now) = 0;
};

class InvitationRepository {
 public:
  virtual ~InvitationRepository() = default;
  virtual void create_invitation(const Invitation& invitation) = 0;
  virtual std::optional<Invitation> find_valid_invitation(const std::string& token_hash,
                                                          std::int64_t now) = 0;
  // In one transaction: consume the invitation and create the user (id assigned here).
  virtual AcceptOutcome accept_invitation(const std::string& token_hash, std::int64_t now,
                                          User& user) = 0;
};

struct AuditEntry {
  std::int64_t seq = 0;  // position in the log
  AuditRecord record;
};

// What an admin filters the audit trail by; empty strings match anything.
struct AuditQuery {
  std::string org_id;         // events by or about this practice's accounts (and anonymous ones)
  std::string actor_id;       // who did it
  std::string object_id;      // whom or what it was done to (a patient, a user)
  std::string action_prefix;  // "patient.record_read"; letters, digits, '.', '_' only
  std::int64_t from = 0;      // unix seconds, inclusive
  std::int64_t to = 0;        // unix seconds, exclusive; 0: no end
  std::int64_t limit = 1000;  // newest first
};

class AuditRepository {
 public:
  virtual ~AuditRepository() = default;
  virtual void append_audit(const AuditRecord& record) = 0;
  virtual std::vector<AuditEntry> search_audit(const AuditQuery& query) = 0;
};

class SessionRepository {
 public:
  virtual ~SessionRepository() = default;
  virtual void create_session(const SessionRecord& session) = 0;
  virtual std::optional<SessionRecord> find_session(const std::string& token_hash) = 0;
  virtual void touch_session(const std::string& token_hash, std::int64_t now) = 0;
  virtual void delete_session(const std::string& token_hash) = 0;
  virtual void delete_sessions_of(const std::string& user_id) = 0;

  // Crypto-shredding ------------------------------------------------------------------
  // The later of the account's creation and the user's latest audited action (unix s).
  virtual std::int64_t last_activity_of(const std::string& user_id) = 0;
  // Destroys the patient's data key (its data_keys row, the cached copy), records the key
  // id in erased_keys and the data folder's erasure ledger, clears the email blind index,
  // disables the account and ends its sessions. Returns the destroyed key id, or nullopt
  // when the patient has no data key (already erased).
  virtual std::optional<std::string> erase_patient(const std::string& user_id,
                                                   std::int64_t now) = 0;
  virtual std::vector<SessionRecord> sessions_of(const std::string& user_id) = 0;

  // Pending second-factor challenges between password and MFA code.
  virtual void create_mfa_challenge(const std::string& token_hash, const std::string& user_id,
                                    std::int64_t expires_at) = 0;
  virtual std::optional<std::string> find_mfa_challenge(const std::string& token_hash,
                                                        std::int64_t now) = 0;
  virtual void delete_mfa_challenge(const std::string& token_hash) = 0;
};

class EnrollmentRepository {
 public:
  virtual ~EnrollmentRepository() = default;
  // Stores a new first-admin token and revokes every earlier unused one, so only the
  // most recently printed link works.
  virtual void create_enrollment(const std::string& token_hash, std::int64_t now,
                                 std::int64_t expires_at) = 0;
  virtual EnrollmentStatus enrollment_status(const std::string& token_hash, std::int64_t now) = 0;
  // In one transaction: consume the token (single use), create the practice if there is
  // none, and create the admin. nullopt when the token is not valid or the email is taken;
  // then nothing changed.
  virtual std::optional<User> complete_enrollment(const std::string& token_hash, std::int64_t now,
                                                  User admin) = 0;
};

class Store : public UserRepository,
              public SessionRepository,
              public EnrollmentRepository,
              public InvitationRepository,
              public PasskeyRepository,
              public CareTeamRepository,
              public PasswordResetRepository,
              public CohortRepository,
              public RoomRepository,
              public AppointmentRepository,
              public GuestRepository,
              public AttendanceRepository,
              public SafetyRepository,
              public DeviceRepository,
              public GroupRepository,
              public RoomFileRepository,
              public AuditRepository {
 public:
  // A unit of work on the calling thread: every write until end_unit() commits together
  // or not at all (see store/unit_of_work.h). Reads before the first write take no lock.
  virtual void begin_unit() = 0;
  virtual void end_unit(bool commit) = 0;
  // Cheap round trip for /readyz.
  virtual bool ready() = 0;
  // Folds the WAL into the main file (graceful shutdown).
  virtual void checkpoint() = 0;
};

}  // namespace haven
