// The audit log on SQLite: appending an entry (seq, authentication code) on the store's
// connection, and AuditLedger (reading entries, reading and adding checkpoints) on a
// connection of its own, read-write for the server or read-only for `haven audit`.
#pragma once

#include <functional>
#include <mutex>
#include <string>

#include "audit/audit_key.h"
#include "audit/ledger.h"
#include "store/sqlite.h"

namespace haven {

// Appends one entry with seq = the last seq + 1 and, when key is set, its authentication
// code. Joins the caller's transaction if one is open, else runs in its own. Returns seq.
std::int64_t insert_audit_entry(sql::Connection& conn, const AuditRecord& record,
                                const audit::AuditKey* key);

// The schema version of the database at path; 0 when the file or the table is missing.
int database_schema_version(const std::string& path);

class SqliteAuditLedger final : public audit::AuditLedger {
 public:
  SqliteAuditLedger(const std::string& path, int busy_timeout_ms, sql::OpenMode mode);

  std::vector<audit::StoredEntry> entries_after(std::int64_t after, std::size_t limit) override;
  std::optional<audit::StoredEntry> entry(std::int64_t seq) override;
  std::vector<audit::StoredCheckpoint> checkpoints() override;
  std::optional<audit::StoredCheckpoint> latest_checkpoint() override;
  std::optional<audit::StoredCheckpoint> checkpoint_of_size(std::int64_t tree_size) override;
  audit::StoredCheckpoint add_checkpoint(audit::StoredCheckpoint checkpoint) override;
  std::int64_t last_seq_before(std::int64_t at) override;
  std::int64_t prune_through(std::int64_t through,
                             const std::function<audit::Hash(std::int64_t)>& leaf_of) override;

  // One consistent snapshot, even while the server appends: the checkpoints first, then
  // every entry in seq order (on_entry returns false to stop early).
  void scan(const std::function<void(std::vector<audit::StoredCheckpoint>)>& on_checkpoints,
            const std::function<bool(const audit::StoredEntry&)>& on_entry);

  // Upgrade only: gives every entry without an authentication code one (entries written
  // before the tamper-evident log existed). Returns how many it sealed.
  std::int64_t seal_legacy_entries(const audit::AuditKey& key);

 private:
  std::vector<audit::StoredCheckpoint> query_checkpoints(const char* where_order, std::int64_t arg);
  std::mutex mutex_;
  sql::Connection conn_;
};

}  // namespace haven
