// The SQLite implementation of Store.
//
// Concurrency model: one connection in WAL mode, used by every server thread under one
// mutex, so each repository call (and each transaction inside it) runs alone. Calls are
// short (indexed lookups); SQLite's busy timeout covers other processes such as
// `haven admin enroll` writing to the same file.
//
// Encryption at rest happens here, at the store boundary: every PHI column is sealed
// on the way in and opened on the way out through FieldSealer (store/field_sealer.h),
// so handlers see clear values and the file holds none. Email lookups go through the
// blind index users.email_index.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "crypto/field_cipher.h"
#include "crypto/keyring.h"
#include "store/field_sealer.h"
#include "store/repositories.h"
#include "store/sqlite.h"

namespace haven {
namespace audit {
class AuditKey;
}

class SqliteStore final : public Store {
 public:
  // Opens or creates the database file and applies pending migrations (migration 9
  // seals existing clear rows, then the file is checkpointed and vacuumed so no clear
  // copy is left behind). The keyring must outlive the store.
  SqliteStore(const std::string& path, int busy_timeout_ms, Keyring& keyring);

  // SQLite-specific operations (the CLI's, not the handlers') -------------------------
  // A FieldCipher keyed from the installation's "system:fields" data key.
  std::unique_ptr<FieldCipher> field_cipher(const char* purpose);
  // Master key rotation: every data key not yet under target_kek_id is re-wrapped under
  // it, in one transaction. Returns how many were re-wrapped.
  std::int64_t rewrap_data_keys(const std::string& target_kek_id);
  // kek id -> number of data keys wrapped under it.
  std::map<std::string, std::int64_t> data_keys_per_kek();
  // Seals any PHI value still in clear (idempotent; tests seed rows in clear with SQL).
  int seal_clear_values();

  std::optional<User> find_user(const std::string& id) override;
  std::optional<User> find_user_by_email(const std::string& email) override;
  std::int64_t count_users() override;
  std::vector<User> list_users(const std::string& org_id) override;
  TotpState totp_state(const std::string& user_id) override;
  void set_totp_pending(const std::string& user_id, const std::string& sealed) override;
  void activate_totp(const std::string& user_id, const std::string& sealed,
                     std::int64_t accepted_step,
                     const std::vector<std::string>& recovery_code_hashes) override;
  bool advance_totp_step(const std::string& user_id, std::int64_t step) override;
  bool use_recovery_code(const std::string& user_id, const std::string& code_hash,
                         std::int64_t now) override;
  std::int64_t recovery_codes_left(const std::string& user_id) override;
  void replace_recovery_codes(const std::string& user_id,
                              const std::vector<std::string>& code_hashes) override;
  void reset_mfa(const std::string& user_id) override;
  bool record_signin_failure(const std::string& user_id, int threshold) override;
  void clear_signin_failures(const std::string& user_id) override;
  void set_locked(const std::string& user_id, bool locked) override;
  void set_disabled(const std::string& user_id, bool disabled) override;

  void create_invitation(const Invitation& invitation) override;
  std::optional<Invitation> find_valid_invitation(const std::string& token_hash,
                                                  std::int64_t now) override;
  AcceptOutcome accept_invitation(const std::string& token_hash, std::int64_t now,
                                  User& user) override;
  void append_audit(const AuditRecord& record) override;
  std::vector<AuditEntry> search_audit(const AuditQuery& query) override;

  void put_challenge(const std::string& user_id, const std::string& purpose,
                     const std::string& challenge, std::int64_t expires_at) override;
  std::optional<std::string> take_challenge(const std::string& user_id, const std::string& purpose,
                                            std::int64_t now) override;
  bool add_passkey(const Passkey& passkey) override;
  std::vector<Passkey> passkeys_of(const std::string& user_id) override;
  std::optional<Passkey> find_passkey(const std::string& credential_id) override;
  void put_signin_challenge(const std::string& challenge, std::int64_t expires_at) override;
  bool take_signin_challenge(const std::string& challenge, std::int64_t now) override;
  void record_passkey_use(const std::string& id, std::int64_t sign_count, bool backed_up,
                          std::int64_t now) override;

  std::string create_care_team(const std::string& org_id, const std::string& name,
                               std::int64_t now) override;
  std::optional<CareTeam> find_care_team(const std::string& id) override;
  std::vector<CareTeam> list_care_teams(const std::string& org_id) override;
  void set_care_team_member(const std::string& team_id, const std::string& user_id,
                            const std::string& kind, bool present) override;
  bool shares_care_team(const std::string& clinician_id, const std::string& patient_id) override;
  std::vector<User> patients_of(const std::string& clinician_id) override;
  std::vector<User> clinicians_of(const std::string& patient_id) override;
  std::vector<std::string> clinician_team_ids(const std::string& clinician_id) override;
  void create_break_glass(const BreakGlassGrant& grant) override;
  bool break_glass_active(const std::string& user_id, const std::string& patient_id,
                          std::int64_t now) override;
  std::vector<BreakGlassGrant> list_break_glass(const std::string& org_id) override;

  std::string create_cohort(const std::string& org_id, const std::string& care_team_id,
                            const std::string& name, std::int64_t now) override;
  std::optional<Cohort> find_cohort(const std::string& id) override;
  std::vector<Cohort> list_cohorts(const std::string& org_id) override;
  bool set_cohort_member(const std::string& cohort_id, const std::string& patient_id, bool present,
                         std::int64_t now) override;

  std::string create_room(const std::string& org_id, const std::string& owner_id,
                          const std::vector<std::string>& participant_ids,
                          std::int64_t now) override;
  std::optional<Room> find_room(const std::string& id) override;
  std::vector<Room> open_rooms_of(const std::string& user_id) override;
  std::string create_breakout(const Room& parent, const std::vector<std::string>& user_ids,
                              std::int64_t now) override;
  std::optional<Room> open_breakout_of(const std::string& parent_id) override;
  bool end_room(const std::string& id, std::int64_t now) override;
  void set_room_admitted(const std::string& room_id, const std::vector<std::string>& user_ids,
                         bool admitted, std::int64_t now) override;
  void set_room_locked(const std::string& room_id, bool locked) override;
  std::optional<SessionNote> find_session_note(const std::string& room_id) override;
  void save_session_note(const Room& room, const std::string& author_id, const std::string& text,
                         std::int64_t now) override;
  std::string create_appointment(const Appointment& appointment) override;
  std::optional<Appointment> find_appointment(const std::string& id) override;
  std::vector<Appointment> appointments_of_cohort(const std::string& cohort_id, std::int64_t from,
                                                  std::int64_t to) override;
  std::vector<Appointment> appointments_of(const std::string& user_id, std::int64_t from,
                                           std::int64_t to, int limit) override;
  bool reschedule_appointment(const std::string& id, std::int64_t starts_at,
                              std::int64_t duration_minutes, std::int64_t now) override;
  bool cancel_appointment(const std::string& id, std::int64_t now) override;
  std::string appointment_room(const std::string& id, std::int64_t now) override;

  void create_guest(const GuestInvite& invite, std::int64_t now) override;
  std::vector<GuestInvite> guests_of(const std::string& appointment_id) override;
  std::optional<GuestInvite> find_guest(const std::string& guest_id) override;
  GuestCodeOutcome redeem_guest_link(const std::string& token_hash, const std::string& code_check,
                                     std::int64_t now, int max_failures, GuestInvite& out) override;
  bool revoke_guest(const std::string& guest_id, std::int64_t now) override;
  void record_join(const std::string& room_id, const std::string& user_id,
                   const std::string& peer_id, std::int64_t at) override;
  void record_leave(const std::string& room_id, const std::string& peer_id,
                    std::int64_t at) override;
  int close_open_attendance(std::int64_t at) override;
  std::vector<AttendanceRow> attendance_of_room(const std::string& room_id) override;
  void save_safety_check(const User& person, const SafetyCheck& check) override;
  std::vector<SafetyCheck> safety_checks_of_room(const std::string& room_id) override;
  std::optional<SafetyCheck> latest_safety_check(const std::string& user_id) override;

  std::string register_device(const std::string& user_id, const ByteVector& signature_key,
                              std::int64_t now) override;
  std::optional<Device> find_device(const std::string& id) override;
  std::vector<Device> devices_of(const std::string& user_id) override;
  void touch_device(const std::string& id, std::int64_t now) override;
  bool revoke_device(const std::string& id, std::int64_t now) override;
  std::optional<int> add_key_packages(const std::string& device_id,
                                      const std::vector<ByteVector>& key_packages,
                                      int max_outstanding, std::int64_t now) override;
  std::optional<ByteVector> claim_key_package(const std::string& device_id) override;
  int count_key_packages(const std::string& device_id) override;

  std::optional<std::string> add_room_file(const std::string& room_id,
                                           const std::string& uploader_id, const ByteVector& body,
                                           std::int64_t max_room_bytes, std::int64_t now) override;
  std::optional<RoomFile> find_room_file(const std::string& id) override;

  bool create_group(const std::string& room_id, const std::string& device_id,
                    std::int64_t now) override;
  std::optional<GroupState> find_group(const std::string& room_id) override;
  AppendResult append_group_messages(const std::string& room_id, EpochRule rule,
                                     std::vector<GroupMessage>& messages,
                                     std::int64_t max_messages) override;
  std::vector<GroupMessage> group_messages_after(const std::string& room_id, std::int64_t after_seq,
                                                 const std::string& device_id, int limit) override;

  void create_session(const SessionRecord& session) override;
  std::optional<SessionRecord> find_session(const std::string& token_hash) override;
  void touch_session(const std::string& token_hash, std::int64_t now) override;
  void delete_session(const std::string& token_hash) override;
  void delete_sessions_of(const std::string& user_id) override;
  std::vector<SessionRecord> sessions_of(const std::string& user_id) override;
  void set_password(const std::string& user_id, const std::string& password_hash) override;
  void set_role(const std::string& user_id, Role role) override;
  bool set_email(const std::string& user_id, const std::string& email) override;
  void create_password_reset(const std::string& token_hash, const std::string& user_id,
                             std::int64_t now, std::int64_t expires_at) override;
  std::optional<PasswordReset> find_password_reset(const std::string& token_hash,
                                                   std::int64_t now) override;
  std::optional<std::string> complete_password_reset(const std::string& token_hash,
                                                     std::int64_t now,
                                                     const std::string& password_hash) override;
  void create_mfa_challenge(const std::string& token_hash, const std::string& user_id,
                            std::int64_t expires_at) override;
  std::optional<std::string> find_mfa_challenge(const std::string& token_hash,
                                                std::int64_t now) override;
  void delete_mfa_challenge(const std::string& token_hash) override;

  void create_enrollment(const std::string& token_hash, std::int64_t now,
                         std::int64_t expires_at) override;
  EnrollmentStatus enrollment_status(const std::string& token_hash, std::int64_t now) override;
  std::optional<User> complete_enrollment(const std::string& token_hash, std::int64_t now,
                                          User admin) override;

  std::int64_t last_activity_of(const std::string& user_id) override;
  std::optional<std::string> erase_patient(const std::string& user_id, std::int64_t now) override;

  void begin_unit() override;
  void end_unit(bool commit) override;
  bool ready() override;
  void checkpoint() override;

  // Audit entries get an authentication code under this key (store/sqlite_audit.h).
  void set_audit_key(std::shared_ptr<const audit::AuditKey> key) { audit_key_ = std::move(key); }

 private:
  std::optional<User> find_user_where(const char* column, const std::string& value);
  // One UPDATE on users by id, run under the mutex.
  void update_user(const char* sql, const std::string& user_id, std::int64_t value);
  void insert_user(const User& user, std::int64_t now);
  CareTeam read_members(CareTeam team);
  Cohort read_cohort_members(Cohort cohort);
  Room read_room(sql::Statement& row);
  GuestInvite read_guest(sql::Statement& q);
  Appointment read_appointment(sql::Statement& row);
  std::vector<User> care_contacts(const std::string& user_id, const char* kind, const char* other);
  std::string insert_room(const std::string& org_id, const std::string& owner_id,
                          const std::vector<std::string>& participant_ids, std::int64_t now);
  Device read_device(sql::Statement& row);
  void write_recovery_codes(const std::string& user_id, const std::vector<std::string>& hashes);
  // Seals user's name, email and passkey labels again under the subject of user.role.
  void reseal_user(const User& user);
  // Migration 9's code step, and what it leaves behind: removes clear copies from the
  // WAL and free pages after rows were sealed in place.
  void seal_existing_rows(sql::Connection& conn, int& changed);
  void purge_old_pages();
  std::string seal_user_field(const User& user, const char* column, const std::string& value);

  std::recursive_mutex mutex_;  // recursive: a unit of work holds it across calls
  sql::Connection conn_;
  std::shared_ptr<const audit::AuditKey> audit_key_;
  Keyring& keyring_;
  FieldSealer sealer_;
};

}  // namespace haven
