// SqliteStore: invitations, care teams, break-glass grants and the audit table.
#include "store/sqlite_audit.h"
// Invitation names and care team names are sealed under the practice's data key,
// break-glass reasons under the patient's (store/field_sealer.h).
#include "store/sqlite_rows.h"
#include "store/sqlite_store.h"
#include "util/secret_bytes.h"

namespace haven {

void SqliteStore::create_invitation(const Invitation& inv) {
  std::lock_guard lock(mutex_);
  sql::Statement(conn_,
                 "INSERT INTO invitations (id, token_hash, org_id, role, display_name, "
                 "invited_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, inv.id)
      .bind(2, inv.token_hash)
      .bind(3, inv.org_id)
      .bind(4, role_name(inv.role))
      .bind(5, sealer_.seal(FieldSealer::org_subject(inv.org_id),
                            {"invitations", "display_name", inv.id}, inv.display_name))
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
  const std::string id = q.text(0);
  return Invitation{id,
                    q.text(1),
                    q.text(2),
                    parse_role(q.text(3)).value_or(Role::patient),
                    sealer_.open({"invitations", "display_name", id}, q.text(4)),
                    q.text(5),
                    q.integer(6),
                    q.integer(7)};
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
    sql::Statement taken(conn_, "SELECT 1 FROM users WHERE email_index = ?");
    taken.bind(1, sealer_.email_index(user.email));
    if (taken.step()) return AcceptOutcome::email_taken;  // rolled back: nothing changed
  }
  user.id = random_id();
  user.org_id = q.text(1);
  user.role = parse_role(q.text(2)).value_or(Role::patient);
  user.display_name = sealer_.open({"invitations", "display_name", invitation_id}, q.text(3));
  insert_user(user, now);
  // The name now lives in the account, under the patient's own key; the used invitation
  // keeps none, so erasing the patient leaves no copy under the practice key.
  sql::Statement(conn_,
                 "UPDATE invitations SET used_at = ?, user_id = ?, display_name = ? WHERE id = ?")
      .bind(1, now)
      .bind(2, user.id)
      .bind(3, sealer_.seal(FieldSealer::org_subject(user.org_id),
                            {"invitations", "display_name", invitation_id}, ""))
      .bind(4, invitation_id)
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
        sql::Statement(conn_, "INSERT INTO care_teams VALUES (?, ?, ?, ?, ?)")
            .bind(1, team_id)
            .bind(2, user.org_id)
            .bind(3, sealer_.seal(FieldSealer::org_subject(user.org_id),
                                  {"care_teams", "name", team_id}, "Caseload"))
            .bind(4, therapist)
            .bind(5, now)
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
  insert_audit_entry(conn_, r, audit_key_.get());
}

std::string SqliteStore::create_care_team(const std::string& org_id, const std::string& name,
                                          std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto id = random_id();
  sql::Statement(conn_, "INSERT INTO care_teams VALUES (?, ?, ?, NULL, ?)")
      .bind(1, id)
      .bind(2, org_id)
      .bind(3, sealer_.seal(FieldSealer::org_subject(org_id), {"care_teams", "name", id}, name))
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
  return read_members(
      {q.text(0), q.text(1), sealer_.open({"care_teams", "name", q.text(0)}, q.text(2)), {}, {}});
}

std::vector<CareTeam> SqliteStore::list_care_teams(const std::string& org_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   "SELECT id, org_id, name FROM care_teams WHERE org_id = ? ORDER BY created_at");
  q.bind(1, org_id);
  std::vector<CareTeam> out;
  while (q.step()) {
    out.push_back(
        {q.text(0), q.text(1), sealer_.open({"care_teams", "name", q.text(0)}, q.text(2)), {}, {}});
  }
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
    return;
  }
  sql::Transaction tx(conn_);
  sql::Statement(conn_, "DELETE FROM care_team_members WHERE team_id = ? AND user_id = ?")
      .bind(1, team_id)
      .bind(2, user_id)
      .run();
  // A cohort's patients are patients of its team; one who leaves the team leaves its
  // cohorts, or the team's clinicians would still see them listed there.
  sql::Statement(conn_,
                 "DELETE FROM cohort_members WHERE user_id = ? AND cohort_id IN "
                 "(SELECT id FROM cohorts WHERE care_team_id = ?)")
      .bind(1, user_id)
      .bind(2, team_id)
      .run();
  tx.commit();
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

// The other side of a care relationship: users of kind `other` in the teams where `user_id`
// is of kind `kind`, oldest account first.
std::vector<User> SqliteStore::care_contacts(const std::string& user_id, const char* kind,
                                             const char* other) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_, std::string(kUserColumns) +
                              " FROM users WHERE id IN (SELECT o.user_id FROM care_team_members m "
                              "JOIN care_team_members o ON m.team_id = o.team_id WHERE "
                              "m.user_id = ? AND m.kind = ? AND o.kind = ?) "
                              "ORDER BY created_at");
  q.bind(1, user_id).bind(2, std::string_view(kind)).bind(3, std::string_view(other));
  std::vector<User> out;
  while (q.step()) out.push_back(read_user(q, sealer_));
  return out;
}

std::vector<User> SqliteStore::patients_of(const std::string& clinician_id) {
  return care_contacts(clinician_id, "clinician", "patient");
}

std::vector<User> SqliteStore::clinicians_of(const std::string& patient_id) {
  return care_contacts(patient_id, "patient", "clinician");
}

std::vector<std::string> SqliteStore::clinician_team_ids(const std::string& clinician_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(
      conn_, "SELECT team_id FROM care_team_members WHERE user_id = ? AND kind = 'clinician'");
  q.bind(1, clinician_id);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.text(0));
  return out;
}

void SqliteStore::create_break_glass(const BreakGlassGrant& g) {
  std::lock_guard lock(mutex_);
  sql::Statement(conn_, "INSERT INTO break_glass VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind(1, g.id)
      .bind(2, g.org_id)
      .bind(3, g.user_id)
      .bind(4, g.patient_id)
      .bind(5, sealer_.seal(FieldSealer::user_subject(Role::patient, g.patient_id, ""),
                            {"break_glass", "reason_sealed", g.id}, g.reason))
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
    const std::string id = q.text(0);
    out.push_back({id, q.text(1), q.text(2), q.text(3),
                   sealer_.open({"break_glass", "reason_sealed", id}, q.text(4)), q.integer(5),
                   q.integer(6)});
  }
  return out;
}

}  // namespace haven
