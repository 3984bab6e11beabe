// SqliteStore: reading the audit trail back (admin search and export, a patient's
// accounting of disclosures). Writing it is append_audit, inside each request's unit of work.
#include "store/sqlite_store.h"

namespace haven {

std::vector<AuditEntry> SqliteStore::search_audit(const AuditQuery& q) {
  std::lock_guard lock(mutex_);
  // The tenant boundary: events whose actor or subject is an account of the practice,
  // plus anonymous ones with neither (failed sign-ins for unknown addresses) and the
  // installation's own (scheduled backups, role "system").
  sql::Statement s(conn_,
                   "SELECT seq, at, actor_id, action, object_type, object_id, outcome, request_id "
                   "FROM audit_events WHERE pruned_leaf IS NULL AND "
                   "(?1 = '' OR actor_id = ?1) AND (?2 = '' OR object_id = ?2) "
                   "AND substr(action, 1, length(?3)) = ?3 "
                   "AND at >= ?4 AND (?5 = 0 OR at < ?5) "
                   "AND (actor_id IN (SELECT id FROM users WHERE org_id = ?6) "
                   "  OR object_id IN (SELECT id FROM users WHERE org_id = ?6) "
                   "  OR (COALESCE(actor_id, '') = '' AND COALESCE(object_id, '') = '') "
                   "  OR actor_role = 'system') "
                   "ORDER BY seq DESC LIMIT ?7");
  s.bind(1, q.actor_id)
      .bind(2, q.object_id)
      .bind(3, q.action_prefix)
      .bind(4, q.from)
      .bind(5, q.to)
      .bind(6, q.org_id)
      .bind(7, q.limit);
  std::vector<AuditEntry> out;
  while (s.step()) {
    out.push_back(
        {s.integer(0),
         {s.integer(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6), s.text(7)}});
  }
  return out;
}

}  // namespace haven
