// SqliteStore: IOP cohorts, named groups of patients of one care team. Cohort names
// are sealed under the practice's data key.
#include "store/sqlite_store.h"
#include "util/secret_bytes.h"

namespace haven {

std::string SqliteStore::create_cohort(const std::string& org_id, const std::string& care_team_id,
                                       const std::string& name, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto id = random_id();
  sql::Statement(conn_,
                 "INSERT INTO cohorts (id, org_id, care_team_id, name, created_at) "
                 "VALUES (?, ?, ?, ?, ?)")
      .bind(1, id)
      .bind(2, org_id)
      .bind(3, care_team_id)
      .bind(4, sealer_.seal(FieldSealer::org_subject(org_id), {"cohorts", "name", id}, name))
      .bind(5, now)
      .run();
  return id;
}

// Lists are in insertion order: rowid breaks ties between rows of the same second.
Cohort SqliteStore::read_cohort_members(Cohort cohort) {
  sql::Statement q(conn_,
                   "SELECT user_id FROM cohort_members WHERE cohort_id = ? ORDER BY added_at, "
                   "rowid");
  q.bind(1, cohort.id);
  while (q.step()) cohort.patient_ids.push_back(q.text(0));
  return cohort;
}

std::optional<Cohort> SqliteStore::find_cohort(const std::string& id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_, "SELECT id, org_id, care_team_id, name FROM cohorts WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_cohort_members({q.text(0),
                              q.text(1),
                              q.text(2),
                              sealer_.open({"cohorts", "name", q.text(0)}, q.text(3)),
                              {}});
}

std::vector<Cohort> SqliteStore::list_cohorts(const std::string& org_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   "SELECT id, org_id, care_team_id, name FROM cohorts WHERE org_id = ? "
                   "ORDER BY created_at, rowid");
  q.bind(1, org_id);
  std::vector<Cohort> out;
  while (q.step()) {
    out.push_back({q.text(0),
                   q.text(1),
                   q.text(2),
                   sealer_.open({"cohorts", "name", q.text(0)}, q.text(3)),
                   {}});
  }
  for (auto& cohort : out) cohort = read_cohort_members(std::move(cohort));
  return out;
}

bool SqliteStore::set_cohort_member(const std::string& cohort_id, const std::string& patient_id,
                                    bool present, std::int64_t now) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  // The team is read inside the transaction, so the cohort and team rows agree.
  sql::Statement team(conn_, "SELECT care_team_id FROM cohorts WHERE id = ?");
  team.bind(1, cohort_id);
  if (!team.step()) return false;  // rolled back: nothing changed
  const std::string team_id = team.text(0);
  if (!present) {
    sql::Statement(conn_, "DELETE FROM cohort_members WHERE cohort_id = ? AND user_id = ?")
        .bind(1, cohort_id)
        .bind(2, patient_id)
        .run();
    tx.commit();
    return true;
  }
  // Re-adding keeps the original added_at, so the member order stays stable.
  sql::Statement(conn_, "INSERT OR IGNORE INTO cohort_members VALUES (?, ?, ?)")
      .bind(1, cohort_id)
      .bind(2, patient_id)
      .bind(3, now)
      .run();
  // The cohort's clinicians must be able to see its patients: join the care team too
  // (already a member: unchanged).
  sql::Statement(conn_, "INSERT OR IGNORE INTO care_team_members VALUES (?, ?, 'patient')")
      .bind(1, team_id)
      .bind(2, patient_id)
      .run();
  tx.commit();
  return true;
}

}  // namespace haven
