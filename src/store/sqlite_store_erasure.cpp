// Erasure by crypto-shredding: a patient's PHI is sealed only under their own data key
// (subject "user:<id>"), whose one wrapped copy is their data_keys row. Deleting that row
// (secure_delete zeroes it in the file; the WAL is checkpointed) and dropping the cached
// key makes every sealed copy of their PHI unreadable: the database, old WAL frames, and
// every backup archive (a restore deletes the key again from the erasure ledger).
#include <ctime>

#include "backup/data_files.h"
#include "store/data_keys.h"
#include "store/sqlite_store.h"

namespace haven {

std::int64_t SqliteStore::last_activity_of(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   "SELECT MAX(u.created_at, COALESCE((SELECT MAX(at) FROM audit_events "
                   "WHERE actor_id = u.id), 0)) FROM users u WHERE u.id = ?");
  q.bind(1, user_id);
  return q.step() ? q.integer(0) : 0;
}

std::optional<std::string> SqliteStore::erase_patient(const std::string& user_id,
                                                      std::int64_t now) {
  std::lock_guard lock(mutex_);
  const std::string subject = FieldSealer::user_subject(Role::patient, user_id, "");
  sql::Transaction tx(conn_);
  auto key = data_keys::by_subject(conn_, subject);
  if (!key) return std::nullopt;
  sql::Statement(conn_, "INSERT OR IGNORE INTO erased_keys VALUES (?, ?, ?)")
      .bind(1, key->key_id)
      .bind(2, subject)
      .bind(3, now)
      .run();
  sql::Statement(conn_, "DELETE FROM data_keys WHERE key_id = ?").bind(1, key->key_id).run();
  // The address cannot even be confirmed: no blind index left to match it against.
  sql::Statement(conn_, "UPDATE users SET email_index = NULL, disabled = 1 WHERE id = ?")
      .bind(1, user_id)
      .run();
  sql::Statement(conn_, "DELETE FROM sessions WHERE user_id = ?").bind(1, user_id).run();
  sql::Statement(conn_, "DELETE FROM mfa_challenges WHERE user_id = ?").bind(1, user_id).run();
  // Where they were and whom to call: sealed under the destroyed key anyway, but the rows
  // themselves (which rooms they confirmed for, and when) go too.
  sql::Statement(conn_, "DELETE FROM safety_checks WHERE user_id = ?").bind(1, user_id).run();
  // Their devices can no longer be added to a group (docs/E2EE.md).
  sql::Statement(conn_,
                 "DELETE FROM key_packages WHERE device_id IN "
                 "(SELECT id FROM devices WHERE user_id = ?)")
      .bind(1, user_id)
      .run();
  sql::Statement(conn_,
                 "UPDATE devices SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL")
      .bind(1, now)
      .bind(2, user_id)
      .run();
  tx.commit();
  keyring_.forget(key->key_id);
  // Outside the database, so an older backup cannot bring the key back. Written before
  // the unit of work commits: if that commit failed, a later restore would erase a
  // patient whose erasure was refused — the safe side for a request to be forgotten.
  backup::append_erased_key(keyring_.data_dir(), key->key_id);
  return key->key_id;
}

}  // namespace haven
